"""The page cache: every change readers could see shows on the next request.

Each test first has the page served from the cache (`X-Page-Cache: hit`), makes
one kind of change the way the newsroom makes it, and reads the page again.
"""

import os
import threading
import time
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles import workflow
from articles.cache.middleware import RENDER_WAIT_SECONDS, page_key
from articles.models import Article
from articles.photos.storage import save_photo
from articles.site.preview import share_url
from tests.factories import (
    make_article,
    make_author,
    make_credit,
    make_photo,
    make_section,
    make_user,
)
from tests.processes import run_in_another_process

Status = Article.Status
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def cached_page(client, url) -> str:
    """The page as served from the cache (read twice: the second is a hit)."""
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    second = client.get(url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    return second.content.decode()


def fresh_page(client, url):
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    return response


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the change does on commit (the signal that turns the cache over)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_change_without_the_signal_is_not_seen_so_the_cache_is_real(client):
    article = make_article(headline="Before")
    cached_page(client, article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(headline="After")
    assert "Before" in client.get(article.get_absolute_url()).content.decode()


# Workflow changes -----------------------------------------------------------------


def test_publish_shows_on_home_and_section_pages(client, editor, committed):
    section = make_section(slug="markets")
    article = make_article(
        section=section,
        headline="Rates held",
        status=Status.IN_REVIEW,
        publish_at=None,
        tags=["Rates"],
    )
    assert "Rates held" not in cached_page(client, "/")
    assert "Rates held" not in cached_page(client, "/markets/")
    assert client.get(article.get_absolute_url()).status_code == 404
    with committed():
        workflow.publish(article, by=editor)
    assert "Rates held" in fresh_page(client, "/").content.decode()
    assert "Rates held" in fresh_page(client, "/markets/").content.decode()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_unpublish_removes_the_article_at_once(client, editor, committed):
    article = make_article(headline="Pulled story", tags=["Ports"])
    assert "Pulled story" in cached_page(client, "/")
    assert "Pulled story" in cached_page(client, "/feeds/")
    cached_page(client, article.get_absolute_url())
    with committed():
        workflow.unpublish(article, by=editor)
    assert "Pulled story" not in fresh_page(client, "/").content.decode()
    assert "Pulled story" not in fresh_page(client, "/feeds/").content.decode()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get("/tags/ports/").status_code == 404


def test_scheduled_article_appears_at_its_minute_with_no_sweep(
    client, editor, committed, settings
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 3 * 24 * 3600  # outlives the time travel
    at = timezone.now() + timedelta(minutes=30)
    article = make_article(
        headline="Embargoed results",
        status=Status.IN_REVIEW,
        publish_at=None,
        tags=["Results"],
    )
    with committed():
        workflow.schedule(article, by=editor, at=at)
    home = cached_page(client, "/")
    assert "Embargoed results" not in home
    assert client.get("/")["Cache-Control"].count("max-age=") == 1
    with time_machine.travel(at - timedelta(seconds=1), tick=False):
        response = client.get("/")
        assert response["X-Page-Cache"] == "hit"
        assert "Embargoed results" not in response.content.decode()
    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        assert "Embargoed results" in fresh_page(client, "/").content.decode()
        page = client.get(article.get_absolute_url())
        assert page.status_code == 200


def test_browsers_and_cdns_are_never_told_a_page_is_fresh_past_a_go_live(
    client, editor, committed
):
    article = make_article(status=Status.IN_REVIEW, publish_at=None, tags=["Soon"])
    with committed():
        workflow.schedule(article, by=editor, at=timezone.now() + timedelta(seconds=5))
    cache_control = client.get("/")["Cache-Control"]
    max_age = int(cache_control.split("max-age=")[1].split(",")[0])
    assert max_age <= 5


def test_published_changes_replace_the_cached_article(client, editor, committed):
    article = make_article(
        headline="Mayor resigns", standfirst="First version.", tags=["City"]
    )
    url = article.get_absolute_url()
    assert "First version." in cached_page(client, url)
    content = workflow.ArticleContent.of(article)
    content.standfirst = "Corrected version."
    with committed():
        workflow.edit(article, content, by=editor)
    assert "First version." in client.get(url).content.decode()  # still pending
    with committed():
        workflow.publish_changes(article, by=editor)
    page = fresh_page(client, url).content.decode()
    assert "Corrected version." in page and "Updated" in page


def test_restored_revision_shows_once_published(client, editor, committed):
    article = make_article(headline="Original headline", tags=["City"])
    with committed():
        workflow.publish_changes(
            _edited(article, editor, headline="Wrong headline"), by=editor
        )
    url = article.get_absolute_url()
    assert "Wrong headline" in cached_page(client, url)
    original = _revision_with(article, "Original headline")
    with committed():
        workflow.restore(article, original, by=editor, version=article.version)
        workflow.publish_changes(article, by=editor)
    assert "Original headline" in fresh_page(client, url).content.decode()


def test_retagging_moves_the_article_between_tag_pages(client, editor, committed):
    article = make_article(headline="Dock strike", tags=["Ports"])
    make_article(tags=["Shipping"])
    assert "Dock strike" in cached_page(client, "/tags/ports/")
    assert "Dock strike" not in cached_page(client, "/tags/shipping/")
    with committed():
        workflow.publish_changes(_edited(article, editor, tags=["Shipping"]), by=editor)
    assert client.get("/tags/ports/").status_code == 404
    assert "Dock strike" in fresh_page(client, "/tags/shipping/").content.decode()


def test_correction_shows_on_the_cached_article(client, editor, committed):
    article = make_article(headline="Budget passes")
    url = article.get_absolute_url()
    cached_page(client, url)
    with committed():
        workflow.add_correction(article, "The vote was 51 to 49.", by=editor)
    assert "The vote was 51 to 49." in fresh_page(client, url).content.decode()


def test_takedown_removes_the_cached_article(client, committed):
    admin = make_user(is_staff=True, is_superuser=True)
    article = make_article(headline="Disputed story")
    url = article.get_absolute_url()
    cached_page(client, url)
    assert "Disputed story" in cached_page(client, "/")
    with committed():
        workflow.take_down(article, by=admin, reason="Legal request.")
    assert client.get(url).status_code != 200
    assert "Disputed story" not in fresh_page(client, "/").content.decode()


def test_embargo_lifts_at_its_minute_with_no_sweep(client, editor, committed, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 3 * 24 * 3600  # outlives the time travel
    until = timezone.now() + timedelta(minutes=20)
    article = make_article(headline="Results at noon", embargo_until=until)
    assert "Results at noon" not in cached_page(client, "/")
    with time_machine.travel(until - timedelta(seconds=1), tick=False):
        response = client.get("/")
        assert response["X-Page-Cache"] == "hit"
        assert "Results at noon" not in response.content.decode()
    with time_machine.travel(until + timedelta(seconds=1), tick=False):
        assert "Results at noon" in fresh_page(client, "/").content.decode()
        assert client.get(article.get_absolute_url()).status_code == 200


def _edited(article, editor, **changes):
    content = workflow.ArticleContent.of(article)
    for name, value in changes.items():
        setattr(content, name, value)
    return workflow.edit(article, content, by=editor)


def _revision_with(article, headline):
    from reversion.models import Version

    return next(
        version
        for version in Version.objects.get_for_object(article)
        if version.field_dict["headline"] == headline
    )


# Tags, photos, sections -----------------------------------------------------------


def test_tag_merge_shows_the_kept_tag_and_redirects_the_old_page(client, committed):
    article = make_article(tags=["AI"])
    make_article(tags=["Artificial intelligence"])
    assert ">AI</a>" in cached_page(client, article.get_absolute_url())
    cached_page(client, "/tags/ai/")
    with committed():
        workflow.merge_tags(
            Tag.objects.all(),
            into=Tag.objects.get(name="Artificial intelligence"),
            by=make_user(is_superuser=True),
        )
    page = fresh_page(client, article.get_absolute_url()).content.decode()
    assert ">Artificial intelligence</a>" in page and ">AI</a>" not in page
    assert client.get("/tags/ai/").status_code == 301


def test_tag_rename_in_the_admin_shows_everywhere(client, admin_client, committed):
    article = make_article(tags=["Hunan"])
    tag = Tag.objects.get()
    assert ">Hunan</a>" in cached_page(client, article.get_absolute_url())
    cached_page(client, "/tags/hunan/")
    url = reverse("admin:taggit_tag_change", args=[tag.pk])
    with committed():
        response = admin_client.post(url, {"name": "Hunan province", "slug": "hunan"})
    assert response.status_code == 302
    page = fresh_page(client, article.get_absolute_url()).content.decode()
    assert ">Hunan province</a>" in page
    assert "Hunan province" in fresh_page(client, "/tags/hunan/").content.decode()


def test_photo_change_in_the_library_shows_on_the_page(client, editor, committed):
    photo = make_photo(credit=make_credit(agency="AFP"))
    article = make_article(hero_photo=photo)
    assert "Photo: AFP." in cached_page(client, article.get_absolute_url())
    photo.credit = make_credit(agency="Xinhua")
    with committed():
        save_photo(photo)
    assert (
        "Photo: Xinhua."
        in fresh_page(client, article.get_absolute_url()).content.decode()
    )


def test_licence_ended_in_the_library_removes_the_photo(client, committed):
    photo = make_photo(credit=make_credit(agency="AFP"))
    article = make_article(hero_photo=photo)
    assert '<figure class="hero">' in cached_page(client, article.get_absolute_url())
    photo.licence_expires_on = timezone.localdate() - timedelta(days=1)
    with committed():
        save_photo(photo)
    page = fresh_page(client, article.get_absolute_url()).content.decode()
    assert '<figure class="hero">' not in page


def test_credit_corrected_in_the_admin_shows_under_the_photo(
    client, admin_client, committed
):
    credit = make_credit(agency="Imaginchina")
    article = make_article(hero_photo=make_photo(credit=credit))
    assert "Photo: Imaginchina." in cached_page(client, article.get_absolute_url())
    url = reverse("admin:articles_photocredit_change", args=[credit.pk])
    with committed():
        response = admin_client.post(
            url, {"photographer": "", "agency": "Imaginechina", "distributor": ""}
        )
    assert response.status_code == 302
    page = fresh_page(client, article.get_absolute_url()).content.decode()
    assert "Photo: Imaginechina." in page


def test_licence_expiry_reached_takes_the_photo_off_with_no_sweep(client, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 3 * 24 * 3600  # outlives the time travel
    today = timezone.localdate()
    photo = make_photo(credit=make_credit(agency="AFP"), licence_expires_on=today)
    article = make_article(hero_photo=photo)
    url = article.get_absolute_url()
    assert '<figure class="hero">' in cached_page(client, url)
    midnight = timezone.make_aware(
        datetime.combine(today + timedelta(days=1), datetime.min.time())
    )
    with time_machine.travel(midnight - timedelta(seconds=1), tick=False):
        assert client.get(url)["X-Page-Cache"] == "hit"
    with time_machine.travel(midnight + timedelta(seconds=1), tick=False):
        assert '<figure class="hero">' not in fresh_page(client, url).content.decode()


def test_section_change_in_the_admin_shows_in_the_navigation(
    client, admin_client, committed
):
    section = make_section(name="Biz", slug="biz")
    article = make_article(section=section)
    assert ">Biz</a>" in cached_page(client, article.get_absolute_url())
    url = reverse("admin:articles_section_change", args=[section.pk])
    with committed():
        response = admin_client.post(
            url, {"name": "Business", "slug": "biz", "description": "", "position": 0}
        )
    assert response.status_code == 302
    page = fresh_page(client, article.get_absolute_url()).content.decode()
    assert ">Business</a>" in page


def test_author_rename_in_the_admin_shows_in_bylines(client, admin_client, committed):
    author = make_author(name="Mei Lin", slug="mei-lin")
    article = make_article(authors=[author])
    assert "Mei Lin" in cached_page(client, article.get_absolute_url())
    url = reverse("admin:articles_author_change", args=[author.pk])
    with committed():
        admin_client.post(url, {"name": "Lin Mei", "slug": "mei-lin", "bio": ""})
    assert "Lin Mei" in fresh_page(client, article.get_absolute_url()).content.decode()


# What pages keep for the generation (the page cache off) -----------------------


@pytest.fixture
def fragments_only(settings):
    settings.NEWSROOM_PAGE_CACHE = False


def read(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "off"
    return response.content.decode()


def test_kept_lists_are_really_kept(client, fragments_only):
    article = make_article(headline="Kept", tags=["Ports"])
    other = make_article(headline="Neighbour", tags=["Ports"])
    assert "Kept" in read(client, "/")
    assert "Neighbour" in read(client, article.get_absolute_url())
    Article.objects.filter(pk=other.pk).update(headline="Changed without a signal")
    assert "Changed without a signal" not in read(client, "/")
    assert "Changed without a signal" not in read(client, article.get_absolute_url())


def test_publish_shows_in_kept_lists_on_the_next_request(
    client, editor, committed, fragments_only
):
    first = make_article(headline="First story", tags=["Ports"])
    second = make_article(
        headline="Second story",
        status=Status.IN_REVIEW,
        publish_at=None,
        tags=["Ports"],
    )
    assert "Second story" not in read(client, "/")
    assert "Second story" not in read(client, first.get_absolute_url())
    with committed():
        workflow.publish(second, by=editor)
    assert "Second story" in read(client, "/")
    assert "Second story" in read(client, first.get_absolute_url())
    with committed():
        workflow.unpublish(second, by=editor)
    assert "Second story" not in read(client, "/")
    assert "Second story" not in read(client, first.get_absolute_url())


def test_scheduled_story_joins_kept_lists_at_its_minute(
    client, editor, committed, fragments_only, settings
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 3 * 24 * 3600
    at = timezone.now() + timedelta(minutes=30)
    first = make_article(headline="Already out", tags=["Results"])
    later = make_article(
        headline="Out later", status=Status.IN_REVIEW, publish_at=None, tags=["Results"]
    )
    with committed():
        workflow.schedule(later, by=editor, at=at)
    assert "Out later" not in read(client, "/")
    assert "Out later" not in read(client, first.get_absolute_url())
    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        assert "Out later" in read(client, "/")
        assert "Out later" in read(client, first.get_absolute_url())


@pytest.mark.parametrize("url", ["/markets/", "/tags/ports/"])
def test_kept_counts_of_list_pages_follow_a_publish(
    client, editor, committed, fragments_only, settings, url
):
    settings.NEWSROOM_PAGE_SIZE = 2
    section = make_section(slug="markets")
    for n in range(4):
        make_article(section=section, tags=["Ports"], headline=f"Story {n}")
    later = make_article(
        section=section,
        tags=["Ports"],
        headline="Story 4",
        status=Status.IN_REVIEW,
        publish_at=None,
    )
    assert "Page 1 of 2" in read(client, url)
    with committed():
        workflow.publish(later, by=editor)
    page = read(client, url)
    assert "Page 1 of 3" in page
    assert "Story 4" in page  # the newest, first


def test_new_section_shows_in_the_kept_navigation(
    client, admin_client, committed, fragments_only
):
    article = make_article()
    assert ">Weather</a>" not in read(client, article.get_absolute_url())
    with committed():
        admin_client.post(
            reverse("admin:articles_section_add"),
            {"name": "Weather", "slug": "weather", "description": "", "position": 9},
        )
    assert ">Weather</a>" in read(client, article.get_absolute_url())


def test_an_article_keeps_its_rendered_parts_until_a_change_readers_see(
    client, editor, committed, fragments_only
):
    article = make_article(
        headline="Harbour reopens", body="<p>Ships are back.</p>", tags=["Ports"]
    )
    url = article.get_absolute_url()
    first = client.get(url)
    Article.objects.filter(pk=article.pk).update(body="<p>Changed without a signal</p>")
    kept = client.get(url)
    assert "Ships are back." in kept.content.decode()
    assert kept["Surrogate-Key"] == first["Surrogate-Key"]
    content = workflow.ArticleContent.of(Article.objects.get(pk=article.pk))
    content.body = "<p>Cranes are back too.</p>"
    with committed():
        workflow.edit(article, content, by=editor)
        workflow.publish_changes(article, by=editor)
    assert "Cranes are back too." in read(client, url)


def test_a_preview_renders_afresh_and_readers_keep_the_published_parts(
    client, editor, committed, fragments_only
):
    article = make_article(headline="Mayor resigns", standfirst="First version.")
    url = article.get_absolute_url()
    assert "First version." in read(client, url)
    content = workflow.ArticleContent.of(article)
    content.standfirst = "Pending version."
    with committed():
        workflow.edit(article, content, by=editor)
    client.force_login(editor)
    preview = client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    assert "Pending version." in preview.content.decode()
    client.logout()
    page = read(client, url)
    assert "First version." in page and "Pending version." not in page


# Who gets cached pages ------------------------------------------------------------


def test_staff_never_get_a_cached_page_and_are_never_cached(client, editor):
    article = make_article(headline="Live story")
    url = article.get_absolute_url()
    cached_page(client, url)
    client.force_login(editor)
    for _ in range(2):
        response = client.get(url)
        assert "X-Page-Cache" not in response
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]
    draft = make_article(headline="Secret draft", status=Status.DRAFT)
    assert "Secret draft" in client.get(draft.get_absolute_url()).content.decode()
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_shared_previews_are_private_and_never_cached(client):
    draft = make_article(headline="Unseen draft", status=Status.DRAFT)
    url = share_url(draft)
    for _ in range(2):
        response = client.get(url)
        assert "Unseen draft" in response.content.decode()
        assert "X-Page-Cache" not in response
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]


def test_posts_bypass_the_cache(client):
    cached_page(client, "/search/?q=port")
    response = client.post("/search/?q=port")
    assert "X-Page-Cache" not in response


def test_cache_can_be_switched_off(client, settings):
    settings.NEWSROOM_PAGE_CACHE = False
    article = make_article(headline="Before")
    client.get(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(headline="After")
    response = client.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "off"
    assert "After" in response.content.decode()


# HTTP caching headers -------------------------------------------------------------


@pytest.mark.parametrize("cache_on", [True, False])
def test_conditional_get_answers_304_with_cdn_headers(client, settings, cache_on):
    settings.NEWSROOM_PAGE_CACHE = cache_on
    article = make_article()
    response = client.get(article.get_absolute_url())
    etag = response["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert response["Cache-Control"] == (
        "public, max-age=10, stale-while-revalidate=60"
    )
    assert "Cookie" in response["Vary"]
    again = client.get(article.get_absolute_url(), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    other = client.get(article.get_absolute_url(), headers={"If-None-Match": '"x"'})
    assert other.status_code == 200


def test_etag_changes_with_the_content(client, editor, committed):
    article = make_article(standfirst="One.", tags=["City"])
    etag = client.get(article.get_absolute_url())["ETag"]
    with committed():
        workflow.publish_changes(_edited(article, editor, standfirst="Two."), by=editor)
    response = client.get(article.get_absolute_url(), headers={"If-None-Match": etag})
    assert response.status_code == 200 and response["ETag"] != etag


def test_404s_and_the_admin_are_not_cached(client):
    assert client.get("/no-such-section/").status_code == 404
    assert "X-Page-Cache" not in client.get("/no-such-section/")
    assert "X-Page-Cache" not in client.get("/admin/login/")


def test_renditions_are_served_immutable_and_originals_are_not(client, settings):
    from tests.factories import make_rendered_photo

    settings.DEBUG = False
    photo = make_rendered_photo()
    name = photo.renditions["jpeg"][0]["name"]
    response = client.get(settings.MEDIA_URL + name)
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert client.get(settings.MEDIA_URL + photo.image.name).status_code == 404


def test_expired_licence_of_unused_photo_needs_no_date(client):
    # A licence that ended long ago does not make pages turn over every request.
    make_photo(licence_expires_on=date(2001, 1, 1))
    article = make_article()
    cached_page(client, article.get_absolute_url())


# Every process shares the generation ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_change_made_in_another_process_shows_on_the_next_request(client):
    """Like the scheduler's cron run or an import: another process, same site."""
    # A superuser: an earlier transactional test may have flushed the role groups.
    editor = make_user(is_staff=True, is_superuser=True)
    article = make_article(headline="Seen by every worker")
    url = article.get_absolute_url()
    cached_page(client, url)
    command = (
        "from articles import workflow; from articles.models import Article; "
        "from django.contrib.auth.models import User; "
        f"workflow.unpublish(Article.objects.get(pk={article.pk}), "
        f"by=User.objects.get(pk={editor.pk}))"
    )
    run_in_another_process(command)
    assert client.get(url).status_code == 404


def test_a_worker_serves_its_copies_until_the_folder_says_a_generation_began(
    client, settings, tmp_path
):
    """The embedded default: no file is read for a hit between two changes, and
    a change made by another process shows at the next request."""
    folder = tmp_path / "pages"
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(folder),
        },
    }
    article = make_article(headline="Kept by each worker")
    url = article.get_absolute_url()
    cached_page(client, url)
    for entry in folder.glob("*.djcache"):  # emptied behind this process's back
        entry.unlink()
    assert client.get(url)["X-Page-Cache"] == "hit"

    run_in_another_process(
        "from articles.cache.generation import bump; bump()",
        NEWSROOM_PAGE_CACHE_DIR=str(folder),
        REDIS_URL="",
    )
    assert client.get(url)["X-Page-Cache"] == "miss"


# What a page costs ----------------------------------------------------------------

# Queries of a page's first rendering in a generation (the navigation already
# kept), and of a rendering once its fragments are kept (the page cache off).
PAGE_QUERIES = {
    # lead ids; each section's newest ids; their cards; bylines. Then none.
    "/": (4, 0),
    # (the section or author); whether any is live; how many (kept); the newest
    # ids; their cards; bylines
    "/markets/": (5, 4),
    "/tags/ports/": (6, 5),  # the tag first; its newest ids come off its index
    "/authors/mei-lin/": (5, 4),
    "/feeds/": (4, 4),  # newest ids; entries; bylines; tags
    "/feeds/tags/ports/": (7, 7),
    "/sitemap.xml": (2, 1),  # how many articles (kept); sections
    "/sitemap-articles.xml": (2, 1),
    "/news-sitemap.xml": (1, 1),
    # hits with snippets (a last page: no count); cards; bylines
    "/search/?q=harbour": (3, 3),
}
# The article's row, to decide whether the reader may see it; the article with
# its section, photo and credit; bylines; tags; then the related stories: pinned,
# tag weights, ranking, their cards. Once its parts are kept: the row alone.
ARTICLE_PAGE_QUERIES = (8, 1)
NAVIGATION_QUERIES = 1  # the sections, once per generation


def expected_queries(url: str, kept: bool = False) -> int:
    # PostgreSQL's snippets (ts_headline) are a query of their own, over the
    # page's hits only; SQLite's FTS5 makes them in the ranking query.
    snippets = url.startswith("/search/") and connection.vendor == "postgresql"
    return PAGE_QUERIES[url][kept] + snippets


EPOCH_QUERIES = 3  # once per generation and process: the next time-based change


@pytest.fixture
def archive():
    section = make_section(slug="markets")
    author = make_author(slug="mei-lin")
    photo = make_photo(credit=make_credit(agency="AFP"))
    return [
        make_article(
            section=section,
            headline=f"Harbour story {n}",
            tags=["Ports", f"Topic {n}"],
            authors=[author],
            hero_photo=photo,
        )
        for n in range(12)
    ]


def queries_of(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as rendering:
        client.get(url)
    return [q["sql"] for q in rendering.captured_queries]


@pytest.mark.parametrize("url", PAGE_QUERIES)
def test_each_page_costs_a_fixed_number_of_queries_and_none_from_the_cache(
    client, archive, url, django_assert_num_queries
):
    client.get(archive[0].get_absolute_url())  # the generation's epoch is known
    with CaptureQueriesContext(connection) as rendering:
        assert client.get(url)["X-Page-Cache"] == "miss"
    queries = [q["sql"] for q in rendering.captured_queries]
    assert len(queries) == expected_queries(url), "\n\n".join(queries)
    with django_assert_num_queries(0):
        assert client.get(url)["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("url", PAGE_QUERIES)
def test_with_the_page_cache_off_a_page_reads_only_what_is_not_kept(
    client, archive, url, settings
):
    client.get(archive[0].get_absolute_url())
    client.get(url)
    settings.NEWSROOM_PAGE_CACHE = False
    queries = queries_of(client, url)
    assert len(queries) == expected_queries(url, kept=True), "\n\n".join(queries)


def test_article_page_costs_seven_queries_plus_the_navigation_and_epoch_once(
    client, archive, settings, django_assert_num_queries
):
    first, kept = ARTICLE_PAGE_QUERIES
    with django_assert_num_queries(first + NAVIGATION_QUERIES + EPOCH_QUERIES):
        client.get(archive[0].get_absolute_url())
    with django_assert_num_queries(first):
        client.get(archive[1].get_absolute_url())
    with django_assert_num_queries(0):
        client.get(archive[1].get_absolute_url())
    settings.NEWSROOM_PAGE_CACHE = False
    with django_assert_num_queries(kept):
        client.get(archive[1].get_absolute_url())


# A new generation makes every page miss: one request renders each --------------


def pretend_another_request_is_rendering(url):
    """Remove the cached page and hold its render lock, as a request rendering
    it in another process would; returns the page's key and its old entry."""
    key = page_key(RequestFactory().get(url))
    pages = caches["pages"]
    entry = pages.get(key)
    pages.delete(key)
    pages.set(f"{key}:rendering", 1, 10)
    return key, entry


def test_a_request_waits_for_the_page_another_is_rendering(
    client, django_assert_num_queries
):
    url = make_article(headline="Everyone wants this").get_absolute_url()
    rendered = client.get(url)
    key, entry = pretend_another_request_is_rendering(url)
    timer = threading.Timer(0.2, lambda: caches["pages"].set(key, entry, 60))
    timer.start()
    with django_assert_num_queries(0):
        response = client.get(url)
    timer.join()
    assert response["X-Page-Cache"] == "hit"
    assert response.content == rendered.content


def test_a_request_renders_itself_when_the_other_render_stores_nothing(client):
    url = make_article().get_absolute_url()
    client.get(url)
    key, _ = pretend_another_request_is_rendering(url)
    timer = threading.Timer(0.1, lambda: caches["pages"].delete(f"{key}:rendering"))
    timer.start()
    started = time.monotonic()
    response = client.get(url)
    timer.join()
    assert response["X-Page-Cache"] == "miss"
    assert time.monotonic() - started < RENDER_WAIT_SECONDS


def test_clear_page_cache_renders_every_page_afresh(client):
    from django.core.management import call_command

    url = make_article().get_absolute_url()
    cached_page(client, url)
    call_command("clear_page_cache", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert client.get(url)["X-Page-Cache"] == "miss"
