"""One Debian Chromium, driven by Playwright, for every browser test of the
session (registered in conftest.py): Playwright's synchronous API can run only
one at a time in a process.

Playwright never downloads a browser here; it launches the system's Chromium
(`apt-get install chromium`, done by .ci/run), or the one NEWSROOM_CHROMIUM names.
"""

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = os.environ.get("NEWSROOM_CHROMIUM") or shutil.which("chromium")
    if not path or not Path(path).exists():
        pytest.fail(
            "The browser tests need Chromium: apt-get install chromium, or set "
            "NEWSROOM_CHROMIUM to a Chromium or Chrome executable."
        )
    return path


@pytest.fixture(scope="session")
def browser():
    # Playwright's synchronous API keeps an event loop on this thread, which Django
    # takes for async code: it would refuse the tests' own database queries.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def live_server_settles(request):
    """A test served by the live server ends once the server has answered the
    browser's last requests (an autosave, a page's goodbye, a request cut off by
    a closing tab): the database is cleared after each such test, and a request
    still at work would hold locks the clearing waits on, or write into the next
    test's database."""
    yield
    if "live_server" in request.fixturenames:
        wait_until_requests_are_answered()


def wait_until_requests_are_answered(quiet=0.3, longest=30.0) -> None:
    """Wait until no request has been at work for `quiet` seconds; a request a
    closing page sent may reach the server a moment later."""
    deadline = time.monotonic() + longest
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        if any(
            thread.name.endswith("(process_request_thread)")
            for thread in threading.enumerate()
        ):
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet:
            return
        time.sleep(0.02)
