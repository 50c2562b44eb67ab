"""The task queue on Redis (RQ): a real redis-server and rqworker on loopback."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = """
import django
django.setup()
from django.core.management import call_command
from django.db import transaction
from articles.models import Photo, PhotoCredit
from articles.photos.storage import save_photo
from articles.photos.validation import prepare_image
from tests.factories import photo_bytes, upload

call_command("migrate", verbosity=0)
credit = PhotoCredit.objects.for_parts(agency="AP")
photo = Photo(alt_text="x", caption="x", credit=credit)
with transaction.atomic():
    save_photo(photo, prepare_image(upload(photo_bytes(1600, 1000)), "p.jpg"))
print(Photo.objects.get().renditions)
"""
CHECK = """
import django
django.setup()
from articles.models import Photo
print(len(Photo.objects.get().renditions["jpeg"]))
"""


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def redis_url():
    port = next(p for p in range(18920, 18950) if not listening(p))
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        if listening(port):
            break
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait()


def test_renditions_are_made_by_an_rq_worker(redis_url, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "NEWSROOM_TASK_BACKEND": "redis",
        "NEWSROOM_TASK_REDIS_URL": redis_url,
        "PYTHONPATH": str(ROOT),
    }

    def run(*argv):
        done = subprocess.run(
            argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert run(sys.executable, "-c", SCRIPT) == "{}"  # queued, not made
    worker = [sys.executable, "manage.py", "rqworker", "default", "--burst"]
    run(*worker, "--with-scheduler", "--job-class", "django_tasks_rq.Job")
    assert run(sys.executable, "-c", CHECK) == "5"
