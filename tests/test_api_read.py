from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.api.pagination import encode
from articles.models import Article
from tests.factories import (
    change_form_data,
    make_article,
    make_author,
    make_credit,
    make_rendered_photo,
    make_section,
    photo_bytes,
)

pytestmark = pytest.mark.django_db


def slugs(response):
    return [item["slug"] for item in response.json()["items"]]


def test_lists_only_live_articles_newest_first(client):
    now = timezone.now()
    make_article(slug="older", publish_at=now - timedelta(days=2))
    make_article(slug="newer", publish_at=now - timedelta(hours=1))
    make_article(slug="draft", status=Article.Status.DRAFT)
    make_article(slug="in-review", status=Article.Status.IN_REVIEW)
    make_article(slug="taken-back", status=Article.Status.UNPUBLISHED)
    make_article(slug="tomorrow", publish_at=now + timedelta(days=1))
    response = client.get("/api/v1/articles")
    assert response.status_code == 200
    assert slugs(response) == ["newer", "older"]
    for hidden in ("draft", "in-review", "taken-back", "tomorrow"):
        assert client.get(f"/api/v1/articles/{hidden}").status_code == 404


def test_article_detail_has_body_byline_tags_and_credited_hero(client):
    photo = make_rendered_photo(
        credit=make_credit(photographer="Feng Fei", agency="Imaginechina")
    )
    make_article(
        slug="robots",
        headline="Robots in Changsha",
        body="<p>First paragraph.</p>",
        hero_photo=photo,
        tags=["Changsha", "robots"],
        authors=[make_author(name="Mei Lin", slug="mei-lin")],
    )
    data = client.get("/api/v1/articles/robots").json()
    assert data["headline"] == "Robots in Changsha"
    assert data["body_html"] == "<p>First paragraph.</p>"
    assert data["authors"] == [{"slug": "mei-lin", "name": "Mei Lin"}]
    assert [tag["name"] for tag in data["tags"]] == ["Changsha", "robots"]
    assert data["url"].endswith("/robots/")
    hero = data["hero_photo"]
    assert hero["credit"]["line"] == "Photo: Feng Fei / Imaginechina"
    assert hero["credit"]["photographer"] == "Feng Fei"
    formats = {(r["format"], r["width"]) for r in hero["renditions"]}
    assert ("jpeg", 320) in formats and ("webp", 1200) in formats
    assert all("/renditions/" in r["url"] for r in hero["renditions"])
    assert hero["social_card"]["width"] == 1200


def test_filters_by_section_tag_author_and_updated_since(client):
    now = timezone.now()
    business = make_section(slug="business")
    mei = make_author(slug="mei")
    make_article(slug="a", section=business, publish_at=now - timedelta(days=3))
    make_article(slug="b", tags=["Japan"], authors=[mei], publish_at=now - timedelta(1))
    make_article(
        slug="c",
        section=business,
        publish_at=now - timedelta(days=10),
        updated_at=now - timedelta(hours=1),
    )
    assert slugs(client.get("/api/v1/articles?section=business")) == ["a", "c"]
    assert slugs(client.get("/api/v1/articles?tag=japan")) == ["b"]
    assert slugs(client.get("/api/v1/articles?author=mei")) == ["b"]
    since = (now - timedelta(days=2)).isoformat().replace("+00:00", "Z")
    assert slugs(client.get("/api/v1/articles", {"updated_since": since})) == [
        "b",
        "c",
    ]
    missing = client.get("/api/v1/articles?section=nowhere")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_cursor_pages_neither_skip_nor_repeat_while_articles_are_published(client):
    now = timezone.now()
    for n in range(7):
        make_article(slug=f"story-{n}", publish_at=now - timedelta(hours=n + 1))
    first = client.get("/api/v1/articles?limit=3").json()
    assert [a["slug"] for a in first["items"]] == ["story-0", "story-1", "story-2"]
    # Meanwhile two stories are published, one at the very instant of the last
    # item on the page, and one on the next page is unpublished.
    make_article(slug="breaking", publish_at=now)
    make_article(slug="same-instant", publish_at=now - timedelta(hours=3))
    Article.objects.filter(slug="story-4").update(status=Article.Status.UNPUBLISHED)
    seen = [a["slug"] for a in first["items"]]
    next_url = first["next"]
    while next_url:
        page = client.get(next_url).json()
        seen += [a["slug"] for a in page["items"]]
        next_url = page["next"]
    # Both new stories sort before the cursor, so they belong to page one: a
    # client refreshing from the top sees them; paging on never repeats a story.
    assert seen == [f"story-{n}" for n in (0, 1, 2, 3, 5, 6)]


def test_list_cost_does_not_grow_with_the_page(client, django_assert_num_queries):
    photo = make_rendered_photo(credit=make_credit(agency="AFP"))
    for _ in range(3):
        make_article(hero_photo=photo, tags=["a", "b"], authors=[make_author()])
    with django_assert_num_queries(3):
        assert len(client.get("/api/v1/articles").json()["items"]) == 3
    for _ in range(6):
        make_article(hero_photo=photo, tags=["a", "c"], authors=[make_author()])
    with django_assert_num_queries(3):
        assert len(client.get("/api/v1/articles").json()["items"]) == 9


