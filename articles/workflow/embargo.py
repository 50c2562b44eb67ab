"""Embargoes: a time before which nothing about an article is public.

An embargo is separate from the publish time: `Article.objects.live()` and
`is_live()` leave out an article whose embargo has not passed, whatever its
status, so a story published early by mistake still reaches no page, feed,
sitemap, search, related list or API. Previews work and are never indexed.
When the embargo passes, the scheduler records it (`end_embargo`) so that
caches learn the story is now public.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleEvent
from articles.workflow import recording
from articles.workflow.editing import check_version
from articles.workflow.permissions import User, is_editor, require
from articles.workflow.rules import InvalidTransition

Action = ArticleEvent.Action


class EmbargoNotConfirmed(InvalidTransition):
    """Publishing an embargoed article was not confirmed."""


def describe(moment: datetime) -> str:
    when = timezone.localtime(moment)
    return f"{when:%b} {when.day}, {when:%Y %H:%M}"


def require_embargo_confirmed(
    article: Article, *, at: datetime | None, confirmed: bool
) -> None:
    """Refuse to publish (or schedule for `at`) before the embargo ends, unless
    the editor confirmed it."""
    goes_out = at or timezone.now()
    if confirmed or not article.embargo_until or article.embargo_until <= goes_out:
        return
    raise EmbargoNotConfirmed(
        f"“{article.headline}” is under embargo until "
        f"{describe(article.embargo_until)}. Confirm to go ahead: readers will "
        "see it only once the embargo ends."
    )


def set_embargo(
    article: Article,
    until: datetime | None,
    *,
    by: User,
    version: int | None = None,
) -> Article:
    """Embargo the article until `until` (a future time), or lift it (None)."""
    if until is not None and timezone.is_naive(until):
        raise InvalidTransition("Give the embargo time with its time zone.")
    if until is not None and until <= timezone.now():
        raise InvalidTransition(
            "Choose an embargo time in the future; to end an embargo, lift it."
        )
    with transaction.atomic():
        locked = recording.lock(article)
        require(is_editor(by), "Only editors can set or lift embargoes.")
        check_version(locked, version)
        if until is None and locked.embargo_until is None:
            raise InvalidTransition(f"“{locked.headline}” is not under embargo.")
        actor = recording.actor_of(by)
        locked.embargo_until = until
        locked.save(update_fields=["embargo_until"])
        if until is None:
            recording.event(locked, Action.LIFT_EMBARGO, actor)
            comment = Action.LIFT_EMBARGO.label
        else:
            comment = f"Embargoed until {describe(until)}"
            recording.event(locked, Action.EMBARGO, actor, comment=comment)
        recording.saved(locked, actor, comment=comment, old_path=None)
    article.refresh_from_db()
    return article


def embargoes_ending(now: datetime):
    return Article.objects.filter(embargo_until__lte=now).order_by(
        "embargo_until", "pk"
    )


def end_embargo(pk: int, now: datetime) -> Article | None:
    """Record that an article's embargo has passed; None if it was lifted or
    moved meanwhile."""
    with transaction.atomic():
        article = recording.lock(Article(pk=pk))
        if article.embargo_until is None or article.embargo_until > now:
            return None
        ended = article.embargo_until
        article.embargo_until = None
        article.save(update_fields=["embargo_until"])
        recording.event(
            article, Action.EMBARGO_ENDED, None, comment=f"Ended {describe(ended)}"
        )
        recording.saved(
            article, None, comment=Action.EMBARGO_ENDED.label, old_path=None
        )
    return article
