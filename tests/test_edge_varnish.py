"""A real Varnish (deploy/varnish/default.vcl, with xkey) in front of a real app
server on this test's database: readers' pages come from the edge, each kind of
change reaches readers through it at once, pages a change does not touch stay
at the edge, and staff and previews never come from it."""

import dataclasses
import time
from datetime import timedelta

import httpx
import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone
from reversion.models import Version
from taggit.models import Tag

from articles import workflow
from articles.photos.storage import save_photo
from articles.site.preview import share_url
from tests.edge_server import Varnish
from tests.factories import (
    make_article,
    make_author,
    make_credit,
    make_photo,
    make_section,
    make_user,
)
from tests.test_outbox import an_editor, app_server, ready_story, server_env

# Debian's varnish and varnish-modules: `make test` installs them.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def edge(settings):
    """The app server and Varnish in front of it; this process purges it."""
    with app_server({**server_env(), "NEWSROOM_PURGER": "varnish"}) as server:
        port = int(server.base.rsplit(":", 1)[1])
        with Varnish(port) as varnish:
            settings.NEWSROOM_PURGER = "varnish"
            settings.NEWSROOM_VARNISH_URLS = [varnish.base]
            varnish.app = server
            yield varnish


def editor_who_takes_down():
    editor = an_editor()
    editor.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "take_down_article",
                "change_photocredit",
                "view_photocredit",
                "change_tag",
            ]
        )
    )
    return type(editor).objects.get(pk=editor.pk)


def twice(edge, path: str):
    """Read `path` through the edge until it is a hit; the hit."""
    edge.get(path)
    answer = edge.get(path)
    assert answer.edge == "hit", (path, answer.status, answer.headers)
    # The edge keeps the keys and its lifetime to itself.
    assert not {"surrogate-key", "surrogate-control", "xkey"} & {
        name.lower() for name in answer.headers
    }, answer.headers
    return answer


def shows(edge, path: str, text: str) -> bool:
    answer = edge.get(path)
    assert answer.status == 200, (path, answer.status)
    return text in answer.body


def test_each_kind_of_change_reaches_readers_through_the_edge_and_nothing_else_goes(
    edge,
):
    editor = editor_who_takes_down()
    ports = make_section(name="Ports", slug="ports")
    weather = make_section(name="Weather", slug="weather")
    credit = make_credit(agency="AFP")
    ann = make_author(name="Ann Reporter", slug="ann-reporter")
    story = ready_story(credit, headline="Harbour reopens", section=ports)
    story.authors.add(ann)
    untouched = make_article(
        headline="Sunny",
        section=weather,
        tags=["forecasts"],
        hero_photo=make_photo(credit=make_credit(agency="AP")),
    )
    workflow.publish(story, by=editor)
    story.refresh_from_db()
    untouched.refresh_from_db()
    control = [untouched.get_absolute_url(), "/weather/"]

    for path in [story.get_absolute_url(), "/ports/", "/", *control]:
        twice(edge, path)

    def untouched_stay_hits():
        for path in control:
            answer = edge.get(path)
            assert answer.edge == "hit", path

    # Pending changes published.
    content = dataclasses.replace(
        workflow.ArticleContent.of(story), headline="Harbour reopens at dawn"
    )
    workflow.edit(story, content, by=editor)
    workflow.publish_changes(story, by=editor)
    assert shows(edge, story.get_absolute_url(), "Harbour reopens at dawn")
    assert shows(edge, "/ports/", "Harbour reopens at dawn")
    assert shows(edge, "/", "Harbour reopens at dawn")
    untouched_stay_hits()

    # A correction.
    workflow.add_correction(story, "The harbour opened at six.", by=editor)
    assert shows(edge, story.get_absolute_url(), "The harbour opened at six.")
    untouched_stay_hits()

    # A tag renamed, on the pages of the articles that carry it.
    twice(edge, story.get_absolute_url())
    tag = story.tags.get()
    workflow.rename_tag(
        tag, name="Harbours and docks", slug="harbours-and-docks", by=editor
    )
    assert shows(edge, story.get_absolute_url(), "Harbours and docks")
    untouched_stay_hits()

    # A photo credit changed, in the admin.
    twice(edge, story.get_absolute_url())
    admin = Client()
    admin.force_login(make_user(is_staff=True, is_superuser=True))
    answer = admin.post(
        f"/admin/articles/photocredit/{credit.pk}/change/",
        {"photographer": "", "agency": "Reuters", "distributor": ""},
    )
    assert answer["Location"] == "/admin/articles/photocredit/", answer
    assert shows(edge, story.get_absolute_url(), "Reuters")
    untouched_stay_hits()

    # A new story published in the section.
    twice(edge, "/ports/")
    fresh = ready_story(credit, headline="Ferry returns", section=ports)
    workflow.publish(fresh, by=editor)
    assert shows(edge, "/ports/", "Ferry returns")
    assert shows(edge, "/", "Ferry returns")
    untouched_stay_hits()

    # Unpublished: gone from its page and its lists.
    workflow.unpublish(fresh, by=editor)
    assert edge.get(fresh.get_absolute_url()).status == 404
    assert not shows(edge, "/ports/", "Ferry returns")
    untouched_stay_hits()

    # Taken down: 410 at once.
    workflow.take_down(story, by=editor, reason="Court order")
    assert edge.get(story.get_absolute_url()).status == 410
    assert not shows(edge, "/ports/", "Harbour reopens")
    untouched_stay_hits()


