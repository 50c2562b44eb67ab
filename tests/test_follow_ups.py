"""Follow-ups: a story that continues an earlier one, linked both ways for
readers, in order along a chain, and only once live."""

import io
import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.edge import keys
from articles.models import ApiToken, Article
from articles.workflow import ArticleContent
from tests.factories import change_form_data, make_article
from tests.receiver import Receiver

pytestmark = pytest.mark.django_db
Status = Article.Status


def page(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def json_ld(html: str) -> dict:
    (found,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)
    return json.loads(found)


def related_headlines(html: str) -> list[str]:
    related = html.split('id="related-heading"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<a href="[^"]*">([^<]*)</a>', related)


@pytest.fixture
def pair():
    now = timezone.now()
    older = make_article(
        headline="Port strike begins",
        slug="port-strike-begins",
        publish_at=now - timedelta(days=2),
        tags=["strikes"],
    )
    newer = make_article(
        headline="Port strike ends after two days",
        slug="port-strike-ends",
        publish_at=now - timedelta(hours=1),
        follows=older,
    )
    return older, newer


def test_both_pages_link_to_each_other(client, pair):
    older, newer = pair
    on_older = page(client, older)
    assert re.search(
        rf'<strong>Latest:</strong> <a href="{newer.get_absolute_url()}">'
        r"Port strike ends after two days</a>",
        on_older,
    )
    assert "Earlier:" not in on_older
    on_newer = page(client, newer)
    assert re.search(
        rf'<strong>Earlier:</strong> <a href="{older.get_absolute_url()}">'
        r"Port strike begins</a>",
        on_newer,
    )
    assert "Latest:" not in on_newer


def test_the_older_story_points_to_the_newer_in_json_ld_and_related(client, pair):
    older, newer = pair
    make_article(headline="Dockers vote", tags=["strikes"])
    html = page(client, older)
    data = json_ld(html)
    assert data["mainEntityOfPage"]["relatedLink"] == [
        "http://testserver" + newer.get_absolute_url()
    ]
    assert related_headlines(html)[0] == "Port strike ends after two days"
    assert "Dockers vote" in related_headlines(html)
    newer_data = json_ld(page(client, newer))
    assert newer_data["mainEntityOfPage"]["relatedLink"] == [
        "http://testserver" + older.get_absolute_url()
    ]


def test_a_chain_reads_in_order_on_every_page(client, pair):
    older, middle = pair
    latest = make_article(
        headline="Ships leave the port at last",
        slug="ships-leave",
        publish_at=timezone.now() - timedelta(minutes=5),
        follows=middle,
    )
    for article in (older, middle, latest):
        html = page(client, article)
        thread = html.split('class="follow-ups__thread"', 1)[1].split("</ol>", 1)[0]
        assert [h for h in re.findall(r">([^<>]+)</(?:a|span)>", thread)] == [
            "Port strike begins",
            "Port strike ends after two days",
            "Ships leave the port at last",
        ]
    on_older = page(client, older)
    assert '<strong>Latest:</strong> <a href="/' in on_older
    assert "Ships leave the port at last</a>" in on_older.split("Earlier:")[0]
    on_latest = page(client, latest)
    assert re.search(
        r"Earlier:</strong> <a [^>]*>Port strike ends after two", on_latest
    )


def test_only_live_stories_are_linked_for_readers(client, pair):
    older, _ = pair
    draft = make_article(
        headline="Secret draft follow-up", status=Status.DRAFT, follows=older
    )
    scheduled = make_article(
        headline="Tomorrow's follow-up",
        status=Status.SCHEDULED,
        publish_at=timezone.now() + timedelta(days=1),
        follows=older,
    )
    html = page(client, older)
    assert draft.headline not in html and "Tomorrow" not in html
    assert draft.get_absolute_url() not in html
    assert scheduled.get_absolute_url() not in html


def test_the_older_page_changes_when_a_follow_up_goes_live(
    client, page_cache, editor, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_PURGER = "varnish"
    older = make_article(headline="Port strike begins")
    newer = make_article(
        headline="Port strike ends",
        status=Status.IN_REVIEW,
        publish_at=None,
        tags=["strikes"],
        follows=older,
    )
    first = client.get(older.get_absolute_url())
    assert "Latest:" not in first.content.decode()
    assert client.get(older.get_absolute_url())["X-Page-Cache"] == "hit"
    # The edge drops the older page when the follow-up changes.
    assert keys.article(older.pk) in keys.for_article_change(newer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(newer, by=editor)
    again = client.get(older.get_absolute_url())
    assert "<strong>Latest:</strong>" in again.content.decode()
    assert "Port strike ends</a>" in again.content.decode()
    # Its page names the follow-up, so any change to it purges the older page.
    assert keys.article(newer.pk) in again["Surrogate-Key"].split()


def test_following_is_set_through_the_workflow_and_refused_when_it_cannot_be(
    pair, editor
):
    older, newer = pair
    other = make_article(headline="Unrelated story", tags=["ports"])
    content = ArticleContent.of(other)
    content.follows = newer.pk
    workflow.edit(other, content, by=editor)
    other.refresh_from_db()
    assert other.follows is None  # a live story's edit waits, as any other
    workflow.publish_changes(other, by=editor, note="Follows the strike's end")
    other.refresh_from_db()
    assert other.follows == newer
    # Its history records it like any change.
    assert "Follows" in ArticleContent.of(older).differences(ArticleContent.of(other))
    for follows, message in [
        (other.pk, "Follows: an article cannot follow itself."),
        (None, None),
    ]:
        content = ArticleContent.of(other)
        content.follows = follows
        if message:
            with pytest.raises(ValidationError, match=message):
                workflow.check_edit(other, content, by=editor)
    loop = ArticleContent.of(older)
    loop.follows = other.pk
    with pytest.raises(ValidationError, match="cannot loop"):
        workflow.check_edit(older, loop, by=editor)
    missing = ArticleContent.of(older)
    missing.follows = 999_999
    with pytest.raises(ValidationError, match="no article has the id 999999"):
        workflow.check_edit(older, missing, by=editor)
    older.refresh_from_db()
    assert older.follows is None


def test_editors_set_it_in_the_admin(client, editor, pair):
    older, _ = pair
    draft = make_article(headline="A follow-up draft", status=Status.DRAFT)
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[draft.pk])
    form = client.get(url).content.decode()
    assert 'name="follows"' in form
    response = client.post(url, change_form_data(draft, follows=older.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.follows == older
    refused = client.post(url, change_form_data(draft, follows=draft.pk))
    assert refused.status_code == 200
    assert "Follows: an article cannot follow itself." in refused.content.decode()


def test_a_page_outside_any_thread_reads_nothing_more(client, pair):
    older, _ = pair
    alone = make_article(headline="Standalone", tags=["strikes"])
    client.get(alone.get_absolute_url())
    client.get(older.get_absolute_url())
    with CaptureQueriesContext(connection) as alone_queries:
        client.get(alone.get_absolute_url())
    with CaptureQueriesContext(connection) as paired:
        client.get(older.get_absolute_url())
    # Whether anything follows a story is read with it: a story in no thread
    # walks none; one in a pair walks along it (its follow-ups, theirs) and
    # reads the live ones.
    walks = [q["sql"] for q in alone_queries if '"follows_id" IN' in q["sql"]]
    assert walks == []
    assert len(paired) == len(alone_queries) + 3


# --- The interchange format -------------------------------------------------------


def story_data(slug, **over):
    return {
        "slug": slug,
        "headline": f"Headline for {slug}",
        "standfirst": "The port's dockers walked out over pay.",
        "section": "Business",
        "authors": ["Mei Lin"],
        "published_at": "2026-03-26T08:30:00+00:00",
        "status": "published",
        "body_html": "<p>Text.</p>",
        "tags": ["strikes"],
        **over,
    }


def test_export_then_import_reproduces_follow_ups(write_file, tmp_path):
    # The follow-up comes before its story in the file, and a chain of three.
    source = write_file(
        [
            story_data("strike-ends", follows="strike-begins"),
            story_data("strike-begins"),
            story_data("ships-leave", follows="strike-ends"),
        ]
    )
    call_command("import_articles", str(source))
    assert Article.objects.get(slug="strike-ends").follows.slug == "strike-begins"
    links = set(Article.objects.values_list("slug", "follows__slug"))
    call_command("import_articles", str(source))  # again: the same links
    assert set(Article.objects.values_list("slug", "follows__slug")) == links
    first = tmp_path / "one" / "export.json"
    call_command("export_articles", str(first))
    exported = {a["slug"]: a for a in json.loads(first.read_text())["articles"]}
    assert exported["strike-ends"]["follows"] == "strike-begins"
    assert exported["ships-leave"]["follows"] == "strike-ends"
    assert "follows" not in exported["strike-begins"]
    Article.objects.all().delete()
    call_command("import_articles", str(first))
    second = tmp_path / "two" / "export.json"
    call_command("export_articles", str(second))
    assert first.read_text() == second.read_text()


@pytest.mark.parametrize(
    ("articles", "message"),
    [
        (
            [story_data("a", follows="a")],
            "article 1 ('a'): field 'follows': an article cannot follow itself",
        ),
        (
            [story_data("a"), story_data("b", follows="nowhere")],
            "article 2 ('b'): field 'follows': no article with slug 'nowhere' "
            "in the file or the database",
        ),
        (
            [story_data("a", follows="b"), story_data("b", follows="a")],
            "article 1 ('a'): field 'follows': 'b' follows this article already",
        ),
    ],
)
def test_a_bad_follows_is_refused_naming_the_article_and_nothing_is_written(
    write_file, articles, message
):
    make_article(slug="existing", headline="Existing story")
    before = list(Article.objects.values_list("slug", "version"))
    with pytest.raises(CommandError) as refused:
        call_command("import_articles", str(write_file(articles)))
    assert message in str(refused.value)
    assert list(Article.objects.values_list("slug", "version")) == before


def test_a_loop_through_the_database_is_refused_too(write_file):
    older = make_article(slug="older")
    make_article(slug="newer", follows=older)
    path = write_file([story_data("older", follows="newer")])
    with pytest.raises(CommandError, match=r"article 1 \('older'\): field 'follows'"):
        call_command("import_articles", str(path))
    assert Article.objects.get(slug="older").follows is None


def test_the_demo_site_shows_a_follow_up_pair(client):
    call_command("load_demo", stdout=io.StringIO())
    older = Article.objects.get(slug="meixi-motion-hong-kong-listing")
    newer = Article.objects.get(follows=older)
    assert newer.is_live() and older.is_live()
    assert f'Latest:</strong> <a href="{newer.get_absolute_url()}">' in page(
        client, older
    )
    assert f'Earlier:</strong> <a href="{older.get_absolute_url()}">' in page(
        client, newer
    )


def test_restoring_a_revision_brings_back_what_it_followed(editor, pair):
    older, _ = pair
    draft = make_article(headline="A draft", status=Status.DRAFT, follows=older)
    following = Version.objects.get_for_object(draft).first()
    content = ArticleContent.of(draft)
    content.follows = None
    workflow.edit(draft, content, by=editor)
    draft.refresh_from_db()
    assert draft.follows is None
    workflow.restore(draft, following, by=editor, version=draft.version)
    draft.refresh_from_db()
    assert draft.follows == older


def test_the_write_api_sets_what_a_draft_follows(client, editor, pair):
    older, newer = pair
    token = ApiToken.issue(editor, name="Desk tool")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    created = client.post(
        "/api/v1/drafts",
        {"headline": "Dockers return", "section": older.section.slug},
        content_type="application/json",
        **auth,
    ).json()
    assert created["follows"] is None
    changed = client.patch(
        f"/api/v1/drafts/{created['id']}",
        {"version": created["version"], "follows": newer.slug},
        content_type="application/json",
        **auth,
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["follows"] == newer.slug
    assert Article.objects.get(pk=created["id"]).follows == newer
    looping = client.patch(
        f"/api/v1/drafts/{created['id']}",
        {"version": changed.json()["version"], "follows": created["slug"]},
        content_type="application/json",
        **auth,
    )
    assert looping.status_code == 422
    assert (
        "Follows: an article cannot follow itself."
        in looping.json()["error"]["message"]
    )


@pytest.fixture
def fastly(settings):
    with Receiver() as api:
        settings.NEWSROOM_PURGER = "fastly"
        settings.NEWSROOM_FASTLY_API_URL = api.url.removesuffix("/hooks/")
        settings.NEWSROOM_FASTLY_SERVICE_ID = "SU1Z0isxPaozGVKXdv0eY"
        settings.NEWSROOM_FASTLY_API_TOKEN = "fastly-token"
        yield api


def test_a_follow_up_going_live_purges_the_older_page_at_the_edge(
    fastly, editor, django_capture_on_commit_callbacks
):
    older = make_article(headline="Port strike begins")
    newer = make_article(
        headline="Port strike ends",
        status=Status.IN_REVIEW,
        publish_at=None,
        tags=["strikes"],
        follows=older,
    )
    fastly.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(newer, by=editor)
    (request,) = fastly.requests
    headers = {name.lower(): value for name, value in request["headers"].items()}
    purged = set(headers["surrogate-key"].split(" "))
    assert {f"article:{newer.pk}", f"article:{older.pk}"} <= purged
