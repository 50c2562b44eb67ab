"""How readers and crawlers find articles: search, sitemaps, robots.txt."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.site.sitemaps import ArticleSitemap
from tests.factories import make_article, make_author, make_photo, make_section

pytestmark = pytest.mark.django_db


def headlines(response):
    return [article.headline for article in response.context["articles"]]


def test_search_finds_live_articles_matching_every_word(client):
    make_article(headline="Changsha bets on robots", body="<p>Factory floors.</p>")
    make_article(headline="Robots in Osaka", body="<p>Port cranes.</p>")
    make_article(headline="Changsha robots draft", status=Article.Status.DRAFT)
    make_article(
        headline="Changsha robots tomorrow",
        status=Article.Status.SCHEDULED,
        publish_at=timezone.now() + timedelta(hours=2),
    )
    response = client.get("/search/", {"q": "changsha  ROBOTS"})
    assert headlines(response) == ["Changsha bets on robots"]
    assert "1 result for “changsha ROBOTS”" in response.content.decode()
    assert headlines(client.get("/search/", {"q": "factory"})) == [
        "Changsha bets on robots"
    ]


def test_search_matches_tags_and_escapes_the_query(client):
    make_article(headline="Provincial budget", tags=["Hunan province"])
    make_article(headline="Port volumes", tags=["shipping"])
    assert headlines(client.get("/search/", {"q": "hunan"})) == ["Provincial budget"]
    html = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "No articles match" in html


def test_empty_search_shows_the_form_only(client):
    make_article()
    response = client.get("/search/")
    assert response.status_code == 200 and headlines(response) == []
    assert 'name="q"' in response.content.decode()


def test_search_pages_keep_the_query(client, settings):
    settings.NEWSROOM_PAGE_SIZE = 2
    for i in range(3):
        make_article(headline=f"Yen story {i}")
    html = client.get("/search/", {"q": "yen"}).content.decode()
    assert 'href="?q=yen&amp;page=2"' in html
    assert len(headlines(client.get("/search/", {"q": "yen", "page": 2}))) == 1


def test_search_costs_a_fixed_number_of_queries(client):
    section = make_section()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get("/search/", {"q": "rates"})
        return len(captured)

    make_article(headline="Rates", section=section, authors=[make_author()])
    few = queries()
    for i in range(10):
        make_article(
            headline=f"Rates {i}",
            section=section,
            authors=[make_author()],
            hero_photo=make_photo(),
        )
    assert queries() == few


def test_sitemap_lists_live_articles_and_sections_only(client):
    section = make_section(slug="markets")
    live = make_article(section=section, slug="live-story")
    make_article(section=section, slug="draft-story", status=Article.Status.DRAFT)
    make_article(
        section=section,
        slug="later-story",
        status=Article.Status.SCHEDULED,
        publish_at=timezone.now() + timedelta(hours=1),
    )
    index = client.get("/sitemap.xml").content.decode()
    assert "<sitemapindex" in index
    assert "<loc>http://testserver/sitemap-articles.xml</loc>" in index
    assert "<loc>http://testserver/sitemap-sections.xml</loc>" in index
    xml = client.get("/sitemap-articles.xml").content.decode()
    assert f"http://testserver{live.get_absolute_url()}" in xml
    assert "draft-story" not in xml and "later-story" not in xml
    sections = client.get("/sitemap-sections.xml").content.decode()
    assert "http://testserver/markets/</loc>" in sections


def test_sitemap_index_splits_a_big_archive_into_parts(client, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    section = make_section(slug="world")
    stories = [make_article(section=section, slug=f"story-{n}") for n in range(5)]
    index = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/sitemap-articles.xml?p=3</loc>" in index
    assert "sitemap-articles.xml?p=4" not in index
    listed = "".join(
        client.get(f"/sitemap-articles.xml?p={page}").content.decode()
        for page in (1, 2, 3)
    )
    assert all(f"/world/{story.slug}/</loc>" in listed for story in stories)
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404


def test_news_sitemap_has_the_last_two_days(client):
    fresh = make_article(headline="Fresh & new", publish_at=timezone.now())
    make_article(headline="Old news", publish_at=timezone.now() - timedelta(days=3))
    response = client.get("/news-sitemap.xml")
    xml = response.content.decode()
    assert response["Content-Type"].startswith("application/xml")
    assert f"http://testserver{fresh.get_absolute_url()}" in xml
    assert "<news:title>Fresh &amp; new</news:title>" in xml
    assert "Old news" not in xml


def test_robots_points_crawlers_at_the_sitemaps_and_away_from_the_admin(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text and "Disallow: /preview/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Sitemap: http://testserver/news-sitemap.xml" in text
