import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, RelatedLink
from articles.site.home import LEAD_COUNT as HOME_LEAD_COUNT
from tests.factories import (
    make_article,
    make_author,
    make_credit,
    make_photo,
    make_rendered_photo,
    make_section,
    photo_bytes,
)

pytestmark = pytest.mark.django_db

# The article's row, to decide whether the reader may see it; then, to render its
# parts: the article with its section, photo and credit; bylines; tags;
# corrections; navigation; pinned related stories; tag weights; candidate
# ranking; candidate articles. Once its parts are kept, only the row is read
# (tests/test_page_cache.py).
ARTICLE_PAGE_QUERIES = 9


@pytest.fixture
def technology():
    return make_section(name="Technology", slug="technology")


@pytest.fixture
def changsha_story(technology):
    credit = make_credit(
        photographer="Feng Fei", agency="Imaginechina", distributor="AFP"
    )
    photo = make_photo(
        credit=credit, alt_text="Robots on a factory floor", caption="A robot line."
    )
    return make_article(
        headline="Changsha bets on robots",
        slug="changsha-bets-on-robots",
        standfirst="The Hunan capital wants to be China's robotics hub.",
        body="<p>First paragraph.</p><p>Second paragraph.</p>",
        section=technology,
        hero_photo=photo,
        publish_at=timezone.now().replace(year=2021, month=3, day=26, hour=9),
        authors=[make_author(name="Mei Lin", slug="mei-lin")],
        tags=["China", "artificial intelligence", "AI", "Changsha", "Hunan province"],
    )


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response


def test_article_page_shows_every_element_in_reading_order(client, changsha_story):
    related = make_article(
        headline="Hunan factories hire",
        section=changsha_story.section,
        tags=["Changsha"],
    )
    html = get(client, changsha_story.get_absolute_url()).content.decode()
    html = html[html.index('<article class="article">') :]
    markers = [
        '<a class="kicker" href="/technology/">Technology</a>',
        '<p class="article__date">',
        '<time datetime="2021-03-26T09:',
        "Mar 26, 2021</time>",
        '<h1 class="article__headline">Changsha bets on robots</h1>',
        "The Hunan capital wants to be China&#x27;s robotics hub.",
        '<a href="/authors/mei-lin/">Mei Lin</a>',
        'alt="Robots on a factory floor"',
        "A robot line.",
        "Photo: Feng Fei / Imaginechina via AFP.",
        "<p>First paragraph.</p><p>Second paragraph.</p>",
        "Related stories",
        related.headline,
        '<a href="/tags/hunan-province/">Hunan province</a>',
    ]
    positions = [html.index(marker) for marker in markers]
    assert positions == sorted(positions)


