from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article
from tests.factories import (
    make_article,
    make_author,
    make_credit,
    make_photo,
    make_section,
)

pytestmark = pytest.mark.django_db


def changelist_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_article_list_shows_columns_in_fixed_queries(admin_client):
    url = reverse("admin:articles_article_changelist")
    section = make_section(name="Technology")
    make_article(section=section, authors=[make_author(name="Mei Lin")], tags=["AI"])
    small, response = changelist_queries(admin_client, url)
    html = response.content.decode()
    assert "Mei Lin" in html and "Technology" in html and "Published" in html
    for _ in range(8):
        make_article(authors=[make_author(), make_author()], tags=["AI", "China"])
    large, _ = changelist_queries(admin_client, url)
    assert large == small


@pytest.mark.parametrize(
    "query",
    [
        "status__exact=draft",
        "section__id__exact={section}",
        "authors__id__exact={author}",
        "tags__id__exact={tag}",
        "q=robots",
    ],
)
def test_article_list_filters_and_search(admin_client, query):
    section = make_section()
    author = make_author()
    wanted = make_article(
        headline="Robots arrive",
        section=section,
        authors=[author],
        tags=["Changsha"],
        status=Article.Status.DRAFT,
    )
    make_article(headline="Bond yields", standfirst="Nothing else")
    tag = wanted.tags.get()
    url = (
        reverse("admin:articles_article_changelist")
        + "?"
        + query.format(section=section.pk, author=author.pk, tag=tag.pk)
    )
    html = admin_client.get(url).content.decode()
    assert "Robots arrive" in html
    assert "Bond yields" not in html


def test_editor_creates_article_with_byline_photo_tags_and_related(admin_client):
    section = make_section(name="Technology", slug="technology")
    author = make_author(name="Mei Lin")
    photo = make_photo(credit=make_credit(distributor="AFP"))
    other = make_article(headline="Earlier story")
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        {
            "headline": "Changsha bets on robots",
            "slug": "changsha-bets-on-robots",
            "section": section.pk,
            "standfirst": "Summary.",
            "body": "<p>Text <script>x()</script></p>",
            "hero_photo": photo.pk,
            "tags": ["China", "Hunan province", "AI"],
            "status": "published",
            "publish_at_0": "2026-03-26",
            "publish_at_1": "08:30:00",
            "seo_title": "",
            "seo_description": "",
            "bylines-TOTAL_FORMS": "1",
            "bylines-INITIAL_FORMS": "0",
            "bylines-0-author": author.pk,
            "bylines-0-position": "0",
            "related_links-TOTAL_FORMS": "1",
            "related_links-INITIAL_FORMS": "0",
            "related_links-0-to_article": other.pk,
            "related_links-0-position": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="changsha-bets-on-robots")
    assert sorted(t.name for t in article.tags.all()) == [
        "AI",
        "China",
        "Hunan province",
    ]
    assert article.byline_authors == [author]
    assert article.body == "<p>Text </p>"
    assert [link.to_article for link in article.related_links.all()] == [other]
    page = admin_client.get(article.get_absolute_url()).content.decode()
    assert "Photo: AFP." in page

    edit = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = edit.content.decode()
    assert '<option value="Hunan province" selected>Hunan province</option>' in html


def test_photo_list_shows_thumbnail_and_credit(admin_client):
    make_photo(
        credit=make_credit(
            photographer="Feng Fei", agency="Imaginechina", distributor="AFP"
        )
    )
    html = admin_client.get(reverse("admin:articles_photo_changelist")).content.decode()
    assert "Photo: Feng Fei / Imaginechina via AFP" in html
    # The thumbnail is a rendition: originals have no public address.
    assert '<img src="/media/renditions/' in html
    assert "/media/photos/" not in html


def test_tag_autocomplete_suggests_existing_tags(admin_client):
    make_article(tags=["Hunan province", "China"])
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "hun",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "tags",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Hunan province"]


