"""Pending changes to a live story, scheduled to go out at a given minute.

An editor schedules a live article's pending changes with their update note;
the checklist is asked then, as when scheduling an article, and again at the
minute itself. The scheduled sweep puts them before readers at that minute
(`follow_up` queues it for that time, as for a scheduled article). Changes
that break the checklist by then stay pending, held back, and the story's
history says why. Publishing or discarding the changes by hand ends the
schedule with them.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleEvent, PendingChange, ScheduledUpdate
from articles.workflow import recording
from articles.workflow.content import ArticleContent
from articles.workflow.editing import check_version, clean_update_note, write_pending
from articles.workflow.permissions import User, is_editor, require
from articles.workflow.rules import (
    InvalidTransition,
    publish_problems,
    require_publishable,
)

Action = ArticleEvent.Action


def schedule_changes(
    article: Article,
    *,
    by: User,
    at: datetime | None,
    note: str = "",
    version: int | None = None,
) -> ScheduledUpdate:
    """Set the article's pending changes to go live at `at` (a new time
    replaces an earlier one)."""
    note = clean_update_note(note)
    if at is None or at <= timezone.now():
        raise InvalidTransition(
            "Choose a time in the future for the changes to go live; to publish "
            "them now, use Publish changes."
        )
    with transaction.atomic():
        locked = recording.lock(article)
        require(is_editor(by), "Only editors can schedule changes to live articles.")
        check_version(locked, version)
        pending = PendingChange.objects.filter(article=locked).first()
        if pending is None:
            raise InvalidTransition(
                "There are no pending changes to schedule: someone may have "
                "published or discarded them meanwhile."
            )
        if locked.status not in Article.LIVE_STATUSES:
            raise InvalidTransition(
                f"“{locked.headline}” is not live: schedule the article instead."
            )
        require_publishable(ArticleContent.from_json(pending.content), locked)
        actor = recording.actor_of(by)
        scheduled, _ = ScheduledUpdate.objects.update_or_create(
            pending_change=pending,
            defaults={
                "publish_at": at,
                "note": note,
                "scheduled_by": actor,
                "scheduled_at": timezone.now(),
            },
        )
        recording.event(
            locked,
            Action.SCHEDULE_CHANGES,
            actor,
            comment=_describe(scheduled),
        )
    return scheduled


def unschedule_changes(
    article: Article, *, by: User, version: int | None = None
) -> None:
    """Cancel the schedule; the changes stay pending."""
    with transaction.atomic():
        locked = recording.lock(article)
        require(is_editor(by), "Only editors can cancel scheduled changes.")
        check_version(locked, version)
        deleted, _ = ScheduledUpdate.objects.filter(
            pending_change__article=locked
        ).delete()
        if not deleted:
            raise InvalidTransition(
                "No changes are scheduled: they may have gone out or been "
                "cancelled meanwhile."
            )
        recording.event(locked, Action.UNSCHEDULE_CHANGES, recording.actor_of(by))


def scheduled_update(article: Article) -> ScheduledUpdate | None:
    return ScheduledUpdate.objects.filter(pending_change__article=article).first()


def updates_due(now: datetime):
    return ScheduledUpdate.objects.filter(publish_at__lte=now).order_by(
        "publish_at", "pk"
    )


def publish_scheduled_update(pk: int, now: datetime) -> Article | None:
    """Put the scheduled changes of article `pk` live if their time has come,
    or hold them back (still pending) when the checklist refuses them now.
    None when another run or an editor got there first; held back, the
    article still has its pending changes."""
    with transaction.atomic():
        article = recording.lock(Article(pk=pk))
        scheduled = (
            ScheduledUpdate.objects.select_related("pending_change")
            .filter(pending_change__article=article, publish_at__lte=now)
            .first()
        )
        if scheduled is None:
            return None
        pending = scheduled.pending_change
        problems = publish_problems(ArticleContent.from_json(pending.content), article)
        if article.status not in Article.LIVE_STATUSES:
            problems = [f"the story is {article.get_status_display().lower()}"]
        if problems:
            scheduled.delete()
            recording.event(
                article,
                Action.HOLD,
                None,
                comment="Scheduled changes held back at their time, still pending: "
                + "; ".join(problems),
            )
            return article
        write_pending(
            article,
            pending,
            None,
            note=scheduled.note,
            comment="Published the scheduled changes at their time.",
            at=scheduled.publish_at,
        )
        return article


def _describe(scheduled: ScheduledUpdate) -> str:
    when = timezone.localtime(scheduled.publish_at)
    text = f"To go live {when:%b} {when.day}, {when:%Y %H:%M %Z}"
    if scheduled.note:
        return f"{text}, with the update note “{scheduled.note}”."
    return f"{text}."