def test_article_page_escapes_fields_other_than_body(client, technology):
    article = make_article(
        headline="<script>alert(1)</script>Rates",
        section=technology,
        standfirst="<b>bold</b>",
    )
    html = get(client, article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Rates" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


@pytest.mark.parametrize(
    "status",
    [Article.Status.DRAFT, Article.Status.IN_REVIEW, Article.Status.UNPUBLISHED],
)
def test_unpublished_article_answers_404_with_a_real_page(client, technology, status):
    article = make_article(section=technology, status=status)
    response = get(client, article.get_absolute_url(), status=404)
    assert "We can’t find that page" in response.content.decode()


def test_future_article_is_not_public(client, technology):
    article = make_article(
        section=technology, publish_at=timezone.now() + timedelta(hours=1)
    )
    get(client, article.get_absolute_url(), status=404)
    get(client, reverse("articles:home"))
    assert article.headline not in get(client, "/technology/").content.decode()


def test_article_under_wrong_section_redirects_to_canonical_url(client, changsha_story):
    other = make_section(slug="markets")
    response = client.get(f"/{other.slug}/{changsha_story.slug}/")
    assert response.status_code == 301
    assert response["Location"] == changsha_story.get_absolute_url()


def test_related_stories_put_pinned_first_then_most_shared_tags(client, technology):
    article = make_article(
        section=technology, tags=["China", "AI", "Changsha", "robots"]
    )
    make_article(headline="One shared tag", tags=["China"])
    make_article(headline="Three shared tags", tags=["China", "AI", "Changsha"])
    make_article(headline="Two shared tags", tags=["AI", "robots"])
    pinned = make_article(headline="Pinned story", tags=["unrelated"])
    make_article(headline="Shares nothing", tags=["Japan"])
    make_article(headline="Draft sharing all", tags=["China", "AI"], status="draft")
    RelatedLink.objects.create(from_article=article, to_article=pinned)
    html = get(client, article.get_absolute_url()).content.decode()
    related = html[html.index("Related stories") :]
    order = ["Pinned story", "Three shared tags", "Two shared tags", "One shared tag"]
    assert [related.index(h) for h in order] == sorted(related.index(h) for h in order)
    assert "Shares nothing" not in related
    assert "Draft sharing all" not in related


def test_related_stories_are_limited_to_the_setting(client, technology, settings):
    settings.NEWSROOM_RELATED_COUNT = 2
    article = make_article(section=technology, tags=["China"])
    for _ in range(4):
        make_article(tags=["China"])
    response = get(client, article.get_absolute_url())
    assert len(response.context["related"]) == 2


def test_unpublished_pinned_story_is_not_shown(client, technology):
    article = make_article(section=technology)
    hidden = make_article(headline="Pulled story", status=Article.Status.UNPUBLISHED)
    RelatedLink.objects.create(from_article=article, to_article=hidden)
    assert (
        "Pulled story" not in get(client, article.get_absolute_url()).content.decode()
    )


def _queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        get(client, url)
    return len(queries)


def test_article_page_query_count_does_not_grow_with_tags_or_related(
    client, technology
):
    few = make_article(section=technology, tags=["a", "b"])
    make_article(tags=["b"])
    many_tags = [f"tag {i}" for i in range(10)]
    many = make_article(
        section=technology, tags=many_tags, authors=[make_author(), make_author()]
    )
    for i in range(6):
        make_article(tags=many_tags[: i + 1], hero_photo=make_photo())
    RelatedLink.objects.create(from_article=many, to_article=few)
    assert _queries_for(client, few.get_absolute_url()) == ARTICLE_PAGE_QUERIES
    assert _queries_for(client, many.get_absolute_url()) == ARTICLE_PAGE_QUERIES


def test_list_pages_query_count_does_not_grow_with_articles(client, technology):
    author = make_author(slug="mei-lin")
    for _ in range(HOME_LEAD_COUNT + 2):
        make_article(
            section=technology,
            tags=["China"],
            authors=[author],
            hero_photo=make_photo(),
        )
    small = {
        url: _queries_for(client, url)
        for url in ["/", "/technology/", "/tags/china/", "/authors/mei-lin/"]
    }
    for _ in range(12):
        make_article(
            section=technology,
            tags=["China"],
            authors=[author, make_author()],
            hero_photo=make_photo(),
        )
        make_article(tags=["China"])
    large = {url: _queries_for(client, url) for url in small}
    assert large == small


def test_home_groups_latest_articles_by_section(client):
    markets = make_section(name="Markets", position=1)
    economy = make_section(name="Economy", position=2)
    headlines = [
        make_article(section=s, headline=f"{s.name} story {i}").headline
        for s in (markets, economy)
        for i in range(6)
    ]
    html = get(client, "/").content.decode()
    for headline in headlines[:4] + headlines[6:10]:
        assert headline in html
    assert html.index(">Markets</a></h2>") < html.index(">Economy</a></h2>")


def test_section_page_lists_only_its_live_articles_paginated(
    client, technology, settings
):
    settings.NEWSROOM_PAGE_SIZE = 2
    mine = [make_article(section=technology, headline=f"Tech {i}") for i in range(3)]
    other = make_article(headline="Elsewhere")
    first = get(client, "/technology/").content.decode()
    assert mine[0].headline in first and mine[1].headline in first
    assert mine[2].headline not in first and other.headline not in first
    assert "Page 1 of 2" in first
    assert mine[2].headline in get(client, "/technology/?page=2").content.decode()
    get(client, "/technology/?page=9", status=404)
    get(client, "/no-such-section/", status=404)


def test_tag_page_lists_live_articles_and_404s_when_none(client, changsha_story):
    make_article(headline="Secret draft", tags=["Changsha"], status="draft")
    html = get(client, "/tags/changsha/").content.decode()
    assert changsha_story.headline in html and "Secret draft" not in html
    assert "<h1>Changsha</h1>" in html
    make_article(tags=["Only drafts"], status="draft")
    get(client, "/tags/only-drafts/", status=404)
    get(client, "/tags/no-such-tag/", status=404)


def test_author_page_lists_their_live_articles(client, changsha_story):
    make_article(headline="Someone else's story")
    html = get(client, "/authors/mei-lin/").content.decode()
    assert changsha_story.headline in html
    assert "Someone else&#x27;s story" not in html
    get(client, "/authors/nobody/", status=404)


def test_author_page_counts_only_their_live_articles(client, settings):
    settings.NEWSROOM_PAGE_SIZE = 2
    author, other = make_author(name="Ana Ruiz"), make_author(name="Bo Li")
    for n in range(3):
        make_article(headline=f"Live {n}", authors=[author, other])
    make_article(headline="Draft", authors=[author], status="draft")
    make_article(
        headline="Embargoed",
        authors=[author],
        embargo_until=timezone.now() + timedelta(hours=2),
    )
    make_article(headline="Not hers", authors=[other])
    html = get(client, f"/authors/{author.slug}/").content.decode()
    assert "Page 1 of 2" in html
    assert "Live 2" in get(client, f"/authors/{author.slug}/?page=2").content.decode()
    get(client, f"/authors/{author.slug}/?page=3", status=404)


@pytest.fixture
def pictured_story(technology):
    credit = make_credit(
        photographer="Feng Fei", agency="Imaginechina", distributor="AFP"
    )
    photo = make_rendered_photo(
        photo_bytes(2000, 1125),
        credit=credit,
        alt_text="Robots on a factory floor",
        caption="A robot line.",
    )
    return make_article(
        headline="Changsha bets on robots",
        section=technology,
        hero_photo=photo,
        body="<p>Robots weld car frames day and night.</p>",
        authors=[make_author(name="Mei Lin", slug="mei-lin")],
        tags=["Changsha", "robots"],
    )


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_hero_is_a_responsive_picture_loaded_first(client, pictured_story):
    html = get(client, pictured_story.get_absolute_url()).content.decode()
    photo = pictured_story.hero_photo
    figure = html[html.index('<figure class="hero">') : html.index("</figure>")]
    sizes = 'sizes="(min-width: 752px) 720px, calc(100vw - 2rem)"'
    webp = ", ".join(
        f"/media/{item['name']} {item['width']}w" for item in photo.renditions["webp"]
    )
    jpeg = ", ".join(
        f"/media/{item['name']} {item['width']}w" for item in photo.renditions["jpeg"]
    )
    assert f'<source type="image/webp" srcset="{webp}" {sizes}>' in figure
    assert f'srcset="{jpeg}" {sizes}' in figure
    assert "320w" in webp and "1600w" in webp and ".webp 640w" in webp
    assert 'width="1600" height="900"' in figure
    assert 'alt="Robots on a factory floor"' in figure
    assert 'fetchpriority="high"' in figure
    assert 'loading="lazy"' not in figure
    assert "Photo: Feng Fei / Imaginechina via AFP." in figure


def test_card_pictures_load_lazily_except_the_lead(client, technology):
    for n in range(HOME_LEAD_COUNT + 2):
        picture = photo_bytes(900 + n, 600)
        make_article(section=technology, hero_photo=make_rendered_photo(picture))
    html = get(client, "/").content.decode()
    lead = html[html.index('class="card card--lead"') :]
    lead = lead[: lead.index("</article>")]
    assert 'type="image/webp"' in lead and 'loading="lazy"' not in lead
    sections = html[html.index('class="section-block"') :]
    assert sections.count("<picture>") >= 1
    assert sections.count("<picture>") == sections.count('loading="lazy"')
    assert 'sizes="(min-width: 1120px) 254px' in sections


def test_article_page_json_ld_describes_article_and_credited_image(
    client, pictured_story
):
    html = get(client, pictured_story.get_absolute_url()).content.decode()
    data = json_ld(html)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Changsha bets on robots"
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Mei Lin",
            "url": "http://testserver/authors/mei-lin/",
        }
    ]
    assert data["publisher"]["name"] == "Newsroom"
    assert data["datePublished"].startswith(
        pictured_story.publish_at.strftime("%Y-%m-%d")
    )
    assert data["dateModified"]
    image = data["image"][0]
    assert image["@type"] == "ImageObject"
    assert image["creditText"] == "Photo: Feng Fei / Imaginechina via AFP"
    assert image["copyrightHolder"] == {"@type": "Organization", "name": "Imaginechina"}
    assert image["creator"] == {"@type": "Person", "name": "Feng Fei"}
    assert image["url"].endswith("-1600w.jpg") and image["width"] == 1600
    card = pictured_story.hero_photo.renditions["social"]["name"]
    assert (
        f'<meta property="og:image" content="http://testserver/media/{card}">' in html
    )


