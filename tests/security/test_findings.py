"""What the adversarial suite found, each pinned by a test of its own."""

import pytest
from defusedxml import ElementTree
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article, make_section, make_user

pytestmark = pytest.mark.django_db


def feed_texts(client, url, name):
    root = ElementTree.fromstring(client.get(url).content)
    return [element.text for element in root.iter(name)]


def test_feed_descriptions_carry_plain_text_escaped_for_html_readers(client):
    article = make_article(
        standfirst='AT&T says <img src=x onerror="alert(1)"> no', tags=["<b>x</b>"]
    )
    descriptions = feed_texts(client, reverse("articles:feed"), "description")
    assert "AT&amp;T says &lt;img src=x onerror=&quot;alert(1)&quot;&gt; no" in (
        descriptions
    )
    tag = article.tags.get()
    channel = feed_texts(
        client, reverse("articles:tag_feed", args=[tag.slug]), "description"
    )[0]
    assert channel == "The latest articles tagged “&lt;b&gt;x&lt;/b&gt;”."


def test_a_tag_name_with_quotes_stays_one_tag(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    section = make_section()
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "headline": "Quotes",
            "slug": "quotes",
            "section": section.pk,
            "standfirst": "",
            "body": "<p>Text.</p>",
            "hero_photo": "",
            "tags": ['Say "no" to tariffs', "trade, and more"],
            "seo_title": "",
            "seo_description": "",
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
            "related_links-TOTAL_FORMS": "0",
            "related_links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    names = sorted(Article.objects.get().tags.values_list("name", flat=True))
    assert names == ['Say "no" to tariffs', "trade, and more"]


def test_a_jpeg_that_is_also_an_html_page_is_stored_as_a_picture_only():
    from articles.photos.validation import prepare_image
    from tests.factories import photo_bytes, upload
    from tests.security.hostile_files import jpeg_with_html_inside

    prepared = prepare_image(upload(jpeg_with_html_inside()), "polyglot.jpg")
    assert b"<script" not in prepared.content and b"<html" not in prepared.content
    appended = photo_bytes(200, 100) + b"<html><script>alert(1)</script></html>"
    assert b"<script" not in prepare_image(upload(appended), "x.jpg").content
    clean = photo_bytes(200, 100)
    assert prepare_image(upload(clean), "x.jpg").content == clean
