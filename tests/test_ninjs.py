"""Articles handed on as IPTC ninjs: every document validates against the IPTC's
published schemas, says what the page says, and reaches no one before readers."""

import json
from datetime import UTC, date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker

from articles import workflow
from articles.interchange import import_articles
from articles.models import ApiToken, Article
from articles.models.api_tokens import Scope
from tests.factories import (
    make_article,
    make_author,
    make_credit,
    make_photo,
    make_rendered_photo,
    make_role_user,
    make_section,
    photo_bytes,
)

pytestmark = pytest.mark.django_db
Status = Article.Status

SCHEMAS = Path(__file__).parent / "schemas" / "ninjs"
DEMO_FILE = Path(settings.BASE_DIR) / "demo" / "articles.json"


def _validator(version: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"ninjs-schema_{version}.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


VALIDATORS = {version: _validator(version) for version in ("3.1", "2.2")}


def assert_valid(document: dict, version: str) -> None:
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in VALIDATORS[version].iter_errors(document)
    ]
    assert not errors, errors


def ninjs(client, slug: str, version: str | None = None) -> dict:
    query = f"?version={version}" if version else ""
    response = client.get(f"/api/v1/ninjs/{slug}{query}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def feed_token(user=None) -> str:
    user = user or make_role_user("Writer")
    return ApiToken.issue(user, name="Partner feed", scopes=[Scope.SYNDICATE])[1]


def feed(client, token: str, query: str = ""):
    return client.get(f"/api/v1/ninjs{query}", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def photographed():
    """A story with a credited, licensed hero and two photos in its body."""
    hero = make_rendered_photo(
        photo_bytes(1200, 800),
        alt_text="Gantry cranes at dusk",
        caption="Cranes at Yangshan",
        credit=make_credit(
            photographer="Feng Fei", agency="Imaginechina", distributor="AFP"
        ),
        licence_terms="Editorial use only; no archiving.",
        licence_expires_on=date.today() + timedelta(days=30),
    )
    inline = make_rendered_photo(
        photo_bytes(900, 600, artist="Ana Ruiz"),
        alt_text="A welder",
        caption="Library caption",
        credit=make_credit(photographer="Ana Ruiz"),
        copyright_holder="Harbour Times",
    )
    return make_article(
        slug="cranes",
        headline="Cranes arrive at the port",
        standfirst="Eight new cranes double the terminal's capacity.",
        body=(
            "<p>The cranes <strong>arrived</strong> on Monday.</p>"
            f'<figure data-photo="{inline.pk}" data-caption="A welder at work" '
            'data-alt="A welder on a crane boom"></figure>'
            '<p>See <a href="/business/">business</a>.</p>'
        ),
        hero_photo=hero,
        hero_caption="The cranes come ashore",
        section=make_section(name="Business", slug="business"),
        authors=[
            make_author(name="Mei Lin", slug="mei-lin"),
            make_author(name="Tom Ruiz", slug="tom-ruiz"),
        ],
        tags=["Ports", "Shanghai"],
    )


def test_an_article_says_in_ninjs_what_its_page_says(client, photographed):
    item = ninjs(client, "cranes")
    assert_valid(item, "3.1")
    # Named for good, as its feed entries name it; its page is an altId.
    assert item["uri"] == (
        f"tag:testserver,{photographed.publish_at:%Y-%m-%d}:article-{photographed.pk}"
    )
    assert f'<guid isPermaLink="false">{item["uri"]}</guid>' in (
        client.get("/feeds/").content.decode()
    )
    assert {"role": "url", "value": "http://testserver/business/cranes/"} in item[
        "altIds"
    ]
    assert item["type"] == "text" and item["pubStatus"] == "usable"
    assert item["standard"]["version"] == "3.1"
    assert item["language"] == "en-US"
    assert item["headlines"] == [
        {
            "role": "main",
            "contentType": "text/plain",
            "value": "Cranes arrive at the port",
        },
        {
            "role": "subheadline",
            "contentType": "text/plain",
            "value": "Eight new cranes double the terminal's capacity.",
        },
    ]
    (body,) = item["bodies"]
    assert body["contentType"] == "text/html"
    assert "<strong>arrived</strong>" in body["value"]
    # Every address a partner receives is whole: links and the body's photos.
    assert 'href="http://testserver/business/"' in body["value"]
    assert 'src="http://testserver/media/renditions/' in body["value"]
    assert ' src="/' not in body["value"] and 'srcset="/' not in body["value"]
    assert "A welder at work" in body["value"]
    assert item["by"] == "Mei Lin and Tom Ruiz"
    assert [(p["name"], p["rel"]) for p in item["people"]] == [
        ("Mei Lin", "author"),
        ("Tom Ruiz", "author"),
    ]
    assert [(s["rel"], s["name"]) for s in item["subjects"]] == [
        ("section", "Business"),
        ("tag", "Ports"),
        ("tag", "Shanghai"),
    ]
    assert item["firstCreated"] == photographed.publish_at.isoformat()
    assert "embargoedUntil" not in item


def test_photos_carry_renditions_credit_parts_and_licence(client, photographed):
    hero, inline = ninjs(client, "cranes")["associations"]
    assert (hero["name"], hero["rel"], hero["type"]) == ("hero", "hero", "picture")
    assert hero["by"] == "Feng Fei"
    assert hero["infoSources"] == [
        {"name": "Feng Fei", "role": "photographer"},
        {"name": "Imaginechina", "role": "agency"},
        {"name": "AFP", "role": "distributor"},
        {"name": "Photo: Feng Fei / Imaginechina via AFP", "role": "credit-line"},
    ]
    assert hero["copyrightHolder"] == "Imaginechina"
    assert hero["usageTerms"] == "Editorial use only; no archiving."
    expires = hero["expires"]
    assert expires.startswith((date.today() + timedelta(days=31)).isoformat())
    assert {
        "role": "caption",
        "contentType": "text/plain",
        "value": "The cranes come ashore",
    } in hero["descriptions"]
    formats = {r["contentType"] for r in hero["renditions"]}
    assert formats == {"image/jpeg", "image/webp"}
    assert all(
        r["href"].startswith("http://testserver/media/renditions/")
        for r in hero["renditions"]
    )
    # The body's photo as placed there: its own caption and alt text.
    assert inline["rel"] == "inline" and inline["copyrightHolder"] == "Harbour Times"
    assert [d["value"] for d in inline["descriptions"]] == [
        "A welder at work",
        "A welder on a crane boom",
    ]


def test_version_2_2_says_the_same_in_its_own_names(client, photographed):
    item = ninjs(client, "cranes", "2.2")
    assert_valid(item, "2.2")
    assert item["standard"]["version"] == "2.2"
    assert item["pubstatus"] == "usable"
    assert item["headlines"][0]["value"] == "Cranes arrive at the port"
    assert item["associations"][0]["infosources"][0]["name"] == "Feng Fei"
    assert "rel" not in item["associations"][0]


def test_an_unknown_version_is_refused_in_the_api_error_shape(client, photographed):
    response = client.get("/api/v1/ninjs/cranes?version=1.1")
    assert response.status_code == 422
    assert "version" in response.json()["error"]["fields"]


def test_corrections_are_carried_and_a_withdrawn_one_is_marked(
    client, editor, photographed
):
    wrong = workflow.add_correction(
        photographed, "There are six cranes, not eight.", by=editor
    )
    workflow.add_correction(
        photographed,
        "The terminal is Yangshan Phase 4.",
        by=editor,
        kind="clarification",
    )
    workflow.withdraw_correction(wrong, by=editor, reason="There were eight after all.")
    item = ninjs(client, "cranes")
    assert_valid(item, "3.1")
    roles = {d["role"]: d["value"] for d in item["descriptions"]}
    assert "Yangshan Phase 4" in roles["clarification"]
    assert "six cranes" in roles["correction-withdrawn"]
    assert "There were eight after all." in roles["correction-withdrawn"]
    assert_valid(ninjs(client, "cranes", "2.2"), "2.2")


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.UNPUBLISHED])
def test_what_readers_cannot_see_is_not_there(client, status):
    make_article(slug="hidden", status=status)
    response = client.get("/api/v1/ninjs/hidden")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_scheduled_story_is_absent_until_its_time(client):
    at = timezone.now() + timedelta(hours=3)
    make_article(slug="later", status=Status.SCHEDULED, publish_at=at)
    token = feed_token()
    assert client.get("/api/v1/ninjs/later").status_code == 404
    assert feed(client, token).json()["items"] == []
    with time_machine.travel(at + timedelta(seconds=1)):
        assert ninjs(client, "later")["pubStatus"] == "usable"


