"""`make serve` runs the whole production shape: web server, task worker and the
scheduled sweep, each started again if it dies, with nobody running anything by
hand. The site runs in processes of its own on this test's database (SQLite,
or PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set)."""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from html.parser import HTMLParser
from http.cookies import SimpleCookie

import httpx
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from articles.models import Article, Author, Photo, SchedulerHeartbeat, Section
from tests.factories import photo_bytes
from tests.processes import database_url

ADMIN = ("desk-admin", "a long and unguessable desk password")


def free_port() -> int:
    # From the top of the tests' range: the other servers take it from the bottom.
    for port in reversed(range(18900, 19000)):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                continue  # something listens there (servers may share ports)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18900-18999")


def wait_for(check, timeout: float, what: str, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}")
        time.sleep(every)


class Site:
    """`make serve` started in a session of its own, stopped with it."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / "serve.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url(connection.settings_dict),
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
            "NEWSROOM_PHOTO_ORIGINALS_ROOT": str(tmp_path / "originals"),
            "NEWSROOM_PAGE_CACHE_DIR": str(tmp_path / "page-cache"),
            "NEWSROOM_ADMIN_USERNAME": ADMIN[0],
            "NEWSROOM_ADMIN_PASSWORD": ADMIN[1],
            "WEB_CONCURRENCY": "2",
        }
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                ["make", "serve", "HOST=127.0.0.1", f"PORT={self.port}"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def healthz(self) -> httpx.Response | None:
        if self.process.poll() is not None:
            raise AssertionError(f"make serve stopped:\n{self.output()}")
        try:
            return httpx.get(f"{self.url}/healthz", timeout=10)
        except httpx.TransportError:
            return None

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class FormFields(HTMLParser):
    """The named fields of the page's form whose id is `form_id`, as a browser
    would post them untouched."""

    def __init__(self, html: str, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, {}
        self.select = self.textarea = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or not attrs.get("name") and tag != "option":
            return
        name = attrs.get("name")
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields[name] = attrs.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select":
            self.select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields[self.select] = attrs.get("value", "")
        elif tag == "textarea":
            self.textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data


class Editor:
    """An editor's browser against the site behind its TLS proxy: the proxy
    says the request came over HTTPS, so the secure cookies are kept."""

    def __init__(self, site: Site):
        self.site = site
        self.http = httpx.Client(base_url=site.url, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        origin = f"https://127.0.0.1:{self.site.port}"
        headers = {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.http.request(method, path, headers=headers, **kwargs)
        for line in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(line).items():
                self.cookies[name] = morsel.value
        if response.is_redirect:
            location = response.headers["location"].replace(origin, "")
            return self.request("GET", location)
        assert response.status_code < 400, (path, response.status_code)
        return response

    def csrf(self) -> str:
        return self.cookies["csrftoken"]

    def log_in(self) -> None:
        self.request("GET", "/admin/login/")
        page = self.request(
            "POST",
            "/admin/login/?next=/admin/",
            data={
                "username": ADMIN[0],
                "password": ADMIN[1],
                "csrfmiddlewaretoken": self.csrf(),
                "next": "/admin/",
            },
        )
        assert "Log out" in page.text or "logout" in page.text

    def post_form(self, path: str, form_id: str, changes: dict, files=None):
        fields = FormFields(self.request("GET", path).text, form_id).fields
        data = {**fields, **changes, "csrfmiddlewaretoken": self.csrf()}
        return self.request("POST", path, data=data, files=files)

    def workflow(self, article: Article, action: str, **fields) -> httpx.Response:
        article.refresh_from_db()
        return self.request(
            "POST",
            f"/admin/articles/article/{article.pk}/workflow/{action}/",
            data={
                "csrfmiddlewaretoken": self.csrf(),
                "version": article.version,
                "comment": "",
                **fields,
            },
        )


def next_minute(at_least: timedelta) -> timezone.datetime:
    """The first whole minute at least `at_least` from now: the admin's publish
    time is given to the minute."""
    soonest = timezone.localtime() + at_least
    return soonest.replace(second=0, microsecond=0) + timedelta(minutes=1)


@pytest.mark.django_db(transaction=True)
def test_make_serve_publishes_a_scheduled_story_with_its_picture_at_its_minute(
    tmp_path,
):
    site = Site(tmp_path)
    try:
        health = wait_for(site.healthz, 600, "make serve to answer", every=1)
        assert health.status_code == 200, health.text
        editor = Editor(site)
        editor.log_in()

        editor.post_form(
            "/admin/articles/photo/add/",
            "photo_form",
            {
                "alt_text": "Robot arms weld a car frame",
                "caption": "A welding line in Changsha.",
                "photographer": "Feng Fei",
                "agency": "AFP",
            },
            files={"upload": ("welding.jpg", photo_bytes(1600, 900), "image/jpeg")},
        )
        photo = Photo.objects.get(caption="A welding line in Changsha.")
        assert photo.renditions, "the upload answered before its renditions"
        picture = photo.renditions["jpeg"][0]["name"]

        section = Section.objects.order_by("pk").first()
        author = Author.objects.order_by("pk").first()
        editor.post_form(
            "/admin/articles/article/add/",
            "article_form",
            {
                "headline": "Robots reach the Xiang River",
                "section": section.pk,
                "standfirst": "Factories along the river weld with robot arms.",
                "body": "<p>Every welding line now runs through the night.</p>",
                "hero_photo": photo.pk,
                "tags": "Robots",
                "bylines-TOTAL_FORMS": "1",
                "bylines-0-author": author.pk,
                "bylines-0-position": "0",
                "_save": "Save",
            },
        )
        article = Article.objects.get(headline="Robots reach the Xiang River")
        editor.workflow(article, "submit")
        at = next_minute(timedelta(seconds=10))
        editor.workflow(article, "schedule", publish_at=at.strftime("%Y-%m-%dT%H:%M"))
        article.refresh_from_db()
        assert (article.status, article.publish_at) == (Article.Status.SCHEDULED, at)

        home = editor.request("GET", "/").text
        assert article.headline not in home  # not before its minute
        pages = ["/", section.get_absolute_url(), article.get_absolute_url()]

        def live_with_picture():
            return all(
                article.headline in (text := httpx.get(site.url + path).text)
                and picture in text
                for path in pages
            )

        time.sleep(max(0, (at - timezone.now()).total_seconds()))
        wait_for(live_with_picture, 10, "the story and its picture on every page")
        hero = httpx.get(site.url + article.get_absolute_url()).text
        assert re.search(r'<figure class="hero">.*?' + re.escape(picture), hero, re.S)

        # The worker recorded the publication, with nobody running cron.
        def recorded():
            article.refresh_from_db()
            return article.status == Article.Status.PUBLISHED

        wait_for(recorded, 70, "the worker to record the publication")
        beat = SchedulerHeartbeat.objects.get()
        assert beat.finished_at >= at and not beat.error
        health = httpx.get(f"{site.url}/healthz").json()
        assert health["status"] == "ok" and health["scheduler"]["late"] is False
        assert health["scheduler"]["last_run"] is not None
        desk = editor.request("GET", "/admin/").text
        assert re.search(r"Scheduler:</strong>\s*last ran", desk), desk
    except BaseException:
        print(site.output(), file=sys.stderr)
        raise
    finally:
        site.stop()


def test_a_process_that_dies_is_started_again_and_stops_with_its_runner(tmp_path):
    starts = tmp_path / "starts"
    # Dies at its first start, keeps running at its second.
    dies_once = (
        "import os, sys, time, pathlib\n"
        f"starts = pathlib.Path({str(starts)!r})\n"
        "count = len(starts.read_text().split()) if starts.exists() else 0\n"
        "starts.write_text(starts.read_text() + f' {os.getpid()}' if count else "
        "str(os.getpid()))\n"
        "sys.exit(3) if count == 0 else time.sleep(120)\n"
    )
    runner = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newsroom.keep_running",
            sys.executable,
            "-c",
            dies_once,
        ],
        cwd=settings.BASE_DIR,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(
            lambda: starts.exists() and len(starts.read_text().split()) == 2,
            30,
            "the second start",
            every=0.1,
        )
        second = int(starts.read_text().split()[1])
        runner.send_signal(signal.SIGTERM)
        assert runner.wait(10) == 0
    finally:
        if runner.poll() is None:
            runner.kill()
    assert "exited with status 3; starting it again in 1 s" in runner.stderr.read()
    with pytest.raises(ProcessLookupError):
        os.kill(second, 0)  # stopped with its runner
