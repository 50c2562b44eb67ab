"""Unsaved work and who is editing: autosaved working copies, their recovery,
and presence on an article's change page.

A working copy is one person's unsaved input on one article: only the fields
they changed on the page, as typed, and the version they started from. It is
private to them, never a revision, never content: only their own change page
reads it, to offer it back. Saving the article through the workflow ends it.

Presence is kept in the database, one row per person and article, refreshed
by each page's heartbeat: every web process sees the same rows without a
shared cache (development runs without one), and a row per person has no
read-modify-write race between heartbeats.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles.models import Article, OpenedVersion, Presence, WorkingCopy
from articles.workflow import ArticleContent, proposed_content
from articles.workflow.content import FORM_FIELDS
from articles.workflow.merging import content_opened_at, field_label

# What the change page's heartbeat (working-copy.js) and presence promise:
# a beat every few seconds, and someone who left gone within a minute.
HEARTBEAT_SECONDS = 10
PRESENCE_SECONDS = 40

# The form's inputs a working copy keeps, as typed.
AUTOSAVED_FIELDS = FORM_FIELDS


def max_age() -> timedelta:
    return timedelta(days=settings.NEWSROOM_WORKING_COPY_MAX_AGE_DAYS)


def keep_working_copy(
    user, article: Article, base_version: int, fields: dict
) -> WorkingCopy | None:
    """Keep what `user` changed on the page since `base_version`; nothing
    changed, no working copy."""
    fields = {name: fields[name] for name in AUTOSAVED_FIELDS if name in fields}
    if not fields:
        discard_working_copy(user, article)
        return None
    kept = {"base_version": base_version, "fields": fields, "saved_at": timezone.now()}
    # One UPDATE on every autosave but the first.
    if WorkingCopy.objects.filter(user=user, article=article).update(**kept):
        return WorkingCopy(user=user, article=article, **kept)
    copy, _ = WorkingCopy.objects.update_or_create(
        user=user, article=article, defaults=kept
    )
    return copy


def discard_working_copy(user, article: Article) -> None:
    WorkingCopy.objects.filter(user=user, article=article).delete()


@dataclass
class Offer:
    """Unsaved work offered back when its author opens the article again."""

    copy: WorkingCopy
    # What the person changed, as editors name the fields.
    changed: list[str]
    # What others saved since the person's version (None: not known).
    changed_since: list[str] | None

    @property
    def saved_at(self) -> datetime:
        return self.copy.saved_at


def unsaved_work(user, article: Article) -> Offer | None:
    """`user`'s unsaved work on the article, if any of it differs from what is
    saved now; work that says what is saved already is dropped."""
    copy = WorkingCopy.objects.filter(user=user, article=article).first()
    if copy is None:
        return None
    now = proposed_content(article)
    unsaved = [
        name for name, value in copy.fields.items() if not _says(now, name, value)
    ]
    if not unsaved:
        copy.delete()
        return None
    changed_since: list[str] | None = []
    if copy.base_version != article.version:
        base = content_opened_at(article, copy.base_version)
        changed_since = base.differences(now) if base else None
    return Offer(copy, [field_label(name) for name in unsaved], changed_since)


def _says(content: ArticleContent, name: str, typed) -> bool:
    """Whether the input typed for `name` says what `content` has."""
    value = getattr(content, name)
    if name == "tags":
        return {t.lower() for t in typed} == {t.lower() for t in value}
    if name in {"section", "hero_photo", "follows"}:
        return str(typed or "") == str(value or "")
    return _plain(typed) == _plain(value)


def _plain(text) -> str:
    return (text or "").replace("\r\n", "\n").strip()


def restored_fields(user, article: Article) -> dict:
    """The form's inputs from `user`'s working copy, to show instead of what is
    saved for the fields they changed."""
    copy = WorkingCopy.objects.filter(user=user, article=article).first()
    return dict(copy.fields) if copy else {}


# Presence ----------------------------------------------------------------------


def mark_present(user, article: Article) -> None:
    """`user` has the article open now."""
    now = timezone.now()
    # One UPDATE on every heartbeat but the first.
    if not Presence.objects.filter(article=article, user=user).update(seen_at=now):
        Presence.objects.update_or_create(
            article=article, user=user, defaults={"seen_at": now}
        )


def mark_gone(user, article: Article) -> None:
    Presence.objects.filter(article=article, user=user).delete()


def others_present(user, article: Article) -> list[str]:
    """Who else has the article open, by name."""
    since = timezone.now() - timedelta(seconds=PRESENCE_SECONDS)
    rows = (
        Presence.objects.filter(article=article, seen_at__gte=since)
        .exclude(user=user)
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )
    return [row.user.get_full_name() or row.user.get_username() for row in rows]


# Cleaning up -------------------------------------------------------------------


@dataclass
class Cleared:
    working_copies: int
    opened_versions: int
    presences: int


def old_rows(now: datetime) -> tuple:
    """Working copies and opened versions older than the set age, and presence
    nobody refreshed."""
    cutoff = now - max_age()
    return (
        WorkingCopy.objects.filter(saved_at__lt=cutoff),
        OpenedVersion.objects.filter(opened_at__lt=cutoff),
        Presence.objects.filter(seen_at__lt=now - timedelta(seconds=PRESENCE_SECONDS)),
    )


def count_old_working_copies(now: datetime | None = None) -> Cleared:
    return Cleared(*(rows.count() for rows in old_rows(now or timezone.now())))


def clear_old_working_copies(now: datetime | None = None) -> Cleared:
    """Delete what `old_rows` names."""
    with transaction.atomic():
        return Cleared(*(rows.delete()[0] for rows in old_rows(now or timezone.now())))