def test_json_ld_cannot_be_broken_out_of(client, technology):
    headline = '</script><script>alert("x")</script> & <b>'
    article = make_article(section=technology, headline=headline)
    html = get(client, article.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert json_ld(html)["headline"] == headline


def test_photo_with_expired_licence_is_left_out(client, pictured_story):
    photo = pictured_story.hero_photo
    photo.licence_expires_on = timezone.localdate() - timedelta(days=1)
    photo.save()
    html = get(client, pictured_story.get_absolute_url()).content.decode()
    assert '<figure class="hero">' not in html
    assert "<img" not in html and "<picture" not in html
    assert "Imaginechina" not in html
    assert "image" not in json_ld(html)
    assert 'property="og:image"' not in html
    assert "<p>Robots weld car frames day and night.</p>" in html
    home = get(client, "/").content.decode()
    assert pictured_story.headline in home and "<img" not in home


def test_photo_is_shown_on_the_last_licensed_day(client, pictured_story):
    photo = pictured_story.hero_photo
    photo.licence_expires_on = timezone.localdate()
    photo.save()
    html = get(client, pictured_story.get_absolute_url()).content.decode()
    assert '<figure class="hero">' in html


def test_reader_requests_never_make_renditions_nor_get_the_original(
    client, technology, settings
):
    photo = make_photo(alt_text="Old picture", renditions=False)
    article = make_article(
        section=technology,
        hero_photo=photo,
        body=f'<p>Text.</p><figure data-photo="{photo.pk}"></figure>',
    )
    before = sorted(Path(settings.MEDIA_ROOT).rglob("*"))
    html = get(client, article.get_absolute_url()).content.decode()
    assert "<img" not in html and photo.image.name not in html
    assert "<p>Text.</p>" in html
    assert sorted(Path(settings.MEDIA_ROOT).rglob("*")) == before
    assert not (Path(settings.MEDIA_ROOT) / "renditions").exists()


def test_article_page_with_pictures_costs_the_same_queries(client, pictured_story):
    make_article(tags=["Changsha"], hero_photo=make_photo())  # a related story
    assert (
        _queries_for(client, pictured_story.get_absolute_url()) == ARTICLE_PAGE_QUERIES
    )


def test_article_page_costs_one_query_for_all_its_inline_photos(client, technology):
    photos = [make_photo(credit=make_credit(agency=f"Agency {i}")) for i in range(5)]
    plain = make_article(section=technology, tags=["a"], body="<p>A.</p>")
    one = make_article(
        section=technology,
        tags=["a"],
        body=f'<p>A.</p><figure data-photo="{photos[0].pk}"></figure>',
    )
    five = make_article(
        section=technology,
        tags=["a"],
        body="".join(
            f'<p>{p.pk}</p><figure data-photo="{p.pk}"></figure>' for p in photos
        ),
    )
    html = get(client, five.get_absolute_url()).content.decode()
    assert all(f"Agency {i}" in html for i in range(5))
    assert _queries_for(client, plain.get_absolute_url()) == ARTICLE_PAGE_QUERIES
    # The photos of a body, with their credits, come from one query, made only
    # when the body has photos.
    assert _queries_for(client, one.get_absolute_url()) == ARTICLE_PAGE_QUERIES + 1
    assert _queries_for(client, five.get_absolute_url()) == ARTICLE_PAGE_QUERIES + 1


def test_tag_page_is_newest_first_paginated_with_a_feed_link(client, settings):
    settings.NEWSROOM_PAGE_SIZE = 2
    now = timezone.now()
    for days in (3, 1, 2):
        make_article(
            headline=f"{days} days ago",
            tags=["Changsha"],
            publish_at=now - timedelta(days=days),
        )
    html = get(client, "/tags/changsha/").content.decode()
    assert html.index("1 days ago") < html.index("2 days ago")
    assert "3 days ago" not in html and "Page 1 of 2" in html
    assert "3 days ago" in get(client, "/tags/changsha/?page=2").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'href="/feeds/tags/changsha/"' in html


def test_corrections_cost_one_query_and_only_on_corrected_articles(client, technology):
    from articles import workflow
    from tests.factories import make_role_user

    editor = make_role_user("Editor")
    corrected = make_article(section=technology, tags=["a"])
    plain = make_article(section=technology, tags=["a"])
    for text in ("The first figure was wrong.", "The second one too."):
        workflow.add_correction(corrected, by=editor, kind="correction", text=text)
    html = get(client, corrected.get_absolute_url()).content.decode()
    assert html.index("The second one too.") < html.index("The first figure was wrong.")
    assert _queries_for(client, plain.get_absolute_url()) == ARTICLE_PAGE_QUERIES
    assert (
        _queries_for(client, corrected.get_absolute_url()) == ARTICLE_PAGE_QUERIES + 1
    )
