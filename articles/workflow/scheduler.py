"""The scheduled sweep (`manage.py publish_scheduled`) and its heartbeat.

Each run publishes the scheduled articles whose time has come and records the
embargoes that have passed, all in the order they fell due, one event each, so
a run after missed ones catches up in time order. Each run leaves a heartbeat
(`SchedulerHeartbeat`) that the desk and `/healthz` read; a run that fails says
why there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from articles.models import Article, SchedulerHeartbeat
from articles.workflow.embargo import embargoes_ending, end_embargo
from articles.workflow.transitions import due_for_publication, publish_one

Status = Article.Status
SWEEP = "publish_scheduled"


@dataclass
class Run:
    published: list[Article] = field(default_factory=list)
    held: list[Article] = field(default_factory=list)
    embargoes_ended: list[Article] = field(default_factory=list)


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
            elif article.status == Status.PUBLISHED:
                run.published.append(article)
            else:
                run.held.append(article)
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


def _due(now: datetime) -> list:
    publications = due_for_publication(now).values_list("publish_at", "pk")
    embargoes = embargoes_ending(now).values_list("embargo_until", "pk")
    return sorted(
        [(at, pk, publish_one) for at, pk in publications]
        + [(at, pk, end_embargo) for at, pk in embargoes],
        key=lambda item: item[:2],
    )


def _beat(**fields) -> None:
    SchedulerHeartbeat.objects.filter(name=SWEEP).update(**fields)


def last_heartbeat() -> SchedulerHeartbeat | None:
    return SchedulerHeartbeat.objects.filter(name=SWEEP).first()
