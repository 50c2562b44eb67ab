"""A writer's everyday task, timed and its clicks counted, in Debian's Chromium.

    .venv/bin/python bench/writer_task.py               # this checkout
    .venv/bin/python bench/writer_task.py --repo OTHER  # another checkout
    .venv/bin/python bench/writer_task.py --task editor # an editor's own story

A writer logs in, writes a story (headline, section, standfirst, body), chooses a
hero photo from the library, tags it, saves and submits it for review; an editor
logs in, opens it from the desk and publishes it. The site runs from `--repo` on
a database of its own (runserver, immediate tasks), so two versions of the site
can be compared with the same script. Prints the clicks, the keys pressed and the
seconds the task took. `--task editor`: an editor writes the same story and
publishes it.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, seconds: float = 120) -> None:
    """Until the development server answers (slow to start on a busy machine)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


PASSWORD = "writer task password"

SETUP = f"""
from tests.factories import make_author, make_credit, make_photo, make_role_user
from articles.models import Section
writer = make_role_user("Writer", "wendy", first_name="Wendy")
make_author(name="Wendy Writer", slug="wendy-writer", user=writer)
editor = make_role_user("Editor", "eddie")
make_author(name="Eddie Editor", slug="eddie-editor", user=editor)
from django.contrib.auth import get_user_model
for user in get_user_model().objects.all():
    user.set_password({PASSWORD!r}); user.save()
Section.objects.get_or_create(slug="ports", defaults={{"name": "Ports"}})
make_photo(
    caption="Cranes over the harbour at dawn",
    alt_text="Three cranes against an orange sky",
    credit=make_credit(agency="Harbour Light Images"),
)
"""


class Counted:
    """The page, counting what a person would do: clicks and keys."""

    def __init__(self, page):
        self.page, self.clicks, self.keys = page, 0, 0

    def click(self, selector, **kwargs):
        self.clicks += 1
        self.page.locator(selector, **kwargs).first.click()

    def type(self, selector, text):
        self.page.locator(selector).first.press_sequentially(text)

    def press(self, key):
        self.keys += 1
        self.page.keyboard.press(key)


def log_in(person: Counted, username: str) -> None:
    person.page.goto("/admin/login/")
    person.page.fill("#id_username", username)
    person.page.fill("#id_password", PASSWORD)
    person.click("input[type=submit]")


def write_story(person: Counted, move: str = "") -> bool:
    """Write the story and save it; with `move` (submit, publish), the save
    also makes that move when the page has a button for both. Whether it did."""
    page = person.page
    person.click("a[href$='/admin/articles/article/add/']")
    person.type("#id_headline", "Harbour cranes work through the night")
    person.click(".field-section .select2-selection")
    page.keyboard.type("Port")
    person.click(".select2-results__option", has_text="Ports")
    person.type("#id_standfirst", "The port clears its backlog before the holiday.")
    person.click(".prose-editor .ProseMirror[contenteditable=true]")
    page.keyboard.type("Three new cranes worked through the night at the harbour.")
    person.click(".field-hero_photo .select2-selection")
    page.keyboard.type("Cranes")
    person.click(".select2-results__option", has_text="Cranes over")
    person.click(".field-tags .select2-selection")
    page.keyboard.type("Ports")
    page.locator(".select2-results__option", has_text="Ports").first.wait_for()
    person.press("Enter")
    # Save and move on in one click where the site offers it.
    save_and = f"button[name=_save_and][value={move}]"
    moved = bool(move) and page.locator(save_and).count() > 0
    person.click(save_and if moved else "input[name=_continue]")
    page.locator(".messagelist .success, .messagelist .error").first.wait_for()
    return moved


def published(person: Counted) -> None:
    message = person.page.locator(".messagelist .success").first.inner_text()
    assert "is published" in message, message


def writer_task(person: Counted) -> None:
    log_in(person, "wendy")
    if not write_story(person, "submit"):
        person.click("button.workflow-button--submit")
        person.page.locator(".messagelist .success").wait_for()
    person.click("#logout-form button")
    log_in(person, "eddie")
    person.click("a", has_text="Harbour cranes work through the night")
    person.click("button.workflow-button--publish")
    published(person)


def editor_task(person: Counted) -> None:
    """An editor's own story: straight to Publish where the site allows it."""
    log_in(person, "eddie")
    if write_story(person, "publish"):
        published(person)
        return
    publish = person.page.locator("button.workflow-button--publish")
    if not publish.count():
        person.click("button.workflow-button--submit")
        person.page.locator(".messagelist .success").wait_for()
    person.click("button.workflow-button--publish")
    published(person)


TASKS = {"writer": writer_task, "editor": editor_task}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", default=str(ROOT))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--task", choices=sorted(TASKS), default="writer")
    args = parser.parse_args()
    repo = Path(args.repo).resolve()
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("NEWSROOM_CHROMIUM") or shutil.which("chromium")
    results = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{folder}/site.sqlite3",
                "DJANGO_MEDIA_ROOT": f"{folder}/media",
                "NEWSROOM_PHOTO_ORIGINALS_ROOT": f"{folder}/originals",
                "NEWSROOM_TASK_BACKEND": "immediate",
                "DJANGO_DEBUG": "true",
                "PYTHONPATH": str(repo),
            }

            def manage(*command, env=env):
                subprocess.run(
                    [sys.executable, "manage.py", *command],
                    cwd=repo,
                    env=env,
                    check=True,
                )

            port = free_port()
            manage("migrate", "--noinput", "-v", "0")
            manage("shell", "-c", SETUP)
            server = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "runserver",
                    f"127.0.0.1:{port}",
                    "--noreload",
                ],
                cwd=repo,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                wait_for(port)
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(
                        executable_path=chromium, args=["--no-sandbox"]
                    )
                    context = browser.new_context(
                        base_url=f"http://127.0.0.1:{port}",
                        viewport={"width": 1366, "height": 768},
                    )
                    page = context.new_page()
                    page.set_default_timeout(30_000)
                    page.goto("/admin/login/")  # the server is up, pages compiled
                    person = Counted(page)
                    start = time.perf_counter()
                    TASKS[args.task](person)
                    seconds = time.perf_counter() - start
                    browser.close()
            finally:
                server.terminate()
                server.wait()
        results.append((person.clicks, person.keys, seconds))
        print(
            f"run {run + 1}: {person.clicks} clicks, {person.keys} keys, "
            f"{seconds:.1f} s"
        )
    clicks, keys, _ = results[0]
    best = min(seconds for _, _, seconds in results)
    print(
        f"\n{args.task} task on {repo}: {clicks} clicks, {keys} keys, "
        f"best of {args.runs}: {best:.1f} s"
    )


if __name__ == "__main__":
    main()