def test_an_embargoed_story_yields_nothing_before_its_time(client, editor):
    article = make_article(slug="embargoed", headline="Rates cut by half a point")
    until = timezone.now() + timedelta(hours=2)
    workflow.set_embargo(article, until, by=editor)
    token = feed_token()
    assert client.get("/api/v1/ninjs/embargoed").status_code == 404
    assert client.get("/api/v1/ninjs/embargoed?version=2.2").status_code == 404
    listed = feed(client, token)
    assert listed.status_code == 200
    assert "Rates cut" not in listed.content.decode()
    with time_machine.travel(until + timedelta(minutes=1)):
        item = ninjs(client, "embargoed")
        assert_valid(item, "3.1")
        assert item["embargoedUntil"] == until.astimezone(UTC).isoformat()
        old = ninjs(client, "embargoed", "2.2")
        assert_valid(old, "2.2")
        assert old["embargoed"] == item["embargoedUntil"]
        assert [
            i["headlines"][0]["value"] for i in feed(client, token).json()["items"]
        ] == ["Rates cut by half a point"]


def test_a_taken_down_story_is_marked_withdrawn_not_gone(client, photographed):
    managing = make_role_user("Managing editor")
    workflow.take_down(photographed, by=managing, reason="Court order.")
    for version in ("3.1", "2.2"):
        item = ninjs(client, "cranes", version)
        assert_valid(item, version)
    item = ninjs(client, "cranes")
    assert item["pubStatus"] == "canceled"
    assert item["uri"].endswith(f":article-{photographed.pk}")
    text = json.dumps(item)
    # Nothing of what it said, nor the reason.
    for said in (
        "Cranes arrive",
        "Eight new cranes",
        "arrived",
        "renditions",
        "Court order",
    ):
        assert said not in text
    listed = feed(client, feed_token()).json()["items"]
    assert [i["pubStatus"] for i in listed] == ["canceled"]