def test_restores_retags_merges_sections_and_licence_ends_reach_readers_at_the_edge(
    edge,
):
    editor = editor_who_takes_down()
    admin = make_user(is_staff=True, is_superuser=True)
    ports = make_section(name="Ports", slug="ports")
    weather = make_section(name="Weather", slug="weather")
    story = ready_story(headline="Harbour reopens", section=ports)
    make_article(headline="Container rates", tags=["shipping lines"])
    untouched = make_article(headline="Sunny", section=weather, tags=["forecasts"])
    workflow.publish(story, by=editor)
    page = story.get_absolute_url()
    control = [untouched.get_absolute_url(), "/weather/"]

    def publish_edited(**changes):
        story.refresh_from_db()
        content = dataclasses.replace(workflow.ArticleContent.of(story), **changes)
        workflow.edit(story, content, by=editor)
        workflow.publish_changes(story, by=editor)

    def untouched_stay_hits():
        for path in control:
            assert edge.get(path).edge == "hit", path

    # A revision restored, then published.
    publish_edited(headline="Harbour closes")
    for path in [page, "/ports/", *control]:
        twice(edge, path)
    story.refresh_from_db()
    original = next(
        revision
        for revision in Version.objects.get_for_object(story)
        if revision.field_dict["headline"] == "Harbour reopens"
    )
    workflow.restore(story, original, by=editor, version=story.version)
    workflow.publish_changes(story, by=editor)
    assert shows(edge, page, "Harbour reopens")
    assert not shows(edge, "/ports/", "Harbour closes")
    untouched_stay_hits()

    # Retagged: off one tag's page, onto another's.
    twice(edge, "/tags/ports/")
    twice(edge, "/tags/shipping-lines/")
    publish_edited(tags=["shipping"])
    assert edge.get("/tags/ports/").status == 404
    assert shows(edge, "/tags/shipping/", "Harbour reopens")
    untouched_stay_hits()

    # Two tags merged: the article shows the kept one, the other page moves.
    twice(edge, page)
    twice(edge, "/tags/shipping/")
    workflow.merge_tags(
        Tag.objects.filter(name__in=["shipping", "shipping lines"]),
        into=Tag.objects.get(name="shipping lines"),
        by=admin,
    )
    assert shows(edge, page, "shipping lines")
    # The merged tag's page now leads to the kept one (urllib follows it).
    assert shows(edge, "/tags/shipping/", "Container rates")
    assert shows(edge, "/tags/shipping-lines/", "Harbour reopens")
    untouched_stay_hits()

    # A section renamed in the admin: every page's navigation names it.
    twice(edge, page)
    staff = Client()
    staff.force_login(admin)
    answer = staff.post(
        f"/admin/articles/section/{ports.pk}/change/",
        {
            "name": "Ports and shipping",
            "slug": "ports",
            "description": "",
            "position": 0,
        },
    )
    assert answer.status_code == 302, answer
    assert shows(edge, page, "Ports and shipping")
    assert shows(edge, untouched.get_absolute_url(), "Ports and shipping")

    # The hero's licence ended in the library: the picture leaves the page.
    for path in [page, *control]:
        twice(edge, path)
    photo = story.hero_photo
    photo.licence_expires_on = timezone.localdate() - timedelta(days=1)
    save_photo(photo)
    assert not shows(edge, page, '<figure class="hero">')
    untouched_stay_hits()


