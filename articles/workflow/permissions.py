"""Who may do what to an article: the role matrix, in one place.

Writers create articles and edit, submit and preview their own drafts; editors
(`articles.publish_article`, `articles.edit_any_article`) do everything on any
article, and publish or schedule their own drafts without the review queue.
The admin, the public preview and the API ask these functions.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

from articles.models import Article, ArticleEvent

Status = Article.Status
Action = ArticleEvent.Action
User = AbstractBaseUser | AnonymousUser

ALLOWED_MOVES: dict[str, set[str]] = {
    Status.DRAFT: {Status.IN_REVIEW},
    Status.IN_REVIEW: {Status.DRAFT, Status.SCHEDULED, Status.PUBLISHED},
    Status.SCHEDULED: {Status.DRAFT, Status.PUBLISHED},
    Status.PUBLISHED: {Status.UNPUBLISHED},
    Status.UNPUBLISHED: {Status.DRAFT, Status.SCHEDULED, Status.PUBLISHED},
    # Only reinstating (articles.workflow.takedown) brings one back.
    Status.TAKEN_DOWN: set(),
}

# An editor's own draft needs no second pair of eyes from the review queue: they
# publish or schedule it directly (the publishing checklist still applies).
EDITORS_OWN_DRAFT_MOVES = {Status.SCHEDULED, Status.PUBLISHED}

ACTION_TARGETS: dict[str, str] = {
    Action.SUBMIT: Status.IN_REVIEW,
    Action.RETURN: Status.DRAFT,
    Action.SCHEDULE: Status.SCHEDULED,
    Action.PUBLISH: Status.PUBLISHED,
    Action.UNPUBLISH: Status.UNPUBLISHED,
}


def is_editor(user: User) -> bool:
    return user.is_active and user.has_perm("articles.publish_article")


def is_author_of(user: User, article: Article) -> bool:
    if not user.is_authenticated:
        return False
    if article.created_by_id == user.pk:
        return True
    return any(byline.author.user_id == user.pk for byline in article.bylines.all())


def can_create(user: User) -> bool:
    return user.is_active and user.has_perm("articles.add_article")


def can_view(user: User, article: Article) -> bool:
    if not user.is_authenticated or not user.has_perm("articles.view_article"):
        return False
    return user.has_perm("articles.edit_any_article") or is_author_of(user, article)


def can_edit(user: User, article: Article) -> bool:
    """Editors edit anything; writers edit their own drafts only."""
    if not user.is_authenticated or not user.has_perm("articles.change_article"):
        return False
    if user.has_perm("articles.edit_any_article"):
        return True
    return article.status == Status.DRAFT and is_author_of(user, article)


def can_delete(user: User, article: Article) -> bool:
    if not user.is_authenticated or not user.has_perm("articles.delete_article"):
        return False
    if article.status == Status.TAKEN_DOWN:
        return user.is_superuser  # the record of a takedown stays
    if is_editor(user):
        return True
    return article.status == Status.DRAFT and is_author_of(user, article)


def can_take_down(user: User) -> bool:
    return user.is_active and user.has_perm("articles.take_down_article")


def can_override_checklist(user: User) -> bool:
    return is_editor(user) and user.has_perm("articles.override_checklist")


def may_move(user: User, article: Article, target: str) -> bool:
    """Whether the article's state lets `user` move it to `target`."""
    if target in ALLOWED_MOVES[article.status]:
        return True
    return (
        article.status == Status.DRAFT
        and target in EDITORS_OWN_DRAFT_MOVES
        and is_editor(user)
        and is_author_of(user, article)
    )


def allowed_actions(user: User, article: Article) -> list[str]:
    """The transitions `user` may make on `article` now, in button order."""
    actions = []
    for action, target in ACTION_TARGETS.items():
        if not may_move(user, article, target):
            continue
        if action == Action.SUBMIT and can_edit(user, article):
            actions.append(action)
        elif action != Action.SUBMIT and is_editor(user):
            actions.append(action)
    return actions


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
