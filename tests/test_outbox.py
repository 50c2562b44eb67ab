"""What follows a change survives the process that made it.

A publish commits, and then its process stops: killed by the kernel, a deploy or
a crash, before it sends the webhook or turns the page cache over. What must
follow the change was written in the change's own transaction, so the task
worker finds it and carries it out; a change that rolled back leaves nothing to
send.
"""

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection
from django.utils import timezone

from articles.models import Article, Webhook, WebhookDelivery
from tests.factories import (
    make_article,
    make_credit,
    make_photo,
    make_section,
    make_user,
)
from tests.processes import database_url
from tests.receiver import Receiver
from tests.test_api_write import token_for
from tests.test_redis_faults import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def receiver(settings):
    settings.NEWSROOM_WEBHOOK_ALLOWED_HOSTS = [Receiver.host]
    with Receiver() as running:
        yield running


# Other processes let the loopback receiver in as the site's own host.
ALLOW_RECEIVER = {"NEWSROOM_WEBHOOK_ALLOWED_HOSTS": Receiver.host}


def an_editor(username="outbox-editor"):
    # Transactional tests run on a flushed database, without the role groups.
    editor = make_user(username)
    editor.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "publish_article",
                "view_article",
                "change_article",
                "edit_any_article",
            ]
        )
    )
    return type(editor).objects.get(pk=editor.pk)


def ready_story(credit=None, **over) -> Article:
    photo = make_photo(credit=credit or make_credit(agency="AFP"))
    fields = {"status": Article.Status.IN_REVIEW, "publish_at": None}
    return make_article(hero_photo=photo, tags=["ports"], **{**fields, **over})


def in_another_process(code: str) -> subprocess.CompletedProcess:
    """Run `code` in `manage.py shell` on this test's database and caches, with
    tasks on the database queue, as an app server runs."""
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": database_url(connection.settings_dict),
            "NEWSROOM_TASK_BACKEND": "database",
            **ALLOW_RECEIVER,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


PUBLISH = """
import os
from django.contrib.auth import get_user_model
from django.db import transaction
from articles import workflow
from articles.models import Article

editor = get_user_model().objects.get(username="outbox-editor")
with transaction.atomic():
    {stop}
    workflow.publish(Article.objects.get(pk={pk}), by=editor)
    {after}
"""


def section_page(client, section) -> str:
    return client.get(section.get_absolute_url()).content.decode()


def test_a_publish_whose_process_stops_at_its_commit_is_sent_and_shown_by_the_worker(
    receiver, task_queue, page_cache, client
):
    an_editor()
    Webhook.objects.create(name="Partner", url=receiver.url)
    section = make_section(name="Harbours", slug="harbours")
    story = ready_story(headline="Cranes return to the harbour", section=section)
    assert "Cranes return" not in section_page(client, section)  # now cached

    # The first thing to run after the commit ends the process: nothing that
    # would follow the publish in that process happens.
    stop = "transaction.on_commit(lambda: os._exit(9))"
    stopped = in_another_process(PUBLISH.format(stop=stop, pk=story.pk, after=""))
    assert stopped.returncode == 9, stopped.stderr

    story.refresh_from_db()
    assert story.status == Article.Status.PUBLISHED
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert json.loads(delivery.body)["data"]["article"]["headline"] == (
        "Cranes return to the harbour"
    )
    assert receiver.requests == []
    # Readers still get the page cached before the publish: nothing turned it over.
    assert "Cranes return" not in section_page(client, section)

    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        task_queue.run_worker()

    assert [event["data"]["article"]["slug"] for event in receiver.events()] == [
        story.slug
    ]
    assert receiver.events()[0]["id"] == str(delivery.uid)
    assert "Cranes return to the harbour" in section_page(client, section)


def test_a_publish_that_rolls_back_sends_nothing(receiver, task_queue, client):
    an_editor()
    Webhook.objects.create(name="Partner", url=receiver.url)
    story = ready_story(headline="Never to be")
    failed = in_another_process(
        PUBLISH.format(stop="", pk=story.pk, after="raise RuntimeError('disk full')")
    )
    assert failed.returncode != 0 and "disk full" in failed.stderr

    story.refresh_from_db()
    assert story.status == Article.Status.IN_REVIEW
    assert not WebhookDelivery.objects.exists()
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        task_queue.run_worker()
    assert receiver.requests == []
    assert client.get(story.get_absolute_url()).status_code == 404


KILLS = int(os.environ.get("KILL_TEST_KILLS", 40))
# The kills fall anywhere from the request's start to a little past the time an
# undisturbed publish takes on a fresh worker on this machine, measured first.
CALIBRATION_PUBLISHES = 3
KILL_WINDOW = 1.3