def test_tags_and_photos_of_drafts_stay_private(client):
    secret = make_rendered_photo(credit=make_credit(agency="AFP"))
    make_article(
        slug="draft", status="draft", tags=["Secret merger"], hero_photo=secret
    )
    make_article(slug="live", tags=["Japan"])
    tags = [t["slug"] for t in client.get("/api/v1/tags").json()["items"]]
    assert tags == ["japan"]
    assert client.get("/api/v1/tags/secret-merger").status_code == 404
    assert client.get("/api/v1/photos").json()["items"] == []
    assert client.get(f"/api/v1/photos/{secret.pk}").status_code == 404


def test_sections_authors_and_photo_detail(client):
    make_section(name="Markets", slug="markets", position=0)
    make_author(name="Mei Lin", slug="mei-lin", bio="Covers Hunan.")
    photo = make_rendered_photo(credit=make_credit(agency="AFP"))
    make_article(hero_photo=photo)
    sections = client.get("/api/v1/sections").json()
    assert sections[0]["slug"] == "markets"
    assert client.get("/api/v1/sections/markets").json()["name"] == "Markets"
    author = client.get("/api/v1/authors/mei-lin").json()
    assert author["bio"] == "Covers Hunan." and author["url"].endswith("/mei-lin/")
    assert client.get(f"/api/v1/photos/{photo.pk}").json()["credit"]["agency"] == "AFP"
    assert [p["id"] for p in client.get("/api/v1/photos").json()["items"]] == [photo.pk]


def test_bad_input_gets_one_error_shape_never_a_500(client):
    make_article()
    bad = {
        "/api/v1/articles?cursor=not-a-cursor": 400,
        f"/api/v1/articles?cursor={encode('2026-01-01', 2**70)}": 400,
        "/api/v1/articles?limit=0": 422,
        "/api/v1/articles?limit=abc": 422,
        "/api/v1/articles?updated_since=2026-01-01T00:00:00": 422,
        "/api/v1/articles?updated_since=9999-12-31T23:59:59-14:00": 422,
        "/api/v1/articles?updated_since=0.5": 422,
        "/api/v1/articles?section=%00": 422,
        f"/api/v1/photos/{2**70}": 422,
        "/api/v1/articles/no-such-story": 404,
    }
    for url, status in bad.items():
        response = client.get(url)
        assert response.status_code == status, url
        error = response.json()["error"]
        assert error["code"] and error["message"], url


def test_conditional_get_answers_304(client):
    make_article(slug="story")
    first = client.get("/api/v1/articles/story")
    again = client.get("/api/v1/articles/story", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_schema_is_openapi_31_with_browsable_docs(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/articles/{slug}" in schema["paths"]
    assert "Error" in schema["components"]["schemas"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"openapi.json" in docs.content


def test_photos_placed_in_live_bodies_are_readable_and_listed_with_them(client):
    inline = make_rendered_photo(credit=make_credit(agency="AFP"))
    hidden = make_rendered_photo(
        photo_bytes(width=900, height=600), credit=make_credit(agency="Reuters")
    )
    make_article(
        slug="live", body=f'<p>x</p><figure data-photo="{inline.pk}"></figure>'
    )
    make_article(
        slug="draft",
        status="draft",
        body=f'<figure data-photo="{hidden.pk}"></figure>',
    )
    detail = client.get("/api/v1/articles/live").json()
    assert [p["id"] for p in detail["body_photos"]] == [inline.pk]
    assert client.get(f"/api/v1/photos/{inline.pk}").status_code == 200
    assert client.get(f"/api/v1/photos/{hidden.pk}").status_code == 404


def test_a_photo_placed_in_a_body_saved_through_the_admin_is_readable(
    client, admin_client, admin_user
):
    photo = make_rendered_photo(
        caption="Robots at work", credit=make_credit(agency="AFP")
    )
    article = make_article(
        status=Article.Status.IN_REVIEW, publish_at=None, tags=["AI"]
    )
    # The body editor places a photo as a bare figure; the sanitiser stores it
    # with this use's caption and alt text.
    response = admin_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        change_form_data(
            article, body=f'<p>Text.</p><figure data-photo="{photo.pk}"></figure>'
        ),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert 'data-caption="Robots at work"' in article.body
    workflow.publish(article, by=admin_user)
    answer = client.get(f"/api/v1/photos/{photo.pk}")
    assert answer.status_code == 200
    assert answer.json()["credit"]["agency"] == "AFP"


def test_embargoed_and_taken_down_articles_are_absent(client):
    now = timezone.now()
    make_article(slug="embargoed", embargo_until=now + timedelta(hours=2))
    make_article(slug="gone", status=Article.Status.TAKEN_DOWN)
    make_article(slug="visible")
    assert slugs(client.get("/api/v1/articles")) == ["visible"]
    assert client.get("/api/v1/articles/embargoed").status_code == 404
    assert client.get("/api/v1/articles/gone").status_code == 404


def test_corrections_come_with_the_article_and_count_as_changes(client):
    from articles.models import Correction

    now = timezone.now()
    story = make_article(slug="corrected", publish_at=now - timedelta(days=9))
    Correction.objects.create(article=story, text="It was Tuesday.", published_at=now)
    Article.objects.filter(pk=story.pk).update(corrected_at=now)
    data = client.get("/api/v1/articles/corrected").json()
    assert data["corrections"][0]["text"] == "It was Tuesday."
    since = (now - timedelta(hours=1)).isoformat()
    assert slugs(client.get("/api/v1/articles", {"updated_since": since})) == [
        "corrected"
    ]
