"""The production server: gunicorn as `make serve` runs it (gunicorn.conf.py)."""

import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache

from articles.cache.generation import GENERATION_KEY
from tests.test_redis_faults import free_port


def page_cache_in(folder: Path) -> FileBasedCache:
    """The page cache of a server without Redis, kept in `folder`."""
    return FileBasedCache(str(folder), {})


def test_a_new_start_of_the_server_starts_a_new_content_generation(tmp_path):
    """A deploy brings new code and templates: nothing kept before is served."""
    pages = page_cache_in(tmp_path / "pages")
    pages.set(GENERATION_KEY, "before-the-deploy", None)
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "NEWSROOM_PAGE_CACHE_DIR": str(tmp_path / "pages"),
        "NEWSROOM_ACCESS_LOG": "",
        "WEB_CONCURRENCY": "2",
        "REDIS_URL": "",
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"]
        + ["--bind", f"127.0.0.1:{port}", "newsroom.wsgi"],
        cwd=settings.BASE_DIR,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # answering (this test gives the server no database)
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("gunicorn did not start")
        assert pages.get(GENERATION_KEY) not in (None, "before-the-deploy")
    finally:
        server.terminate()
        server.wait(timeout=30)
