"""Corrections and clarifications: appended to a live article, never removed.

Each is shown on the article page (newest first), on /corrections/ and in its
feed, and in the article's JSON-LD. Withdrawing one keeps it, marked, so a
correction cannot disappear unnoticed. Neither changes the article's content,
so editors with the article open can still save.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from articles.edge import keys as edge_keys
from articles.models import Article, ArticleEvent, Correction, LiveUpdate
from articles.signals import announce_content_changed
from articles.workflow import recording
from articles.workflow.permissions import User, is_editor, require
from articles.workflow.rules import InvalidTransition

Action = ArticleEvent.Action
Kind = Correction.Kind


def add_correction(
    article: Article,
    text: str,
    *,
    by: User,
    kind: str = Kind.CORRECTION,
    live_update: LiveUpdate | None = None,
) -> Correction:
    """A correction of the article, or of one of its live updates (shown there)."""
    text = text.strip()
    if kind not in Kind.values:
        raise InvalidTransition(
            f"“{kind}” is neither a correction nor a clarification."
        )
    if not text:
        raise InvalidTransition("Write the correction readers will see.")
    with transaction.atomic():
        locked = recording.lock(article)
        require(is_editor(by), "Only editors can correct articles.")
        if not locked.is_live():
            raise InvalidTransition(
                f"“{locked.headline}” is not live: correct its text before it is "
                "published instead."
            )
        if live_update is not None and not (
            live_update.article_id == locked.pk
            and LiveUpdate.objects.public().filter(pk=live_update.pk).exists()
        ):
            raise InvalidTransition("Only an update readers can see is corrected.")
        actor = recording.actor_of(by)
        now = timezone.now()
        correction = Correction.objects.create(
            article=locked,
            live_update=live_update,
            kind=kind,
            text=text,
            published_at=now,
            created_by=actor,
        )
        label = Kind(kind).label
        _recorded(locked, now, Action.CORRECT, actor, f"{label}: {text}")
    article.refresh_from_db()
    return correction


def withdraw_correction(correction: Correction, *, by: User, reason: str) -> Correction:
    """Mark a correction withdrawn (it stays on the page, marked, with `reason`)."""
    reason = reason.strip()
    if not reason:
        raise InvalidTransition("Say why the correction is withdrawn.")
    with transaction.atomic():
        locked = recording.lock(correction.article)
        require(is_editor(by), "Only editors can withdraw corrections.")
        correction = Correction.objects.select_for_update().get(pk=correction.pk)
        if correction.is_withdrawn:
            raise InvalidTransition("This correction is already withdrawn.")
        actor = recording.actor_of(by)
        now = timezone.now()
        correction.withdrawn_at = now
        correction.withdrawn_by = actor
        correction.withdrawal_reason = reason
        correction.save(
            update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"]
        )
        comment = f"Withdrew “{correction.text}”: {reason}"
        _recorded(locked, now, Action.WITHDRAW_CORRECTION, actor, comment)
    return correction


def _recorded(article: Article, now, action: str, actor, comment: str) -> None:
    Article.objects.filter(pk=article.pk).update(corrected_at=now)
    article.corrected_at = now
    recording.event(article, action, actor, comment=comment)
    recording.revision(article, actor, comment)
    announce_content_changed(Article, keys=edge_keys.for_article_change(article))
