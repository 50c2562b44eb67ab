"""Live coverage: updates through the workflow, the live page, its fragment,
JSON-LD, feeds and sitemap."""

import json
import re
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleEvent, ChecklistRule, LiveUpdate
from articles.workflow import UpdateContent
from articles.workflow.rules import InvalidTransition
from tests.factories import (
    make_article,
    make_author,
    make_credit,
    make_photo,
    make_role_user,
)
from tests.test_edge import api, fastly

__all__ = ["api", "fastly"]  # the edge fixtures of tests/test_edge.py

Action = ArticleEvent.Action
pytestmark = pytest.mark.django_db


def json_ld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html)
    return json.loads(found.group(1))


def live_article(editor, **over):
    article = make_article(headline="Storm reaches the coast", **over)
    workflow.start_coverage(article, by=editor)
    return article


def post(article, editor, body="<p>Winds rise.</p>", **over):
    return workflow.post_update(article, UpdateContent(body=body, **over), by=editor)


def poll_url(article, since):
    url = reverse("articles:live_updates", args=[article.section.slug, article.slug])
    return f"{url}?since={since}"


def test_editor_posts_updates_readers_see_them_newest_first_pinned_on_top(
    client, editor
):
    article = live_article(editor)
    reporter = make_author(name="Rita Reporter")
    first = post(article, editor, "<p>First.</p>", headline="Alert issued")
    post(article, editor, "<p>Second.</p>", is_pinned=True, headline="Read this")
    post(article, editor, "<p>Third.</p>", authors=[reporter], is_key_event=True)

    html = client.get(article.get_absolute_url()).content.decode()
    page = html.split('id="live"', 1)[1]

    assert page.index("Second.") < page.index("Third.") < page.index("First.")
    assert "Rita Reporter" in page
    assert f'id="{first.anchor}"' in page
    assert 'class="live-badge">Live<' in html
    key_events = page.split('class="live__key-events"', 1)[1].split("</nav>")[0]
    assert "Third." not in key_events and "#update-" in key_events


def test_every_update_is_recorded_in_the_articles_history(editor):
    article = live_article(editor)
    update = post(article, editor, headline="Alert")
    workflow.edit_update(update, UpdateContent(body="<p>Fixed.</p>"), by=editor)
    workflow.delete_update(update, by=editor)
    actions = list(
        article.events.order_by("created_at", "pk").values_list("action", flat=True)
    )
    assert actions[-4:] == [
        Action.START_COVERAGE,
        Action.POST_UPDATE,
        Action.EDIT_UPDATE,
        Action.DELETE_UPDATE,
    ]
    assert not LiveUpdate.objects.filter(article=article).exists()


def test_pinning_an_update_unpins_the_last_one(editor):
    article = live_article(editor)
    old = post(article, editor, is_pinned=True)
    new = post(article, editor, is_pinned=True)
    old.refresh_from_db()
    assert [old.is_pinned, new.is_pinned] == [False, True]


def test_body_goes_through_the_articles_allow_list(editor):
    article = live_article(editor)
    update = post(article, editor, '<p onclick="x()">Hi<script>alert(1)</script></p>')
    assert update.body == "<p>Hi</p>"


def test_an_update_before_the_coverage_starts_is_refused_and_nothing_written(
    editor,
):
    article = live_article(editor)
    early = article.coverage_start_at - timedelta(minutes=5)
    with pytest.raises(
        InvalidTransition, match="Storm reaches the coast.*published_at"
    ):
        post(article, editor, published_at=early)
    with pytest.raises(InvalidTransition, match="body"):
        post(article, editor, body="<script>x</script>")
    assert not article.live_updates.exists()


def test_a_writers_update_waits_for_an_editor(client, editor, writer):
    article = live_article(editor, created_by=writer)
    update = post(article, writer, "<p>From the scene.</p>")
    assert update.status == LiveUpdate.Status.IN_REVIEW
    assert (
        "From the scene." not in client.get(article.get_absolute_url()).content.decode()
    )
    with pytest.raises(PermissionDenied):
        workflow.edit_update(
            update, UpdateContent(body="<p>x</p>"), by=writer, publish=True
        )
    workflow.edit_update(
        update, UpdateContent(body="<p>From the scene.</p>"), by=editor, publish=True
    )
    assert "From the scene." in client.get(article.get_absolute_url()).content.decode()


def test_a_writer_not_on_the_story_cannot_post(editor, writer):
    article = live_article(editor)
    with pytest.raises(PermissionDenied):
        post(article, writer)


def test_an_update_photo_needs_a_credit_when_the_checklist_asks(editor):
    article = live_article(editor)
    uncredited = make_photo()
    figure = f'<figure data-photo="{uncredited.pk}"></figure>'
    with pytest.raises(InvalidTransition, match="no credit"):
        post(article, editor, body=f"<p>Look.</p>{figure}")
    ChecklistRule.objects.filter(code="photo_credit").update(enabled=False)
    post(article, editor, body=f"<p>Look.</p>{figure}")


