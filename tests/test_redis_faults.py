"""The page cache on Redis: each process's copies, and faults.

Redis may fail: pages keep answering, uncached, and the fault is logged. Each
test starts a Redis server of its own on a free loopback port and points both
caches at it; the fault tests stop and start it while reading pages.
"""

import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import caches

from articles import workflow
from articles.cache import generation, store
from articles.cache.copies import copies
from tests.factories import make_article, make_user
from tests.processes import run_in_another_process

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self):
        self.binary = shutil.which("redis-server")
        assert self.binary, "these tests need redis-server (apt-get install redis)"
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


PREFIX = "faults"


@pytest.fixture
def redis_server(settings, monkeypatch):
    server = RedisServer()
    server.start()
    original = settings.CACHES
    location = f"redis://127.0.0.1:{server.port}/0"
    options = {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": PREFIX,
            "OPTIONS": {**options, "IGNORE_EXCEPTIONS": True},
        },
        "pages": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"{PREFIX}-pages",  # as settings.py names it
            "OPTIONS": options,
        },
    }
    monkeypatch.setattr(store, "RETRY_SECONDS", 0)
    monkeypatch.setattr(generation, "BUMP_ATTEMPTS", 1)
    monkeypatch.setattr(store, "health", store._Health())
    server.url = location
    yield server
    settings.CACHES = original
    if server.process.poll() is None:
        server.stop()


def test_pages_answer_while_redis_is_stopped_and_cache_again_after(
    client, redis_server, editor, django_capture_on_commit_callbacks, caplog
):
    article = make_article(headline="Harbour reopens", tags=["Ports"])
    url = article.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"

    redis_server.stop()
    wait_until(lambda: copies.trusted_round() is None)  # noticed at once
    with caplog.at_level(logging.ERROR, logger="articles.cache"):
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200
            assert response["X-Page-Cache"] == "unavailable"
            assert "Harbour reopens" in response.content.decode()
        assert client.get("/").status_code == 200
        assert client.get("/tags/ports/").status_code == 200
    assert "Page cache unavailable" in caplog.text

    # A change while Redis is down shows at once: nothing is served from a cache.
    with django_capture_on_commit_callbacks(execute=True):
        workflow.unpublish(article, by=editor)
    assert client.get(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article, by=editor)

    redis_server.start()
    with caplog.at_level(logging.WARNING, logger="articles.cache"):
        assert client.get(url)["X-Page-Cache"] == "unavailable"
    assert "Page cache available again" in caplog.text
    assert client.get(url)["X-Page-Cache"] == "miss"
    response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert "Harbour reopens" in response.content.decode()


def test_redis_back_with_its_old_data_never_serves_a_page_changed_meanwhile(
    client, redis_server, editor, django_capture_on_commit_callbacks
):
    """A change made while Redis was unreachable could not start a new
    generation; when Redis answers again with its old data (a network fault, or
    a restart from a snapshot), the old page must not come back."""
    article = make_article(standfirst="Before the fault.", tags=["Ports"])
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    redis = caches["pages"].client.get_client()
    snapshot = {key: redis.dump(key) for key in redis.keys("*")}
    redis_server.stop()
    wait_until(lambda: copies.trusted_round() is None)
    assert client.get(url)["X-Page-Cache"] == "unavailable"
    content = workflow.ArticleContent.of(article)
    content.standfirst = "After the fault."
    with django_capture_on_commit_callbacks(execute=True):
        workflow.edit(article, content, by=editor)
        workflow.publish_changes(article, by=editor)
    redis_server.start()
    for key, value in snapshot.items():
        redis.restore(key, 0, value)
    for _ in range(3):
        assert "After the fault." in client.get(url).content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"


# Each process's copies of what Redis holds ------------------------------------------


def wait_until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def listening() -> None:
    """This process has subscribed to the announcements: copies are trusted."""
    wait_until(lambda: copies.trusted_round() is not None)


def reads_of(server) -> int:
    stats = redis.Redis.from_url(server.url).info("commandstats")
    return sum(
        stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in ("get", "mget")
    )


def test_a_hit_is_served_from_the_process_copy_without_asking_redis(
    client, redis_server
):
    url = make_article(headline="Read by thousands").get_absolute_url()
    listening()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"  # read from Redis, and copied
    before = reads_of(redis_server)
    for _ in range(5):
        response = client.get(url)
        assert response["X-Page-Cache"] == "hit"
        assert "Read by thousands" in response.content.decode()
    assert reads_of(redis_server) == before


@pytest.mark.django_db(transaction=True)
def test_a_change_in_another_process_is_announced_to_the_copies(client, redis_server):
    editor = make_user(is_staff=True, is_superuser=True)
    article = make_article(headline="Seen by every worker")
    url = article.get_absolute_url()
    listening()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    run_in_another_process(
        "from articles import workflow; from articles.models import Article; "
        "from django.contrib.auth.models import User; "
        f"workflow.unpublish(Article.objects.get(pk={article.pk}), "
        f"by=User.objects.get(pk={editor.pk}))",
        REDIS_URL=redis_server.url,
        DJANGO_CACHE_PREFIX=PREFIX,
    )
    assert client.get(url).status_code == 404


def test_copies_are_not_trusted_past_their_time_even_without_announcements(
    client, redis_server, monkeypatch
):
    """A backstop for announcements lost without the subscription failing."""
    monkeypatch.setattr("articles.cache.copies.TRUST_SECONDS", 0.2)
    url = make_article().get_absolute_url()
    listening()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    caches["pages"].set(generation.GENERATION_KEY, "changed-unannounced", None)
    assert client.get(url)["X-Page-Cache"] == "hit"  # the copy, within its time
    time.sleep(0.3)
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_after_a_change_a_page_is_rendered_once_then_served_from_the_cache(
    client, redis_server, editor, django_capture_on_commit_callbacks
):
    """The cache still holds the page of the generation before: it is never
    copied, so it cannot make the new one render again and again."""
    gone, kept = make_article(headline="Withdrawn"), make_article(headline="Kept")
    url = kept.get_absolute_url()
    listening()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    before = copies.trusted_round()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.unpublish(gone, by=editor)
    # One round ends with the change made here, one more when its announcement
    # is heard, which may be before this line or after.
    wait_until(lambda: (copies.trusted_round() or 0) >= before + 2)
    assert client.get(url)["X-Page-Cache"] == "miss"
    for _ in range(3):
        assert client.get(url)["X-Page-Cache"] == "hit"
