"""The production server: gunicorn as `make serve` runs it (gunicorn.conf.py),
DEBUG off, with the files `collectstatic` makes."""

import contextlib
import os
import re
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


def production_env(folder: Path) -> dict:
    """DEBUG off, nothing shared with the tests but the code; no database."""
    return {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "NEWSROOM_PAGE_CACHE_DIR": str(folder / "pages"),
        "NEWSROOM_ACCESS_LOG": "",
        "WEB_CONCURRENCY": "2",
        "REDIS_URL": "",
    }


@contextlib.contextmanager
def gunicorn(env: dict):
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"]
        + ["--bind", f"127.0.0.1:{port}", "newsroom.wsgi"],
        cwd=settings.BASE_DIR,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # answering (these tests give the server no database)
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("gunicorn did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def page_cache_in(folder: Path) -> FileBasedCache:
    """The page cache of a server without Redis, kept in `folder`."""
    return FileBasedCache(str(folder), {})


def test_a_new_start_of_the_server_starts_a_new_content_generation(tmp_path):
    """A deploy brings new code and templates: nothing kept before is served."""
    pages = page_cache_in(tmp_path / "pages")
    pages.set(GENERATION_KEY, "before-the-deploy", None)
    with gunicorn(production_env(tmp_path)):
        assert pages.get(GENERATION_KEY) not in (None, "before-the-deploy")


def test_static_files_have_hashed_names_compressed_copies_and_live_for_ever(
    tmp_path,
):
    env = production_env(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
    )
    css = [
        path.name
        for path in (tmp_path / "static" / "articles").iterdir()
        if re.fullmatch(r"site\.[0-9a-f]{12}\.css", path.name)
    ]
    assert len(css) == 1, "collectstatic gives site.css a name with its hash"
    with gunicorn(env) as base:
        request = urllib.request.Request(
            f"{base}/static/articles/{css[0]}", headers={"Accept-Encoding": "gzip"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            assert response.headers["Content-Encoding"] == "gzip"
            assert "immutable" in response.headers["Cache-Control"]
