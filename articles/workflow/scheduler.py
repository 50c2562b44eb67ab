"""The scheduled sweep (`manage.py publish_scheduled`) and its heartbeat.

Each run publishes the scheduled articles whose time has come, puts scheduled
changes to live articles before readers and records the embargoes that have
passed, all in the order they fell due, one event each, so
a run after missed ones catches up in time order; it also withdraws the
renditions of photos whose licence has ended, from the first minute of the day
after their last licensed day, and clears unsaved work older than
NEWSROOM_WORKING_COPY_MAX_AGE_DAYS. Each run leaves a heartbeat
(`SchedulerHeartbeat`) that the desk and `/healthz` read; a run that fails says
why there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from articles.models import Article, Photo, SchedulerHeartbeat
from articles.workflow.editing import has_pending_changes
from articles.workflow.embargo import embargoes_ending, end_embargo
from articles.workflow.scheduled_updates import publish_scheduled_update, updates_due
from articles.workflow.transitions import due_for_publication, publish_one

Status = Article.Status
SWEEP = "publish_scheduled"


@dataclass
class Run:
    published: list[Article] = field(default_factory=list)
    held: list[Article] = field(default_factory=list)
    embargoes_ended: list[Article] = field(default_factory=list)
    updated: list[Article] = field(default_factory=list)
    licences_ended: int = 0
    working_copies_cleared: int = 0


def run_scheduled(now: datetime | None = None) -> Run:
    now = now or timezone.now()
    SchedulerHeartbeat.objects.update_or_create(
        name=SWEEP,
        defaults={"started_at": now},
    )
    run = Run()
    try:
        for _, pk, step in _due(now):
            article = step(pk, now)
            if article is None:
                continue
            if step is end_embargo:
                run.embargoes_ended.append(article)
            elif step is publish_scheduled_update:
                held = has_pending_changes(article)
                (run.held if held else run.updated).append(article)
            elif article.status == Status.PUBLISHED:
                run.published.append(article)
            else:
                run.held.append(article)
        run.licences_ended = withdraw_ended_licences(now)
        run.working_copies_cleared = clear_unsaved_work(now)
    except Exception as error:
        _beat(error=f"{type(error).__name__}: {error}")
        raise
    _beat(
        finished_at=timezone.now(),
        published=len(run.published),
        held=len(run.held),
        embargoes_ended=len(run.embargoes_ended),
        error="",
    )
    return run


def withdraw_ended_licences(now: datetime) -> int:
    """Withdraw the renditions of photos whose licence ended (pages stop showing
    them by themselves; this deletes the files that still served them)."""
    from articles.photos.renditions import withdraw_renditions
    from articles.signals import announce_content_changed

    withdrawn = 0
    ended = Photo.objects.licence_expired(timezone.localdate(now)).exclude(
        renditions={}
    )
    for pk in ended.values_list("pk", flat=True):
        with transaction.atomic():
            photo = Photo.objects.select_for_update().filter(pk=pk).first()
            if photo is None or not photo.renditions:
                continue
            withdraw_renditions(photo)
            announce_content_changed(Photo)
            withdrawn += 1
    return withdrawn


def clear_unsaved_work(now: datetime) -> int:
    """Unsaved work older than NEWSROOM_WORKING_COPY_MAX_AGE_DAYS, and the
    versions editors opened as long ago, cleared; presence nobody refreshed."""
    from articles.working_copies import clear_old_working_copies

    return clear_old_working_copies(now).working_copies


def _due(now: datetime) -> list:
    publications = due_for_publication(now).values_list("publish_at", "pk")
    embargoes = embargoes_ending(now).values_list("embargo_until", "pk")
    updates = updates_due(now).values_list("publish_at", "pending_change__article")
    return sorted(
        [(at, pk, publish_one) for at, pk in publications]
        + [(at, pk, end_embargo) for at, pk in embargoes]
        + [(at, pk, publish_scheduled_update) for at, pk in updates],
        key=lambda item: item[:2],
    )


def _beat(**fields) -> None:
    SchedulerHeartbeat.objects.filter(name=SWEEP).update(**fields)


def last_heartbeat() -> SchedulerHeartbeat | None:
    return SchedulerHeartbeat.objects.filter(name=SWEEP).first()
