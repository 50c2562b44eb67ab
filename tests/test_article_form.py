"""The article form in the admin: the body editor, photos from the library, slugs."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article
from tests.factories import (
    change_form_data,
    make_article,
    make_credit,
    make_photo,
    make_role_user,
    make_section,
    make_user,
)

Status = Article.Status
pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def add_form_data(section, **changes):
    return {
        "headline": "Robots reach the Xiang River",
        "slug": "",
        "section": section.pk,
        "standfirst": "",
        "body": "<p>Text.</p>",
        "hero_photo": "",
        "seo_title": "",
        "seo_description": "",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "related_links-TOTAL_FORMS": "0",
        "related_links-INITIAL_FORMS": "0",
        **changes,
    }


def test_form_offers_the_body_editor_and_writing_aids(admin_client):
    html = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "data-django-prose-editor-configurable" in html
    assert "articles/admin/photo-embed.js" in html
    assert "articles/admin/article-form.js" in html
    guides = {
        name: re.search(r'data-count-guide="(\d+)"', tag)[1]
        for tag in re.findall(r"<(?:input|textarea)\b[^>]*>", html)
        if "data-count-guide" in tag
        for name in re.findall(r'name="(\w+)"', tag)
    }
    assert guides == {
        "headline": "60",
        "standfirst": "155",
        "seo_title": "60",
        "seo_description": "155",
    }
    assert "Search results show about 60 characters" in html
    assert "follows the headline until the article is first published" in html


def test_new_article_without_a_slug_takes_it_from_the_headline(admin_client):
    response = admin_client.post(
        reverse("admin:articles_article_add"), add_form_data(make_section())
    )
    assert response.status_code == 302
    assert Article.objects.get().slug == "robots-reach-the-xiang-river"


def test_slug_taken_from_the_headline_must_still_be_unique(admin_client):
    make_article(slug="robots-reach-the-xiang-river")
    response = admin_client.post(
        reverse("admin:articles_article_add"), add_form_data(make_section())
    )
    assert response.status_code == 200
    assert "Article with this Slug already exists." in response.content.decode()
    assert Article.objects.count() == 1


def test_draft_slug_follows_a_changed_headline_when_left_empty(admin_client):
    article = make_article(status=Status.DRAFT, publish_at=None, slug="first-title")
    assert article.first_published_at is None
    html = admin_client.get(change_url(article)).content.decode()
    assert "data-slug-locked" not in html
    admin_client.post(
        change_url(article), change_form_data(article, headline="Better title", slug="")
    )
    article.refresh_from_db()
    assert article.slug == "better-title"


def test_slug_of_a_once_published_article_stays_when_the_headline_changes(
    admin_client,
):
    article = make_article(
        status=Status.UNPUBLISHED,
        slug="first-title",
        first_published_at=timezone.now() - timedelta(days=2),
    )
    html = admin_client.get(change_url(article)).content.decode()
    assert 'data-slug-locked="true"' in html
    assert "no longer follows the headline" in html
    response = admin_client.post(
        change_url(article), change_form_data(article, headline="Better title", slug="")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.slug) == ("Better title", "first-title")


def test_photo_embed_round_trip_keeps_only_the_reference(admin_client):
    photo = make_photo(
        caption="A robot line.", credit=make_credit(photographer="Feng Fei")
    )
    article = make_article(status=Status.DRAFT, publish_at=None)
    sent = (
        "<p>Before <strong>bold</strong>.</p>"
        f'<figure data-photo="{photo.pk}" onclick="steal()">'
        '<img src="https://evil.example/x.png" onerror="steal()">'
        "<figcaption>Photo: someone else</figcaption><script>steal()</script>"
        "</figure><p>After.</p>"
    )
    response = admin_client.post(
        change_url(article), change_form_data(article, body=sent)
    )
    assert response.status_code == 302
    article.refresh_from_db()
    # Placed without text of its own, the photo keeps the library's as the story's.
    figure = (
        f'<figure data-photo="{photo.pk}" data-caption="A robot line." '
        f'data-alt="{photo.alt_text}"></figure>'
    )
    assert article.body == (
        f"<p>Before <strong>bold</strong>.</p>{figure}<p>After.</p>"
    )
    # The editor gets the reference back as it was stored...
    form = admin_client.get(change_url(article)).content.decode()
    assert escape(figure) in form
    # ...and the preview shows the library's photo, caption and credit, not the
    # ones that were sent.
    preview = admin_client.get(
        reverse("admin:articles_article_preview", args=[article.pk])
    ).content.decode()
    assert 'srcset="/media/renditions/' in preview
    assert photo.image.name not in preview
    assert "A robot line." in preview and "Photo: Feng Fei." in preview
    assert "someone else" not in preview and "evil.example" not in preview
    assert "steal()" not in preview


def test_body_with_a_photo_missing_from_the_library_is_refused(admin_client):
    article = make_article(status=Status.DRAFT, publish_at=None, body="<p>Kept.</p>")
    photo = make_photo()
    gone = photo.pk
    photo.delete()
    response = admin_client.post(
        change_url(article),
        change_form_data(
            article,
            headline="Changed",
            body=f'<p>New.</p><figure data-photo="{gone}"></figure>',
        ),
    )
    assert response.status_code == 200
    assert f"no longer in the photo library (#{gone})" in response.content.decode()
    article.refresh_from_db()
    assert article.headline != "Changed"
    assert article.body == "<p>Kept.</p>"


# The photo library behind the editor's "insert photo" button ----------------------


def library(client, **params):
    return client.get(reverse("admin:articles_article_photos"), params)


def test_photo_library_search_finds_photos_by_caption_and_credit(admin_client):
    robots = make_photo(
        caption="Robots on the line",
        alt_text="Orange robot arms",
        credit=make_credit(photographer="Feng Fei", distributor="AFP"),
    )
    make_photo(caption="Container ships at dawn")
    found = library(admin_client, q="robots").json()["photos"]
    assert [photo["id"] for photo in found] == [robots.pk]
    assert found[0] | {"figure": ""} == {
        "id": robots.pk,
        # The smallest rendition, never the original.
        "thumbnail": "/media/" + robots.renditions["jpeg"][0]["name"],
        "caption": "Robots on the line",
        "alt": "Orange robot arms",
        "credit": "Photo: Feng Fei via AFP",
        "figure": "",
    }
    assert "Photo: Feng Fei via AFP." in found[0]["figure"]
    assert [p["id"] for p in library(admin_client, q="feng").json()["photos"]] == [
        robots.pk
    ]
    assert len(library(admin_client).json()["photos"]) == 2


def test_photo_library_looks_photos_up_by_id(admin_client):
    first, second, _ = make_photo(), make_photo(), make_photo()
    found = library(admin_client, ids=f"{first.pk},{second.pk},x,-1,").json()
    assert sorted(photo["id"] for photo in found["photos"]) == [first.pk, second.pk]


def test_photo_library_is_for_staff_who_may_see_photos(client):
    make_photo()
    response = library(client)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(make_user(is_staff=True))
    assert library(client).status_code == 403
    client.force_login(make_role_user("Writer"))
    assert len(library(client).json()["photos"]) == 1