def test_scheduled_stories_and_embargoes_reach_the_edge_at_their_minute(edge):
    from articles.tasks import publish_due

    editor = editor_who_takes_down()
    ports = make_section(name="Ports", slug="ports")
    credit = make_credit(agency="AFP")
    soon = ready_story(credit, headline="Tide tables", section=ports)
    workflow.schedule(soon, by=editor, at=timezone.now() + timedelta(seconds=3))
    held = ready_story(credit, headline="Dock strike ends", section=ports)
    workflow.publish(held, by=editor)
    workflow.set_embargo(held, timezone.now() + timedelta(seconds=3), by=editor)

    twice(edge, "/ports/")
    assert not shows(edge, "/ports/", "Tide tables")
    assert not shows(edge, "/ports/", "Dock strike ends")
    time.sleep(3.5)
    publish_due.call()  # the sweep the worker runs at that minute
    page = edge.get("/ports/")
    assert "Tide tables" in page.body
    assert "Dock strike ends" in page.body


def test_staff_and_previews_never_come_from_the_edge(edge):
    editor = editor_who_takes_down()
    live = ready_story(make_credit(agency="AFP"), headline="Live story")
    workflow.publish(live, by=editor)
    draft = ready_story(make_credit(agency="AP"), headline="Secret draft")
    staff = Client()
    staff.force_login(editor)
    cookie = f"sessionid={staff.cookies['sessionid'].value}"

    twice(edge, live.get_absolute_url())
    for _ in range(2):
        answer = edge.get(live.get_absolute_url(), cookie=cookie)
        assert answer.edge == "pass"
        assert "private" in answer.headers["Cache-Control"]
        preview = edge.get(draft.get_absolute_url(), cookie=cookie)
        assert preview.edge == "pass"
        assert "Secret draft" in preview.body
        shared = edge.get(share_url(draft))
        assert "Secret draft" in shared.body
        assert shared.edge == "pass"
    assert edge.get(draft.get_absolute_url()).status == 404


def test_only_allowed_addresses_may_purge(edge):
    allowed = httpx.request("PURGE", edge.base + "/", headers={"xkey-purge": "home"})
    assert allowed.status_code == 200
    outside = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"))
    refused = outside.request("PURGE", edge.base + "/", headers={"xkey-purge": "home"})
    assert refused.status_code == 403


def test_pages_outlive_the_origin_stopping(edge):
    live = ready_story(make_credit(agency="AFP"), headline="Still here")
    workflow.publish(live, by=an_editor("other-editor"))
    twice(edge, live.get_absolute_url())
    edge.app.process.terminate()
    edge.app.process.wait(timeout=30)
    time.sleep(3)  # the probe marks the origin sick
    answer = edge.get(live.get_absolute_url())
    assert answer.status == 200
    assert "Still here" in answer.body


def test_a_purged_page_is_revalidated_with_its_etag(edge):
    import subprocess

    live = ready_story(make_credit(agency="AFP"), headline="Unchanged")
    workflow.publish(live, by=an_editor("third-editor"))
    first = twice(edge, live.get_absolute_url())
    purged = httpx.request(
        "PURGE", edge.base + "/", headers={"xkey-softpurge": f"article:{live.pk}"}
    )
    assert purged.status_code == 200
    again = edge.get(live.get_absolute_url())
    assert again.edge == "miss"
    assert again.body == first.body
    # Varnish asked the site with the page's ETag and was answered 304.
    log = subprocess.run(
        ["varnishlog", "-d", "-n", str(edge.workdir / "instance"), "-b"]
        + ["-q", "BerespStatus == 304", "-i", "BereqHeader,BerespStatus"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"If-None-Match: {first.headers['ETag']}" in log
    assert "BerespStatus   304" in log
