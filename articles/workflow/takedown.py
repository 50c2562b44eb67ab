"""Taking an article down, and bringing it back.

A takedown (a court order, a safety risk, a story that should never have run)
gives the article a status of its own: its every address answers 410 Gone, and
since `live()` leaves it out it is gone from every list, feed, sitemap, related
list and search at once. Who, when and why are recorded; the same permission
reverses it, with a reason of its own. Only a superuser may delete a
taken-down article (`permissions.can_delete`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleEvent
from articles.workflow import recording
from articles.workflow.content import ArticleContent
from articles.workflow.editing import check_version
from articles.workflow.permissions import User, can_take_down, require
from articles.workflow.rules import InvalidTransition, require_publishable

Status = Article.Status
Action = ArticleEvent.Action


def take_down(
    article: Article, *, by: User, reason: str, version: int | None = None
) -> Article:
    reason = reason.strip()
    with transaction.atomic():
        locked = recording.lock(article)
        require(can_take_down(by), "You may not take articles down.")
        check_version(locked, version)
        if locked.status == Status.TAKEN_DOWN:
            raise InvalidTransition(f"“{locked.headline}” is already taken down.")
        if locked.status in {Status.DRAFT, Status.IN_REVIEW}:
            raise InvalidTransition(
                f"“{locked.headline}” has never been public: there is nothing to "
                "take down."
            )
        if not reason:
            raise InvalidTransition("Say why the article is taken down.")
        actor = recording.actor_of(by)
        source = locked.status
        locked.status = Status.TAKEN_DOWN
        locked.taken_down_at = timezone.now()
        locked.taken_down_by = actor
        locked.takedown_reason = reason
        locked.save(
            update_fields=[
                "status",
                "taken_down_at",
                "taken_down_by",
                "takedown_reason",
            ]
        )
        recording.event(
            locked, Action.TAKE_DOWN, actor, from_status=source, comment=reason
        )
        recording.saved(locked, actor, comment=f"Taken down: {reason}", old_path=None)
    article.refresh_from_db()
    return article


def status_before_takedown(article: Article) -> str:
    """The state the article was in when it was last taken down."""
    taken = (
        ArticleEvent.objects.filter(article=article, action=Action.TAKE_DOWN)
        .order_by("-created_at", "-pk")
        .values_list("from_status", flat=True)
        .first()
    )
    return taken or Status.UNPUBLISHED


def reinstate(
    article: Article, *, by: User, reason: str, version: int | None = None
) -> Article:
    """Undo a takedown: the article returns to the state it was taken down from
    (a live article must pass the publishing checklist again)."""
    reason = reason.strip()
    with transaction.atomic():
        locked = recording.lock(article)
        require(can_take_down(by), "You may not reinstate taken-down articles.")
        check_version(locked, version)
        if locked.status != Status.TAKEN_DOWN:
            raise InvalidTransition(f"“{locked.headline}” is not taken down.")
        if not reason:
            raise InvalidTransition("Say why the article is reinstated.")
        target = status_before_takedown(locked)
        if target in Article.LIVE_STATUSES:
            require_publishable(ArticleContent.of(locked), locked)
        actor = recording.actor_of(by)
        locked.status = target
        locked.taken_down_at = None
        locked.taken_down_by = None
        locked.takedown_reason = ""
        locked.save(
            update_fields=[
                "status",
                "taken_down_at",
                "taken_down_by",
                "takedown_reason",
            ]
        )
        recording.event(
            locked,
            Action.REINSTATE,
            actor,
            from_status=Status.TAKEN_DOWN,
            comment=reason,
        )
        recording.saved(locked, actor, comment=f"Reinstated: {reason}", old_path=None)
    article.refresh_from_db()
    return article