def test_the_feed_needs_a_token_with_the_syndicate_scope(client, photographed):
    assert client.get("/api/v1/ninjs").status_code == 401
    writer = make_role_user("Writer")
    _, reading_only = ApiToken.issue(writer, name="Drafts", scopes=[Scope.READ])
    refused = feed(client, reading_only)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "insufficient_scope"
    assert feed(client, feed_token(writer)).status_code == 200


def test_the_feed_lists_the_latest_newest_first_in_pages(client):
    now = timezone.now()
    for hours in (5, 1, 3):
        make_article(slug=f"story-{hours}", publish_at=now - timedelta(hours=hours))
    make_article(slug="draft", status=Status.DRAFT)
    token = feed_token()
    since = (now - timedelta(hours=2)).astimezone(UTC)
    first = feed(client, token, "?limit=2").json()
    assert [i["altIds"][1]["value"] for i in first["items"]] == ["story-1", "story-3"]
    for item in first["items"]:
        assert_valid(item, "3.1")
    second = client.get(first["next"], HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [i["altIds"][1]["value"] for i in second["items"]] == ["story-5"]
    assert second["next"] is None
    older = feed(
        client,
        token,
        f"?version=2.2&updated_since={since:%Y-%m-%dT%H:%M:%SZ}",
    ).json()
    assert [i["altids"][1]["value"] for i in older["items"]] == ["story-1"]
    assert_valid(older["items"][0], "2.2")
    response = feed(client, token)
    assert "private" in response["Cache-Control"]


def test_queries_do_not_grow_with_the_feed(client, photographed):
    token = feed_token()
    assert feed(client, token).status_code == 200  # notes the token's use
    with CaptureQueriesContext(connection) as one:
        assert feed(client, token).status_code == 200
    for n in range(5):
        photo = make_photo()
        make_article(
            body=f'<p>x</p><figure data-photo="{photo.pk}"></figure>',
            hero_photo=photo,
            tags=[f"tag {n}"],
        )
    with CaptureQueriesContext(connection) as six:
        assert len(feed(client, token).json()["items"]) == 6
    assert len(six) == len(one)
    with CaptureQueriesContext(connection) as single:
        ninjs(client, "cranes")
    # The article with its section, hero and credit; bylines; tags;
    # corrections; live updates; the body's photos.
    assert len(single) == 6


def test_every_kind_of_demo_and_test_article_validates(client, editor, photographed):
    """The demo site's stories, and each kind the tests make: photographed,
    corrected, once embargoed, taken down; in both versions."""
    import_articles(DEMO_FILE)
    plain = make_article(slug="plain", standfirst="", tags=(), authors=[])
    workflow.add_correction(plain, "A name was misspelt.", by=editor)
    until = timezone.now() + timedelta(minutes=5)
    workflow.set_embargo(make_article(slug="held"), until, by=editor)
    make_article(slug="gone", status=Status.TAKEN_DOWN)
    make_article(
        slug="expired",
        hero_photo=make_rendered_photo(
            photo_bytes(600, 400, artist="Expired"),
            licence_expires_on=date.today() - timedelta(days=1),
        ),
    )
    token = feed_token()
    with time_machine.travel(until + timedelta(seconds=1)):
        slugs = list(Article.objects.values_list("slug", flat=True))
        served = 0
        for version in ("3.1", "2.2"):
            items = feed(client, token, f"?limit=100&version={version}").json()["items"]
            assert (
                len(items)
                == Article.objects.live().count()
                + Article.objects.filter(status=Status.TAKEN_DOWN).count()
            )
            for item in items:
                assert_valid(item, version)
            for slug in slugs:
                response = client.get(f"/api/v1/ninjs/{slug}?version={version}")
                if response.status_code == 200:
                    assert_valid(response.json(), version)
                    served += 1
        assert served >= 2 * 5


def test_live_coverage_carries_its_updates_newest_first(client, editor):
    story = make_article(slug="storm", headline="Storm nears the coast")
    workflow.start_coverage(story, by=editor)
    posted = []
    for n, key_event in enumerate((False, True, False)):
        content = workflow.UpdateContent(
            body=f"<p>Update number {n}.</p>",
            headline=f"Hour {n}" if n else "",
            is_key_event=key_event,
        )
        posted.append(workflow.post_update(story, content, by=editor))
    for version in ("3.1", "2.2"):
        document = ninjs(client, "storm", version)
        assert_valid(document, version)
    document = ninjs(client, "storm")
    updates = [a for a in document["associations"] if a["name"].startswith("update-")]
    assert [a["name"] for a in updates] == [f"update-{u.pk}" for u in posted[::-1]]
    assert updates[0]["uri"].endswith(f"/storm/#update-{posted[-1].pk}")
    assert "Update number 2." in updates[0]["bodies"][0]["value"]
    assert updates[1]["headlines"] == [{"role": "main", "value": "Hour 1"}]
    assert updates[1]["descriptions"][0]["role"] == "key-event"
    coverage = [d for d in document["descriptions"] if d["role"] == "live-coverage"]
    assert coverage[0]["value"].startswith("Live coverage from ")