def test_an_update_photo_is_shown_with_its_credit_and_in_json_ld(client, editor):
    article = live_article(editor)
    photo = make_photo(credit=make_credit(photographer="Ana Lens", agency="AFP"))
    post(
        article,
        editor,
        body=f'<p>Look.</p><figure data-photo="{photo.pk}"></figure>',
        headline="Flooded street",
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Ana Lens / AFP" in page
    data = json_ld(page)
    assert data["@type"] == "LiveBlogPosting"
    [update] = data["liveBlogUpdate"]
    assert update["@type"] == "BlogPosting"
    assert update["headline"] == "Flooded street"
    assert update["image"][0]["creditText"].endswith("Ana Lens / AFP")


def test_json_ld_carries_the_coverage_times_and_every_update(client, editor):
    article = live_article(editor)
    for n in range(3):
        post(article, editor, f"<p>Update {n}.</p>")
    workflow.end_coverage(article, by=editor)
    article.refresh_from_db()
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    for name, moment in [
        ("coverageStartTime", article.coverage_start_at),
        ("coverageEndTime", article.coverage_end_at),
    ]:
        given = datetime.fromisoformat(data[name])
        assert abs(given - moment) < timedelta(milliseconds=1)
    assert [u["articleBody"] for u in data["liveBlogUpdate"]] == [
        "Update 2.",
        "Update 1.",
        "Update 0.",
    ]
    assert all(
        u["author"][0]["name"] == "Staff Reporter" for u in data["liveBlogUpdate"]
    )


def test_ending_coverage_takes_the_badge_away_and_says_so(client, editor):
    article = live_article(editor, tags=["Weather"])
    post(article, editor)
    workflow.end_coverage(article, by=editor)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "live-badge" not in page
    assert "coverage ended" in page
    assert "live.js" not in page
    assert "Winds rise." in page


def test_live_badge_on_cards(client, editor):
    article = live_article(editor, tags=["Weather"])
    for url in [
        reverse("articles:home"),
        article.section.get_absolute_url(),
        reverse("articles:tag", args=["weather"]),
    ]:
        page = client.get(url).content.decode()
        card = page.split(article.headline, 1)[0].rsplit('<article class="card', 1)[1]
        assert 'class="live-badge">Live<' in card, url


def test_the_page_works_without_javascript_and_updates_have_permalinks(client, editor):
    article = live_article(editor)
    update = post(article, editor, headline="Evacuation ordered")
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'<a href="#update-{update.pk}"' in page
    assert 'class="live__show" hidden' in page  # the button only with JS


def test_the_fragment_lists_new_updates_and_answers_304_when_nothing_changed(
    client, editor, page_cache, django_capture_on_commit_callbacks
):
    article = live_article(editor)
    post(article, editor, "<p>Old.</p>")
    page = client.get(article.get_absolute_url()).content.decode()
    since = re.search(r'data-since="([0-9]+)"', page).group(1)

    empty = client.get(poll_url(article, since))
    assert 'data-count="0"' in empty.content.decode()
    again = client.get(poll_url(article, since), HTTP_IF_NONE_MATCH=empty["ETag"])
    assert again.status_code == 304

    with django_capture_on_commit_callbacks(execute=True):
        post(article, editor, "<p>New.</p>")
    fresh = client.get(poll_url(article, since), HTTP_IF_NONE_MATCH=empty["ETag"])
    assert fresh.status_code == 200
    html = fresh.content.decode()
    assert 'data-count="1"' in html and "New." in html and "Old." not in html


def test_fragment_and_feed_of_an_embargoed_or_draft_article_are_404(client, editor):
    article = live_article(editor)
    post(article, editor)
    workflow.set_embargo(article, timezone.now() + timedelta(hours=1), by=editor)
    assert client.get(poll_url(article, 0)).status_code == 404
    assert (
        client.get(reverse("articles:live_feed", args=[article.slug])).status_code
        == 404
    )
    assert client.get(article.get_absolute_url()).status_code == 404


def test_taken_down_article_takes_no_updates(editor):
    article = live_article(editor)
    manager = make_role_user("Managing editor")
    workflow.take_down(article, by=manager, reason="Legal")
    with pytest.raises(InvalidTransition, match="taken down"):
        post(article, editor)


def test_correcting_an_update_shows_the_correction_at_the_update(client, editor):
    article = live_article(editor)
    update = post(article, editor, "<p>Ten hurt.</p>")
    workflow.add_correction(
        article, "One hurt, not ten.", by=editor, live_update=update
    )
    page = client.get(article.get_absolute_url()).content.decode()
    at_update = page.split(f'id="update-{update.pk}"', 1)[1].split("</article>")[0]
    assert "One hurt, not ten." in at_update


def test_the_articles_feed_of_updates(client, editor):
    article = live_article(editor)
    update = post(article, editor, "<p>Rain.</p>", headline="Rain begins")
    feed = client.get(reverse("articles:live_feed", args=[article.slug]))
    text = feed.content.decode()
    assert "<title>Rain begins</title>" in text
    assert f"#update-{update.pk}</link>" in text


def test_news_sitemap_keeps_a_live_article_while_it_is_updated(client, editor):
    article = make_article(publish_at=timezone.now() - timedelta(days=5))
    workflow.start_coverage(article, by=editor, at=timezone.now() - timedelta(days=5))
    assert article.slug not in client.get("/news-sitemap.xml").content.decode()
    post(article, editor)
    assert article.slug in client.get("/news-sitemap.xml").content.decode()


def test_live_page_query_count_does_not_grow_with_updates(
    client, editor, django_assert_max_num_queries
):
    article = live_article(editor)
    photo = make_photo(credit=make_credit(agency="AFP"))
    for n in range(12):
        figure = f'<figure data-photo="{photo.pk}"></figure>' if n % 3 == 0 else ""
        post(article, editor, f"<p>Update {n}.</p>{figure}", authors=[make_author()])
    with django_assert_max_num_queries(12):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_the_live_article_keeps_its_updates_in_order_for_readers(editor):
    article = live_article(editor)
    a = post(article, editor)
    b = post(article, editor)
    assert list(article.live_updates.public()) == [b, a]
    assert Article.objects.get(pk=article.pk).live_updated_at == b.published_at


def test_the_demo_has_a_running_live_story(client):
    from django.core.management import call_command

    call_command("load_demo")
    article = Article.objects.live().get(coverage_start_at__isnull=False)
    updates = list(article.live_updates.public())
    assert len(updates) >= 10
    assert sum(u.is_pinned for u in updates) == 1
    assert sum(u.is_key_event for u in updates) == 2
    assert any("data-photo" in u.body for u in updates)
    page = client.get(article.get_absolute_url()).content.decode()
    data = json_ld(page)
    assert data["@type"] == "LiveBlogPosting"
    assert len(data["liveBlogUpdate"]) == len(updates)
    assert any("image" in u for u in data["liveBlogUpdate"])
    assert 'class="live-badge">Live<' in client.get("/").content.decode()


def test_every_update_purges_the_articles_keys_at_the_edge(
    fastly, editor, client, django_capture_on_commit_callbacks
):
    article = live_article(editor)
    fastly.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        update = post(article, editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.edit_update(update, UpdateContent(body="<p>Calmer.</p>"), by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.delete_update(update, by=editor)
    purged = [
        {k.lower(): v for k, v in r["headers"].items()}["surrogate-key"].split(" ")
        for r in fastly.requests
    ]
    assert len(purged) == 3
    assert all(f"article:{article.pk}" in keys for keys in purged)
    fragment = client.get(poll_url(article, 0))
    assert f"article:{article.pk}" in fragment["Surrogate-Key"].split(" ")


def test_the_articles_feeds_carry_its_updates(client, editor):
    article = live_article(editor, tags=["Weather"])
    post(article, editor, "<p>Rain begins.</p>", headline="Rain")
    for url in [
        reverse("articles:feed"),
        reverse("articles:atom_feed"),
        reverse("articles:tag_feed", args=["weather"]),
        reverse("articles:section_feed", args=[article.section.slug]),
    ]:
        text = client.get(url).content.decode()
        assert "Rain begins." in text and "#update-" in text, url


def test_live_badge_in_related_stories(client, editor):
    running = live_article(editor, tags=["Weather", "Coast"])
    other = make_article(tags=["Weather", "Coast"])
    page = client.get(other.get_absolute_url()).content.decode()
    related = page.split('class="related"', 1)[1].split("</section>")[0]
    assert running.headline in related
    assert 'class="live-badge">Live<' in related


def test_fragment_and_feed_of_updates_cost_the_same_however_many_updates(
    client, editor
):
    article = live_article(editor)
    photo = make_photo(credit=make_credit(agency="AFP"))
    feed_url = reverse("articles:live_feed", args=[article.slug])

    def counts():
        with CaptureQueriesContext(connection) as fragment:
            client.get(poll_url(article, 0))
        with CaptureQueriesContext(connection) as feed:
            client.get(feed_url)
        return len(fragment), len(feed)

    post(article, editor, f'<p>One.</p><figure data-photo="{photo.pk}"></figure>')
    counts()  # the first request reads what later ones find kept
    few = counts()
    for n in range(8):
        figure = f'<figure data-photo="{photo.pk}"></figure>' if n % 2 else ""
        post(article, editor, f"<p>More {n}.</p>{figure}", authors=[make_author()])
    assert counts() == few