def test_killing_the_app_server_during_publishes_loses_nothing_that_committed(
    receiver, tmp_path
):
    editor = an_editor()
    token = token_for(editor)
    Webhook.objects.create(name="Partner", url=receiver.url)
    stories, credit = [], make_credit(agency="AFP")
    for n in range(KILLS + CALIBRATION_PUBLISHES):
        section = make_section(name=f"Desk {n}", slug=f"desk-{n}")
        stories.append(ready_story(credit, headline=f"Kill round {n}", section=section))

    rounds = random.Random(os.environ.get("KILL_TEST_SEED", "newsroom"))
    env = server_env()
    with app_server(env) as server:
        took = []
        for story in stories[KILLS:]:
            # Timed as the killed publishes run: each on a worker just started.
            server.kill_worker()
            server.wait_for_worker()
            assert "Kill round" not in server.get(story.section.get_absolute_url())
            started = time.monotonic()
            server.post(f"/api/v1/drafts/{story.pk}/publish", token)
            took.append(time.monotonic() - started)
        window = KILL_WINDOW * sorted(took)[len(took) // 2]
        for story in stories[:KILLS]:
            # The section's page is cached, without the story, before the publish.
            assert "Kill round" not in server.get(story.section.get_absolute_url())
            publish = threading.Thread(
                target=server.post,
                args=(f"/api/v1/drafts/{story.pk}/publish", token),
                daemon=True,
            )
            publish.start()
            time.sleep(rounds.uniform(0, window))
            server.kill_worker()
            publish.join(timeout=30)
            server.wait_for_worker()

        published = set(
            Article.objects.filter(
                pk__in=[s.pk for s in stories], status=Article.Status.PUBLISHED
            ).values_list("slug", flat=True)
        )
        assert published - {s.slug for s in stories[KILLS:]}, server.answers

        cut_off = [
            story.slug
            for story, answer in zip(
                stories[:KILLS], server.answers[CALIBRATION_PUBLISHES:], strict=True
            )
            if story.slug in published and not answer.startswith("200")
        ]
        print(f"{len(published)} publishes committed; {len(cut_off)} killed after it")
        # What the worker and the sweep do, once any claim a killed sender held
        # has lapsed.
        run_worker_until_done(env)

        sent = {event["data"]["article"]["slug"] for event in receiver.events()}
        assert sent == published
        known = {
            str(uid) for uid in WebhookDelivery.objects.values_list("uid", flat=True)
        }
        assert {event["id"] for event in receiver.events()} <= known
        for story in stories:
            page = server.get(story.section.get_absolute_url())
            assert (story.headline in page) == (story.slug in published), story.slug


def server_env() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "DJANGO_DEBUG": "true",
        "NEWSROOM_PAGE_CACHE": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "NEWSROOM_TASK_BACKEND": "database",
        "NEWSROOM_ACCESS_LOG": "",
        "WEB_CONCURRENCY": "1",
        **ALLOW_RECEIVER,
    }


def run_worker_until_done(env: dict) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        waiting = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING)
        latest = max(waiting.values_list("next_attempt_at", flat=True), default=None)
        if latest is not None and latest > timezone.now():
            time.sleep((latest - timezone.now()).total_seconds() + 0.5)
            continue
        for command in (
            ["db_worker", "--batch", "--interval", "0", "--no-startup-delay"],
            ["publish_scheduled"],
        ):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=settings.BASE_DIR,
                env=env,
                check=True,
                capture_output=True,
                timeout=120,
            )
        if not waiting.exists():
            return
    raise AssertionError("webhook deliveries still waiting after two minutes")


class AppServer:
    def __init__(self, process: subprocess.Popen, base: str):
        self.process, self.base = process, base
        self.answers: list[str] = []

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, token: str) -> None:
        request = urllib.request.Request(
            self.base + path,
            data=b"{}",
            method="POST",
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                self.answers.append(str(response.status))
        except urllib.error.HTTPError as refused:
            self.answers.append(f"{refused.code} {refused.read()[:200]!r}")
        except OSError as error:  # the worker answering it was killed
            self.answers.append(type(error).__name__)

    def worker_pid(self) -> int | None:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = children.read_text().split()
        return int(pids[0]) if pids else None

    def kill_worker(self) -> None:
        pid = self.worker_pid()
        if pid is not None:
            os.kill(pid, signal.SIGKILL)

    def wait_for_worker(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/robots.txt", timeout=5).read()
                return
            except (OSError, urllib.error.HTTPError):
                time.sleep(0.1)
        raise AssertionError("gunicorn did not start a new worker")


class app_server:
    """gunicorn as `make serve` runs it, with one worker, on this test's data."""

    def __init__(self, env: dict):
        self.env = env

    def __enter__(self) -> AppServer:
        port = free_port()
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"]
            + ["--bind", f"127.0.0.1:{port}", "newsroom.wsgi"],
            cwd=settings.BASE_DIR,
            env=self.env,
            stderr=subprocess.DEVNULL,
        )
        self.server = AppServer(process, f"http://127.0.0.1:{port}")
        self.server.wait_for_worker()
        return self.server

    def __exit__(self, *exc):
        self.server.process.terminate()
        self.server.process.wait(timeout=30)
