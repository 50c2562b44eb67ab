"""Surrogate keys on public responses, and purges sent to Fastly and Cloudflare
as their APIs document them (a recording HTTP server on loopback stands in for
each API)."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles import workflow
from articles.edge import keys
from articles.edge.purgers import CLOUDFLARE_TAGS_PER_REQUEST
from articles.models import Article
from tests.factories import (
    make_article,
    make_author,
    make_credit,
    make_photo,
    make_section,
)
from tests.receiver import Receiver

pytestmark = pytest.mark.django_db


def header_keys(response, name="Surrogate-Key", separator=" ") -> list[str]:
    return response[name].split(separator)


@pytest.fixture
def story():
    section = make_section(name="Ports", slug="ports")
    author = make_author(name="Ann Reporter", slug="ann-reporter")
    hero = make_photo(credit=make_credit(agency="AFP"))
    inline = make_photo()
    body = f'<p>Text.</p><figure data-photo="{inline.pk}"></figure>'
    article = make_article(
        section=section,
        authors=[author],
        tags=["harbours"],
        hero_photo=hero,
        body=body,
        headline="Harbour reopens",
    )
    return article


def test_every_public_page_names_what_it_shows(client, story):
    tag = story.tags.get()
    author = story.authors.get()
    inline_id = int(story.body.split('data-photo="')[1].split('"')[0])

    page = header_keys(client.get(story.get_absolute_url()))
    assert page[0] == "site"
    assert {
        f"article:{story.pk}",
        f"photo:{story.hero_photo_id}",
        f"photo:{inline_id}",
    } <= set(page)
    assert f"section:{story.section_id}" not in page  # not purged by every publish

    expected = {
        "/": {"home"},
        "/ports/": {f"section:{story.section_id}", f"article:{story.pk}"},
        f"/tags/{tag.slug}/": {f"tag:{tag.pk}", f"article:{story.pk}"},
        "/authors/ann-reporter/": {f"author:{author.pk}", f"article:{story.pk}"},
        "/feeds/": {"feed", f"article:{story.pk}"},
        "/feeds/atom/": {"feed", f"article:{story.pk}"},
        "/feeds/sections/ports/": {f"section:{story.section_id}"},
        f"/feeds/tags/{tag.slug}/": {f"tag:{tag.pk}", f"article:{story.pk}"},
        "/feeds/authors/ann-reporter/": {f"author:{author.pk}"},
        "/sitemap.xml": {"sitemap"},
        "/sitemap-articles.xml": {"sitemap"},
        "/news-sitemap.xml": {"sitemap"},
        "/corrections/": {"corrections"},
        "/search/?q=harbour": {"search", f"article:{story.pk}"},
    }
    for path, wanted in expected.items():
        response = client.get(path)
        assert response.status_code == 200, path
        named = header_keys(response)
        assert named[0] == "site", path
        assert wanted <= set(named), (path, named)


def test_an_article_page_names_the_stories_its_related_list_shows(
    client, settings, story
):
    """Unpublishing or retitling a related story purges the pages listing it,
    also when the list comes from the kept fragments."""
    settings.NEWSROOM_FRAGMENT_CACHE = True
    other = make_article(
        section=story.section, tags=["harbours"], headline="Cranes return"
    )
    for _ in range(2):  # rendered, then kept
        response = client.get(story.get_absolute_url())
        assert "Cranes return" in response.content.decode()
        assert f"article:{other.pk}" in header_keys(response)


def test_previews_and_staff_pages_name_nothing(client, story, editor):
    draft = make_article(status=Article.Status.DRAFT, publish_at=None)
    client.force_login(editor)
    preview = client.get(draft.get_absolute_url())
    assert preview.status_code == 200
    assert "Surrogate-Key" not in preview
    assert "private" in preview["Cache-Control"]


def test_pages_from_the_page_cache_carry_the_same_keys(client, story, page_cache):
    first = client.get(story.get_absolute_url())
    again = client.get(story.get_absolute_url())
    assert again["X-Page-Cache"] == "hit"
    assert again["Surrogate-Key"] == first["Surrogate-Key"]


def test_the_header_name_is_a_setting_and_cache_tag_is_comma_separated(
    client, story, settings
):
    settings.NEWSROOM_SURROGATE_KEY_HEADER = "Cache-Tag"
    response = client.get(story.get_absolute_url())
    assert "Surrogate-Key" not in response
    assert f"article:{story.pk}" in header_keys(response, "Cache-Tag", ",")


def test_a_page_naming_too_much_keeps_its_list_keys_within_16_kb():
    shown = ["home", *(f"article:{n}" for n in range(100_000, 103_000))]
    value = keys.header_value(["site", *shown])
    assert len(value.encode()) <= 16_000
    named = value.split(" ")
    assert named[:3] == ["site", "home", "article:100000"]
    assert len(named) < len(shown)  # the rest left off
    assert keys.header_value(["site", "k" * 1025, "home"]) == "site home"


def test_edge_lifetime_is_said_only_with_a_purger_and_ends_at_the_next_change(
    client, story, settings, page_cache
):
    assert "Surrogate-Control" not in client.get("/ports/")
    settings.NEWSROOM_PURGER = "varnish"
    settings.NEWSROOM_EDGE_MAX_AGE = 86400
    assert client.get("/authors/ann-reporter/")["Surrogate-Control"] == "max-age=86400"


def test_the_edge_keeps_no_page_past_a_scheduled_go_live(
    client, story, settings, page_cache
):
    settings.NEWSROOM_PURGER = "varnish"
    make_article(
        status=Article.Status.SCHEDULED,
        publish_at=timezone.now() + timedelta(seconds=120),
    )
    seconds = int(client.get("/")["Surrogate-Control"].split("=")[1])
    assert 100 < seconds <= 120


# --- Purges to the CDNs' APIs -------------------------------------------------


@pytest.fixture
def api():
    with Receiver() as running:
        running.base = running.url.removesuffix("/hooks/")
        yield running


@pytest.fixture
def fastly(settings, api):
    settings.NEWSROOM_PURGER = "fastly"
    settings.NEWSROOM_FASTLY_API_URL = api.base
    settings.NEWSROOM_FASTLY_SERVICE_ID = "SU1Z0isxPaozGVKXdv0eY"
    settings.NEWSROOM_FASTLY_API_TOKEN = "fastly-token"
    return api


@pytest.fixture
def cloudflare(settings, api):
    settings.NEWSROOM_PURGER = "cloudflare"
    settings.NEWSROOM_SURROGATE_KEY_HEADER = "Cache-Tag"
    settings.NEWSROOM_CLOUDFLARE_API_URL = api.base
    settings.NEWSROOM_CLOUDFLARE_ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353"
    settings.NEWSROOM_CLOUDFLARE_API_TOKEN = "cloudflare-token"
    return api


def ready_and_purged(fastly, task_queue) -> Article:
    """A story in review whose creation the worker has already purged, so that
    what follows counts only the purges of what the test does."""
    article = ready()
    with time_machine.travel(timezone.now() + timedelta(seconds=10), tick=True):
        task_queue.run_worker()
    task_queue.results().delete()
    fastly.requests.clear()
    fastly.statuses.clear()
    return article


def ready(**over) -> Article:
    fields = {"status": Article.Status.IN_REVIEW, "publish_at": None}
    return make_article(
        hero_photo=make_photo(credit=make_credit(agency="AFP")),
        tags=["ports"],
        **{**fields, **over},
    )


def test_a_publish_purges_its_keys_at_fastly_by_the_documented_request(
    fastly, editor, django_capture_on_commit_callbacks
):
    author = make_author()
    article = ready(authors=[author])
    tag = article.tags.get()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article, by=editor)

    (request,) = fastly.requests
    assert request["path"] == "/service/SU1Z0isxPaozGVKXdv0eY/purge"
    headers = {name.lower(): value for name, value in request["headers"].items()}
    assert headers["fastly-key"] == "fastly-token"
    assert headers["fastly-soft-purge"] == "1"
    assert set(headers["surrogate-key"].split(" ")) == {
        f"article:{article.pk}",
        f"section:{article.section_id}",
        f"tag:{tag.pk}",
        f"author:{author.pk}",
        "home",
        "feed",
        "sitemap",
        "corrections",
        "search",
        "api",
    }


def test_a_takedown_is_a_hard_purge(fastly, editor, django_capture_on_commit_callbacks):
    from tests.test_takedown import standards

    editor = standards.__wrapped__(editor)
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.take_down(article, by=editor, reason="Court order")
    headers = {k.lower(): v for k, v in fastly.requests[-1]["headers"].items()}
    assert "fastly-soft-purge" not in headers
    assert f"article:{article.pk}" in headers["surrogate-key"].split(" ")


def test_cloudflare_gets_the_tags_in_batches_of_thirty(
    cloudflare, editor, django_capture_on_commit_callbacks
):
    authors = [make_author() for _ in range(40)]
    article = ready(authors=authors)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article, by=editor)

    assert len(cloudflare.requests) == 2
    sent = []
    for request in cloudflare.requests:
        assert request["path"] == (
            "/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache"
        )
        headers = {k.lower(): v for k, v in request["headers"].items()}
        assert headers["authorization"] == "Bearer cloudflare-token"
        assert headers["content-type"] == "application/json"
        tags = json.loads(request["body"])["tags"]
        assert len(tags) <= CLOUDFLARE_TAGS_PER_REQUEST
        sent += tags
    assert {f"author:{a.pk}" for a in authors} | {f"article:{article.pk}"} <= set(sent)


def test_a_tag_rename_purges_the_tag_and_every_article_showing_it(
    fastly, django_capture_on_commit_callbacks, editor
):
    tagged = make_article(tags=["harbours"])
    untagged = make_article()
    tag = tagged.tags.get()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.rename_tag(tag, name="Ports", slug="ports", by=editor)
    sent = fastly.requests[-1]["headers"]["Surrogate-Key"].split(" ")
    assert f"tag:{tag.pk}" in sent
    assert f"article:{tagged.pk}" in sent
    assert f"article:{untagged.pk}" not in sent


def test_a_credit_change_purges_the_pages_of_its_photos(
    fastly, client, django_capture_on_commit_callbacks, admin_client
):
    credit = make_credit(agency="AFP")
    photo = make_photo(credit=credit)
    other = make_photo()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/articles/photocredit/{credit.pk}/change/",
            {"photographer": "", "agency": "Reuters", "distributor": ""},
        )
    assert response.status_code in (200, 302)
    if response.status_code == 200:  # the form's fields differ: say which
        pytest.fail(str(response.context["adminform"].form.errors))
    sent = fastly.requests[-1]["headers"]["Surrogate-Key"].split(" ")
    assert f"photo:{photo.pk}" in sent
    assert f"photo:{other.pk}" not in sent


def test_a_failed_purge_shows_on_healthz_and_the_worker_sends_it_again(
    fastly, editor, client, task_queue, django_capture_on_commit_callbacks
):
    article = ready_and_purged(fastly, task_queue)
    fastly.statuses = [503]
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article, by=editor)
    assert len(fastly.requests) == 1
    edge = client.get("/healthz").json()["edge"]
    assert edge["purger"] == "fastly"
    assert edge["last_purge_failed"] is True

    # The purge was written with the change: the worker sends it when due.
    with time_machine.travel(timezone.now() + timedelta(seconds=10), tick=True):
        task_queue.run_worker()
    resent = [
        request
        for request in fastly.requests[1:]
        if f"article:{article.pk}" in request["headers"]["Surrogate-Key"].split(" ")
    ]
    assert len(resent) == 1
    assert client.get("/healthz").json()["edge"]["last_purge_failed"] is False


def test_the_worker_does_not_purge_again_what_the_committing_process_sent(
    fastly, editor, task_queue, django_capture_on_commit_callbacks
):
    article = ready_and_purged(fastly, task_queue)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article, by=editor)
    with time_machine.travel(timezone.now() + timedelta(seconds=10), tick=True):
        task_queue.run_worker()
    key = f"article:{article.pk}"
    sent = [r for r in fastly.requests if key in r["headers"]["Surrogate-Key"]]
    assert len(sent) == 1
    (result,) = [
        result
        for result in task_queue.results(task_path="articles.tasks.purge_edge")
        if key in result.args_kwargs["args"][1]
    ]
    assert result.return_value == "already done"


def generation_when_purged(fastly) -> list[str]:
    """The page cache's generation at the moment each purge reaches the edge,
    when the edge would fetch the purged pages again."""
    from articles.cache import store
    from articles.cache.generation import GENERATION_KEY

    seen = []
    fastly.on_arrival = lambda: seen.append(store.get(GENERATION_KEY))
    return seen


def test_the_page_cache_turns_over_before_the_edge_is_purged(
    fastly, editor, page_cache, django_capture_on_commit_callbacks
):
    from articles.cache import store
    from articles.cache.generation import GENERATION_KEY, bump

    article = ready()
    bump()
    before = store.get(GENERATION_KEY)
    seen = generation_when_purged(fastly)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article, by=editor)
    assert len(seen) == 1
    assert seen[0] is not None and seen[0] != before
    assert store.get(GENERATION_KEY) == seen[0]  # one turnover, not two


def test_the_workers_purge_turns_the_page_cache_over_first_if_no_one_did(
    fastly, editor, page_cache, task_queue, django_capture_on_commit_callbacks
):
    """The process that committed stopped before its own turnover and purge,
    and the worker comes to the purge first."""
    from articles.cache import store
    from articles.cache.generation import GENERATION_KEY

    article = ready_and_purged(fastly, task_queue)
    before = store.get(GENERATION_KEY)
    with django_capture_on_commit_callbacks(execute=False):
        workflow.publish(article, by=editor)
    task_queue.results(task_path="articles.tasks.turn_over_pages").delete()
    seen = generation_when_purged(fastly)
    with time_machine.travel(timezone.now() + timedelta(seconds=10), tick=True):
        task_queue.run_worker()
    assert len(seen) == 1
    assert seen[0] is not None and seen[0] != before


def test_an_embargo_gets_a_sweep_at_its_end(settings, editor, task_queue):
    settings.NEWSROOM_PURGER = "none"
    article = make_article()
    until = timezone.now() + timedelta(hours=2)
    workflow.set_embargo(article, until, by=editor)
    (sweep,) = task_queue.results(task_path="articles.tasks.publish_due")
    assert sweep.run_after == until


def test_without_a_purger_healthz_says_so(client):
    assert client.get("/healthz").json()["edge"] == {"purger": "none"}


def test_the_content_api_names_itself_and_photo_changes_purge_it(
    client, story, fastly, django_capture_on_commit_callbacks
):
    from articles.photos.renditions import update_renditions

    for path in ["/api/v1/articles", f"/api/v1/articles/{story.slug}"]:
        response = client.get(path)
        assert response.status_code == 200
        assert header_keys(response) == ["site", "api"]
    assert "Surrogate-Key" not in client.get("/api/v1/articles/no-such-story")

    with django_capture_on_commit_callbacks(execute=True):
        update_renditions(story.hero_photo, force=True)
    sent = fastly.requests[-1]["headers"]["Surrogate-Key"].split(" ")
    assert set(sent) == {f"photo:{story.hero_photo_id}", "api"}


def test_changes_announced_together_purge_once_all_their_keys(
    fastly, django_capture_on_commit_callbacks
):
    from articles.models import Photo
    from articles.signals import announce_content_changed, announcing_together

    with django_capture_on_commit_callbacks(execute=True):
        with announcing_together():
            announce_content_changed(Article, keys={"article:1"})
            announce_content_changed(Photo, keys={"photo:2"})
    assert [r["headers"]["Surrogate-Key"] for r in fastly.requests] == [
        "article:1 photo:2"
    ]

    with django_capture_on_commit_callbacks(execute=True):
        with announcing_together():
            announce_content_changed(Article, keys=None)  # the whole site
            announce_content_changed(Photo, keys={"photo:2"})
    assert fastly.requests[-1]["headers"]["Surrogate-Key"] == "site"
