import warnings
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db


def test_latest_feed_lists_live_articles_newest_first(client):
    now = timezone.now()
    make_article(headline="Older story", publish_at=now - timedelta(days=2))
    make_article(
        headline="Newer story",
        publish_at=now - timedelta(hours=1),
        authors=[make_author(name="Mei Lin")],
        tags=["Changsha"],
    )
    make_article(headline="Draft story", status=Article.Status.DRAFT)
    make_article(headline="Tomorrow's story", publish_at=now + timedelta(days=1))
    response = client.get("/feeds/")
    assert response.status_code == 200
    # Plain XML, so that a browser applies the feed's stylesheet.
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    xml = response.content.decode()
    assert xml.index("Newer story") < xml.index("Older story")
    assert "Draft story" not in xml and "Tomorrow" not in xml
    assert "<category>Changsha</category>" in xml and "Mei Lin" in xml


def test_tag_feed_lists_only_that_tags_live_articles(client):
    make_article(headline="Robots in Changsha", tags=["Changsha"])
    make_article(headline="Tokyo wages", tags=["Japan"])
    make_article(headline="Draft in Changsha", tags=["Changsha"], status="draft")
    xml = client.get("/feeds/tags/changsha/").content.decode()
    assert "Robots in Changsha" in xml
    assert "Tokyo wages" not in xml and "Draft in Changsha" not in xml
    assert "<link>http://testserver/tags/changsha/</link>" in xml


def test_tag_feed_404s_for_unknown_tag_or_one_without_live_articles(client):
    make_article(tags=["Only drafts"], status="draft")
    assert client.get("/feeds/tags/only-drafts/").status_code == 404
    assert client.get("/feeds/tags/no-such-tag/").status_code == 404


# Complete feeds, as feed readers parse them ------------------------------------

FEED_URLS = {
    "latest": ("/feeds/", "/feeds/atom/"),
    "section": ("/feeds/sections/business/", "/feeds/sections/business/atom/"),
    "tag": ("/feeds/tags/changsha/", "/feeds/tags/changsha/atom/"),
    "author": ("/feeds/authors/mei-lin/", "/feeds/authors/mei-lin/atom/"),
}


@pytest.fixture
def story():
    from tests.factories import make_credit, make_rendered_photo, make_section

    photo = make_rendered_photo(
        alt_text="Robot arms", credit=make_credit(photographer="Feng Fei", agency="AFP")
    )
    return make_article(
        headline="Robots in Changsha",
        slug="robots",
        standfirst="Factories automate.",
        body='<p>See <a href="/tags/changsha/">more</a>.</p>'
        f'<figure data-photo="{photo.pk}"></figure>',
        section=make_section(name="Business", slug="business"),
        hero_photo=photo,
        hero_caption="A line in Changsha",
        tags=["Changsha", "robots"],
        authors=[
            make_author(name="Mei Lin", slug="mei-lin"),
            make_author(name="Bo Li"),
        ],
        updated_at=timezone.now() - timedelta(minutes=5),
    )


@pytest.mark.parametrize("kind", FEED_URLS)
def test_every_feed_parses_cleanly_with_complete_entries(client, story, kind):
    import feedparser

    for url in FEED_URLS[kind]:
        response = client.get(url)
        assert response.status_code == 200, url
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # feedparser warns about what it guesses
            parsed = feedparser.parse(response.content)
            assert not parsed.bozo, (url, parsed.get("bozo_exception"))
            check_entry(parsed.entries[0], story)


def check_entry(entry, story):
    assert entry.title == "Robots in Changsha"
    assert entry.link == "http://testserver/business/robots/"
    assert entry.id == f"tag:testserver,{story.publish_at:%Y-%m-%d}:article-{story.pk}"
    assert entry.published_parsed and entry.updated_parsed
    assert entry.updated_parsed > entry.published_parsed
    assert [a["name"] for a in entry.authors] == ["Mei Lin", "Bo Li"]
    assert {tag.term for tag in entry.tags} == {"Changsha", "robots"}
    assert entry.summary == "Factories automate."
    media = entry.media_content[0]
    assert media["url"].startswith("http://testserver/media/renditions/")
    assert media["medium"] == "image" and media["type"] == "image/jpeg"
    assert entry.media_credit[0]["content"] == "Photo: Feng Fei / AFP"
    assert entry.enclosures[0]["href"] == media["url"]
    body = entry.content[0]["value"]
    assert 'href="http://testserver/tags/changsha/"' in body
    assert 'src="http://testserver/media/' in body and '"/media/' not in body


def test_pages_link_their_feeds_as_alternates(client, story):
    pages = {
        "/": "/feeds/",
        "/business/": "/feeds/sections/business/",
        "/tags/changsha/": "/feeds/tags/changsha/",
        "/authors/mei-lin/": "/feeds/authors/mei-lin/",
    }
    for page, feed in pages.items():
        html = client.get(page).content.decode()
        assert 'type="application/rss+xml" title=' in html, page
        assert f'href="{feed}"' in html and f'href="{feed}atom/"' in html, page


def test_feeds_cost_the_same_however_many_stories(
    client, story, django_assert_num_queries
):
    # The newest ids along the index; the entries; bylines; tags; and one more
    # for the inline photos of the bodies.
    with django_assert_num_queries(5):
        client.get("/feeds/atom/")
    for _ in range(5):
        make_article(hero_photo=story.hero_photo, tags=["x"], authors=[make_author()])
    with django_assert_num_queries(5):
        client.get("/feeds/atom/")


def test_feeds_of_a_merged_tag_redirect_to_its_heir(client):
    from taggit.models import Tag

    from articles.models import TagRedirect

    make_article(tags=["Artificial intelligence"])
    heir = Tag.objects.get(name="Artificial intelligence")
    TagRedirect.objects.create(old_slug="ai", tag=heir)
    response = client.get("/feeds/tags/ai/")
    assert response.status_code == 301
    assert response["Location"] == "/feeds/tags/artificial-intelligence/"
    atom = client.get("/feeds/tags/ai/atom/")
    assert atom["Location"] == "/feeds/tags/artificial-intelligence/atom/"


def test_section_and_author_feeds_hold_only_their_live_articles(client, story):
    make_article(headline="Elsewhere")
    make_article(
        headline="Draft by Mei", status="draft", authors=[story.bylines.first().author]
    )
    for url in ("/feeds/sections/business/", "/feeds/authors/mei-lin/"):
        xml = client.get(url).content.decode()
        assert "Robots in Changsha" in xml
        assert "Elsewhere" not in xml and "Draft by Mei" not in xml
    assert client.get("/feeds/sections/nowhere/").status_code == 404
