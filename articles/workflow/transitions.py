"""Moves between states: submit, return, schedule, publish, unpublish, and the
scheduled sweep.

    draft --submit--> in_review --publish--> published --unpublish--> unpublished
      ^                 |  \\--schedule--> scheduled --(publish_at)--> published
      +----return-------+

Every move takes these steps, in one transaction (`_move`): lock the article's
row; check the person's right and the version they saw; check the move is
allowed from the current state; for a move that puts content live, check there
are no pending changes, the publishing checklist and the embargo; write the new
state; then `recording.event` (the event, its webhook deliveries, the sweep at
a scheduled time) and `recording.saved` (new version, old address kept, the
related and search indexes, a revision, the page cache's turnover). Whatever
reaches beyond the database is written in the transaction and carried out after
it commits (`follow_up`).

The five states and their moves fit in one mapping (`permissions.ALLOWED_MOVES`);
a state-machine library such as django-fsm-2 would move them onto the model as
decorated methods while adding nothing for the part that matters here: each move
locks the article's row first, so that two people (or two scheduler runs) moving
one article at once make exactly one move and one event.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleEvent, PendingChange
from articles.workflow import recording
from articles.workflow.content import ArticleContent
from articles.workflow.editing import check_version
from articles.workflow.embargo import require_embargo_confirmed
from articles.workflow.permissions import (
    ACTION_TARGETS,
    User,
    can_edit,
    is_editor,
    may_move,
    require,
)
from articles.workflow.rules import (
    InvalidTransition,
    publish_problems,
    require_publishable,
)

Status = Article.Status
Action = ArticleEvent.Action


def submit(
    article: Article, *, by: User, comment: str = "", version: int | None = None
) -> Article:
    return _move(
        article,
        Action.SUBMIT,
        by=by,
        comment=comment,
        version=version,
        allowed=can_edit,
        refusal="You may only submit your own drafts.",
    )


def return_to_writer(
    article: Article, *, by: User, comment: str, version: int | None = None
) -> Article:
    if not comment.strip():
        raise InvalidTransition("Tell the writer what to change: a comment is needed.")
    return _move(
        article,
        Action.RETURN,
        by=by,
        comment=comment,
        version=version,
        refusal="Only editors can return articles to the writer.",
    )


def schedule(
    article: Article,
    *,
    by: User,
    at: datetime | None,
    comment: str = "",
    version: int | None = None,
    confirm_embargo: bool = False,
) -> Article:
    if at is None or at <= timezone.now():
        raise InvalidTransition(
            "Choose a publish time in the future; to publish now, use Publish."
        )
    return _move(
        article,
        Action.SCHEDULE,
        by=by,
        comment=comment,
        version=version,
        refusal="Only editors can schedule articles.",
        goes_live=True,
        confirm_embargo=confirm_embargo,
        publish_at=at,
    )


def publish(
    article: Article,
    *,
    by: User,
    comment: str = "",
    version: int | None = None,
    confirm_embargo: bool = False,
) -> Article:
    def dates(locked: Article) -> dict:
        now = timezone.now()
        if not locked.first_published_at:
            return {"publish_at": now, "first_published_at": now}
        # Back after an unpublish: keeps its date, shows as updated.
        changes = {"updated_at": now}
        if locked.publish_at is None or locked.publish_at > now:
            changes["publish_at"] = now
        return changes

    return _move(
        article,
        Action.PUBLISH,
        by=by,
        comment=comment,
        version=version,
        refusal="Only editors can publish articles.",
        goes_live=True,
        confirm_embargo=confirm_embargo,
        changes_for=dates,
    )


def unpublish(
    article: Article, *, by: User, comment: str = "", version: int | None = None
) -> Article:
    return _move(
        article,
        Action.UNPUBLISH,
        by=by,
        comment=comment,
        version=version,
        refusal="Only editors can unpublish articles.",
    )


def publish_due(now: datetime | None = None) -> list[Article]:
    """Record the publication of scheduled articles whose time has come.

    Readers see them from `publish_at` anyway (`live()` compares the time); this
    writes the transition and its event, oldest first, so a run that catches up
    on missed ones records them in the order they went out. Safe to run
    repeatedly and concurrently: each article is moved by exactly one run.
    """
    now = now or timezone.now()
    published = []
    for pk in due_for_publication(now).values_list("pk", flat=True):
        article = publish_one(pk, now)
        if article is not None and article.status == Status.PUBLISHED:
            published.append(article)
    return published


def due_for_publication(now: datetime):
    return Article.objects.filter(
        status=Status.SCHEDULED, publish_at__lte=now
    ).order_by("publish_at", "pk")


def publish_one(pk: int, now: datetime) -> Article | None:
    """Publish one scheduled article whose time has come, or hold it back.

    Every edit of a scheduled article is checked against the publishing rules,
    but a photo or a linked story can change on its own: an article that breaks
    them now is held back for review instead. None when another run or an
    editor moved it meanwhile.
    """
    with transaction.atomic():
        article = recording.lock(Article(pk=pk))
        if article.status != Status.SCHEDULED or article.publish_at > now:
            return None
        if problems := publish_problems(ArticleContent.of(article), article):
            article.status = Status.IN_REVIEW
            article.save(update_fields=["status"])
            recording.bump_version(article)
            recording.event(
                article,
                Action.HOLD,
                None,
                from_status=Status.SCHEDULED,
                comment=f"Held back at its scheduled time: {'; '.join(problems)}",
            )
            recording.saved(article, None, comment="Held back", old_path=None)
            return article
        article.status = Status.PUBLISHED
        article.first_published_at = article.first_published_at or article.publish_at
        article.save(update_fields=["status", "first_published_at"])
        recording.event(
            article,
            Action.PUBLISH,
            None,
            from_status=Status.SCHEDULED,
            comment=_on_time(article.publish_at, now),
        )
        recording.saved(article, None, comment=Action.PUBLISH.label, old_path=None)
        return article


def _on_time(due: datetime, now: datetime) -> str:
    late = now - due
    if late.total_seconds() < 120:
        return "Published at its scheduled time."
    when = timezone.localtime(due)
    return (
        f"Published at its scheduled time ({when:%b} {when.day}, {when:%H:%M}), "
        f"recorded {int(late.total_seconds() // 60)} minutes late by a run that "
        "caught up."
    )


def _move(
    article: Article,
    action: str,
    *,
    by: User,
    comment: str = "",
    version: int | None = None,
    refusal: str,
    allowed=None,
    goes_live: bool = False,
    confirm_embargo: bool = False,
    changes_for=None,
    **changes,
) -> Article:
    with transaction.atomic():
        locked = recording.lock(article)
        require((allowed or _editor)(by, locked), refusal)
        # A move is made on the version the person saw: content saved since
        # would otherwise go live (or back) unseen.
        check_version(locked, version)
        source, target = locked.status, ACTION_TARGETS[action]
        if not may_move(by, locked, target):
            raise InvalidTransition(
                f"“{locked.headline}” is {locked.get_status_display().lower()}; "
                f"it cannot be {Action(action).label.lower()}."
            )
        if goes_live:
            if PendingChange.objects.filter(article=locked).exists():
                raise InvalidTransition(
                    f"“{locked.headline}” has pending changes: publish or discard "
                    "them first."
                )
            require_publishable(ArticleContent.of(locked), locked)
            require_embargo_confirmed(
                locked, at=changes.get("publish_at"), confirmed=confirm_embargo
            )
        changes = {**changes, **(changes_for(locked) if changes_for else {})}
        for name, value in {"status": target, **changes}.items():
            setattr(locked, name, value)
        locked.full_clean(exclude=["created_by", "edited_by"])
        locked.save(update_fields=["status", *changes])
        actor = recording.actor_of(by)
        recording.event(locked, action, actor, from_status=source, comment=comment)
        recording.saved(locked, actor, comment=Action(action).label, old_path=None)
    _refresh(article, locked)
    return article


def _editor(user: User, article: Article) -> bool:
    return is_editor(user)


def _refresh(article: Article, locked: Article) -> None:
    """Bring the caller's instance up to date with what was committed."""
    article.refresh_from_db()