@pytest.mark.parametrize(
    "name", ["section", "author", "photo", "photocredit", "article"]
)
def test_every_model_has_working_admin_pages(admin_client, name):
    make_article(
        hero_photo=make_photo(credit=make_credit(agency="X")), authors=[make_author()]
    )
    assert (
        admin_client.get(reverse(f"admin:articles_{name}_changelist")).status_code
        == 200
    )
    assert admin_client.get(reverse(f"admin:articles_{name}_add")).status_code == 200


def test_article_list_drills_down_by_year(admin_client):
    from datetime import datetime

    from django.utils import timezone

    for year in (2019, 2021):
        make_article(
            headline=f"Story of {year}",
            publish_at=timezone.make_aware(datetime(year, 5, 1, 9)),
        )
    url = reverse("admin:articles_article_changelist")
    html = admin_client.get(url).content.decode()
    for year in (2019, 2020, 2021):
        assert f"?publish_at__year={year}" in html
    html = admin_client.get(url + "?publish_at__year=2019").content.decode()
    assert "Story of 2019" in html and "Story of 2021" not in html
    assert "publish_at__month=5" in html


def test_article_change_page_explains_automatic_candidates(admin_client):
    article = make_article(headline="Changsha robots", tags=["Changsha", "China"])
    make_article(headline="Also Changsha", tags=["Changsha"])
    html = admin_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()
    table = html[html.index('class="related-candidates"') :]
    assert "Also Changsha" in table and "<td>Changsha</td>" in table


def test_sorting_by_publish_time_keeps_undated_drafts_last_when_newest_first(
    admin_client,
):
    now = timezone.now()
    make_article(headline="Older story", publish_at=now - timedelta(days=2))
    make_article(headline="Newer story", publish_at=now - timedelta(days=1))
    make_article(headline="Undated draft", status=Article.Status.DRAFT, publish_at=None)
    url = reverse("admin:articles_article_changelist")

    def order(sort: str) -> list[str]:
        html = admin_client.get(f"{url}?o={sort}").content.decode()
        names = ["Older story", "Newer story", "Undated draft"]
        return sorted(names, key=html.index)

    assert order("-4") == ["Newer story", "Older story", "Undated draft"]
    assert order("4") == ["Undated draft", "Older story", "Newer story"]


@pytest.mark.usefixtures("page_cache")
def test_kept_candidates_follow_a_saved_change_of_tags(admin_client, admin_user):
    article = make_article(
        headline="Changsha robots", status=Article.Status.DRAFT, tags=["Changsha"]
    )
    make_article(headline="Also Changsha", tags=["Changsha"])
    make_article(headline="Beijing weather", tags=["Beijing"])
    url = reverse("admin:articles_article_change", args=[article.pk])

    def candidates() -> str:
        html = admin_client.get(url).content.decode()
        return html[html.index('class="related-candidates"') :]

    assert "Also Changsha" in candidates()
    content = workflow.ArticleContent.of(article)
    content.tags = ["Beijing"]
    workflow.edit(article, content, by=admin_user)
    kept = candidates()
    assert "Beijing weather" in kept and "Also Changsha" not in kept


def test_editor_pins_and_excludes_candidates(admin_client, client):
    article = make_article(headline="Changsha robots", tags=["Changsha", "China"])
    near = make_article(headline="Changsha factories", tags=["Changsha"])
    far = make_article(headline="Beijing weather", tags=["China"])
    page = reverse("admin:articles_article_related", args=[article.pk])
    html = admin_client.get(page).content.decode()
    assert "Changsha factories" in html and "Beijing weather" in html

    def act(verb, other):
        url = reverse(
            "admin:articles_article_related_action", args=[article.pk, verb, other.pk]
        )
        return admin_client.post(url, follow=True)

    assert "is pinned" in act("pin", far).content.decode()
    assert "will not be suggested" in act("exclude", near).content.decode()
    public = client.get(article.get_absolute_url()).content.decode()
    related = public[public.index("Related stories") :]
    assert "Beijing weather" in related and "Changsha factories" not in related
    act("allow", near)
    public = client.get(article.get_absolute_url()).content.decode()
    assert "Changsha factories" in public[public.index("Related stories") :]
    assert (
        admin_client.get(
            reverse(
                "admin:articles_article_related_action", args=[article.pk, "pin", 1]
            )
        ).status_code
        == 405
    )
