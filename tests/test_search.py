"""Ranked search: weights, snippets, pagination and queries that must not break it."""

import re

import pytest
from django.db import connection
from django.utils import timezone

from articles import workflow
from articles.models import Article
from articles.search import clean_query
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def headlines(response):
    return [article.headline for article in response.context["articles"]]


def test_a_headline_match_outranks_a_standfirst_tag_or_body_match(client):
    body = make_article(
        headline="Council meets",
        body="<p>The typhoon season starts early this year.</p>",
        publish_at=timezone.now(),
    )
    make_article(headline="Port news", tags=["Typhoon"])
    make_article(headline="Weather desk", standfirst="A typhoon nears the coast.")
    make_article(headline="Typhoon closes the harbour")
    response = client.get("/search/", {"q": "typhoon"})
    assert headlines(response) == [
        "Typhoon closes the harbour",
        "Weather desk",
        "Port news",
        "Council meets",
    ]
    assert body.publish_at > Article.objects.get(headline="Port news").publish_at


def test_results_show_a_highlighted_snippet_of_the_body(client):
    make_article(
        headline="Harbour works",
        body="<p>Cranes & barges: the <em>harbour</em> dredging starts in May.</p>",
    )
    html = client.get("/search/", {"q": "dredging"}).content.decode()
    assert "<mark>dredging</mark>" in html
    assert "Cranes &amp; barges" in html
    assert "<em>" not in html.split('class="search-snippet"')[1].split("</p>")[0]


def test_words_are_stemmed_in_english(client):
    make_article(headline="Farmers plant rice")
    assert headlines(client.get("/search/", {"q": "farmer planting"})) == [
        "Farmers plant rice"
    ]


def test_only_live_articles_are_found_and_unpublishing_removes_one(client, editor):
    live = make_article(headline="Budget vote today")
    make_article(headline="Budget vote draft", status=Article.Status.DRAFT)
    make_article(
        headline="Budget vote tomorrow",
        status=Article.Status.SCHEDULED,
        publish_at=timezone.now() + timezone.timedelta(hours=3),
    )
    assert headlines(client.get("/search/", {"q": "budget"})) == ["Budget vote today"]
    workflow.unpublish(live, by=editor)
    assert headlines(client.get("/search/", {"q": "budget"})) == []


def test_results_are_paginated_with_the_count(client, settings):
    settings.NEWSROOM_PAGE_SIZE = 2
    for i in range(5):
        make_article(headline=f"Rail link {i}")
    first = client.get("/search/", {"q": "rail"})
    assert "5 results for “rail”" in first.content.decode()
    assert len(headlines(first)) == 2
    assert len(headlines(client.get("/search/", {"q": "rail", "page": 3}))) == 1
    assert client.get("/search/", {"q": "rail", "page": 9}).status_code == 404
    assert client.get("/search/", {"q": "rail", "page": "x"}).status_code == 200


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite counts every match exactly"
)
def test_many_matches_show_an_estimated_count_and_the_last_page_an_exact_one(
    client, settings, monkeypatch
):
    from articles.search import postgres

    # As if "rail" were a word in a good share of a large archive.
    monkeypatch.setattr(postgres, "COUNTED_UP_TO", 0)
    settings.NEWSROOM_PAGE_SIZE = 2
    for i in range(5):
        make_article(headline=f"Rail link {i}")
    first = client.get("/search/", {"q": "rail"}).content.decode()
    assert re.search(r"About [\d,]+ results? for “rail”", first)
    last = client.get("/search/", {"q": "rail", "page": 3})
    assert len(headlines(last)) == 1
    assert "5 results for “rail”" in last.content.decode()
    assert "About" not in last.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 10_000,
        "rail " * 2_000,
        "rail\x00\x01\x1b[31m\u200b\ufeff",
        "'; DROP TABLE articles_article; --",
        "rail' OR '1'='1",
        '"unbalanced',
        "NEAR(rail link) OR body:rail AND NOT * ^ -rail +link",
        "!!! &&& ||| ::: (((",
        "rail & | ! <-> :*",
        "\\",
        "%_%",
        "🚄 rail",
    ],
)
def test_bad_queries_answer_a_normal_page(client, query):
    make_article(headline="Rail link opens")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "\x00" not in html and "\x1b" not in html
    assert Article.objects.filter(headline="Rail link opens").exists()


def test_control_characters_are_dropped_not_turned_into_words():
    assert clean_query("ra\x00il\x1b li\u200bnk\t\n") == "rail link"
    assert clean_query("x" * 10_000) == "x" * 200


def test_the_query_is_echoed_escaped(client):
    html = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
