"""The scheduler leaves a heartbeat, catches up in time order, and /healthz
says when it is late or the database is gone."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleEvent, SchedulerHeartbeat
from articles.workflow import scheduler
from tests.factories import make_article

Status = Article.Status
Action = ArticleEvent.Action
pytestmark = pytest.mark.django_db


def scheduled(at, **over):
    return make_article(status=Status.SCHEDULED, publish_at=at, tags=["T"], **over)


def test_each_run_records_a_heartbeat(client):
    assert SchedulerHeartbeat.objects.count() == 0
    call_command("publish_scheduled", stdout=open(os.devnull, "w"))
    beat = SchedulerHeartbeat.objects.get()
    assert beat.finished_at is not None and beat.error == ""
    body = client.get(reverse("healthz")).json()
    assert body["scheduler"]["last_run"] == beat.finished_at.isoformat()


def test_missed_runs_are_caught_up_in_time_order_with_one_event_each(editor):
    start = timezone.now()
    third = scheduled(start + timedelta(minutes=30), headline="Third")
    first = scheduled(start + timedelta(minutes=10), headline="First")
    held = make_article(tags=["T"], headline="Embargoed")
    workflow.set_embargo(held, start + timedelta(minutes=20), by=editor)
    with time_machine.travel(start + timedelta(hours=2)):
        run = workflow.run_scheduled()
        assert [a.headline for a in run.published] == ["First", "Third"]
        assert [a.headline for a in run.embargoes_ended] == ["Embargoed"]
        again = workflow.run_scheduled()
    assert again.published == [] and again.embargoes_ended == []
    events = ArticleEvent.objects.filter(
        action__in=[Action.PUBLISH, Action.EMBARGO_ENDED]
    ).order_by("pk")
    assert [(e.article.headline, e.action) for e in events] == [
        ("First", Action.PUBLISH),
        ("Embargoed", Action.EMBARGO_ENDED),
        ("Third", Action.PUBLISH),
    ]
    assert "caught up" in events[0].comment
    for article in (first, third):
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED


def test_healthz_is_ok_when_the_scheduler_keeps_time(client):
    scheduled(timezone.now() + timedelta(hours=1))
    call_command("publish_scheduled", stdout=open(os.devnull, "w"))
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok" and body["cache"] == "ok"
    assert body["overdue_articles"] == 0 and body["scheduler"]["late"] is False
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_an_article_is_overdue(client):
    call_command("publish_scheduled", stdout=open(os.devnull, "w"))
    now = timezone.now()
    scheduled(now + timedelta(minutes=1))
    with time_machine.travel(now + timedelta(minutes=7)):
        response = client.get(reverse("healthz"))
        assert response.status_code == 503
        assert response.json()["overdue_articles"] == 1
        assert response.json()["scheduler"]["late"] is True
        call_command("publish_scheduled", stdout=open(os.devnull, "w"))
        assert client.get(reverse("healthz")).status_code == 200


def test_healthz_answers_503_when_the_scheduler_never_ran_and_an_article_is_due(
    client,
):
    scheduled(timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["scheduler"] == {
        "last_run": None,
        "late": True,
        "last_run_failed": False,
    }


def test_healthz_stays_200_when_nothing_is_due_however_old_the_last_run(client):
    with time_machine.travel(timezone.now() - timedelta(days=1)):
        call_command("publish_scheduled", stdout=open(os.devnull, "w"))
    assert client.get(reverse("healthz")).status_code == 200


def test_healthz_answers_503_when_the_database_is_unreachable():
    # A real unreachable database: a server process whose PostgreSQL address
    # has nothing listening.
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
        "DJANGO_ALLOWED_HOSTS": "testserver",
    }
    script = (
        "import django, json; django.setup();"
        "from django.test.utils import setup_test_environment;"
        "setup_test_environment();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.content.decode())"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, body = done.stdout.strip().split(" ", 1)
    assert status == "503", done.stderr
    assert json.loads(body)["database"] == "unreachable"


def test_desk_shows_the_last_run_and_what_is_overdue(client, editor):
    call_command("publish_scheduled", stdout=open(os.devnull, "w"))
    now = timezone.now()
    scheduled(now + timedelta(minutes=1))
    client.force_login(editor)
    with time_machine.travel(now + timedelta(minutes=10)):
        html = client.get(reverse("admin:index")).content.decode()
    line = html.split('id="desk-scheduler"', 1)[1].split("</p>", 1)[0]
    assert "last ran" in line
    assert "1 scheduled article more than five minutes overdue" in line


def test_a_failing_run_says_why_in_the_heartbeat(client, monkeypatch):
    scheduled(timezone.now() - timedelta(minutes=1))

    def broken(pk, now):
        raise RuntimeError("disk full")

    monkeypatch.setattr(scheduler, "publish_one", broken)
    with pytest.raises(RuntimeError):
        scheduler.run_scheduled()
    assert SchedulerHeartbeat.objects.get().error == "RuntimeError: disk full"
    assert client.get(reverse("healthz")).json()["scheduler"]["last_run_failed"]


def test_a_sweep_withdraws_the_renditions_of_a_photo_whose_licence_ended(
    django_capture_on_commit_callbacks,
):
    from django.core.files.storage import default_storage

    from articles.models import Photo
    from tests.factories import make_photo

    today = timezone.localdate()
    ended, licensed = make_photo(), make_photo()
    # The licence ran out after the renditions were made.
    Photo.objects.filter(pk=ended.pk).update(licence_expires_on=today - timedelta(1))
    Photo.objects.filter(pk=licensed.pk).update(licence_expires_on=today)
    files = [entry["name"] for entry in ended.renditions["jpeg"]]
    assert all(default_storage.exists(name) for name in files)

    with django_capture_on_commit_callbacks(execute=True):
        run = scheduler.run_scheduled()
    ended.refresh_from_db()
    licensed.refresh_from_db()
    assert run.licences_ended == 1
    assert ended.renditions == {}
    assert not any(default_storage.exists(name) for name in files)
    assert licensed.renditions
    # At midnight the day's licence ends too, without waiting for a nightly run.
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert scheduler.run_scheduled().licences_ended == 1
    licensed.refresh_from_db()
    assert licensed.renditions == {}
