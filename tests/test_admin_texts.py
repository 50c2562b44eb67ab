"""What the admin says to editors reads right: one full stop, words apart,
the change that was made, the headline as it is now."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from tests.factories import change_form_data, make_article, make_section
from tests.test_takedown import standards  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_the_takedown_notice_ends_with_one_full_stop(client, standards):  # noqa: F811
    article = make_article(headline="Harbour witness named", tags=["T"])
    client.force_login(standards)
    client.post(
        reverse("admin:articles_article_workflow", args=[article.pk, "take_down"]),
        {"reason": "On the advice of counsel.", "version": article.version},
    )
    html = client.get(change_url(article)).content.decode()
    assert "On the advice of counsel. Every address" in html
    assert "counsel.." not in html


def test_the_restore_page_has_one_full_stop_and_keeps_paragraphs_apart(
    admin_client,
):
    section = make_section()
    admin_client.post(
        reverse("admin:articles_article_add"),
        {
            "headline": "Floods reach the delta",
            "slug": "",
            "section": section.pk,
            "standfirst": "",
            "body": "<p>The river rose, the mayor said.</p><p>Local shops closed.</p>",
            "hero_photo": "",
            "seo_title": "",
            "seo_description": "",
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
            "related_links-TOTAL_FORMS": "0",
            "related_links-INITIAL_FORMS": "0",
        },
    )
    article = Article.objects.get(headline="Floods reach the delta")
    version = Version.objects.get_for_object(article).first()
    page = admin_client.get(
        reverse("admin:articles_article_revision", args=[article.pk, version.pk])
    ).content.decode()
    assert "Added." in page and ".." not in page.replace("...", "")
    assert "the mayor said. Local shops closed." in page


def test_a_headline_only_edit_is_logged_as_a_headline_change(admin_client):
    article = make_article(
        status=Article.Status.DRAFT,
        headline="Old headline",
        slug="old-headline",
        tags=["Weather"],
    )
    # As the browser posts it: the slug follows the headline, tags as typed.
    admin_client.post(
        change_url(article),
        change_form_data(
            article, headline="New headline", slug="new-headline", tags="Weather"
        ),
    )
    version = Version.objects.get_for_object(article).first()
    assert version.revision.get_comment() == "Changed headline."


def test_publishing_changes_names_the_headline_readers_now_see(admin_client, editor):
    article = make_article(headline="Old headline", tags=["Weather"])
    admin_client.post(
        change_url(article), change_form_data(article, headline="New headline")
    )
    article.refresh_from_db()
    response = admin_client.post(
        reverse(
            "admin:articles_article_workflow", args=[article.pk, "publish_changes"]
        ),
        {"version": article.version},
        follow=True,
    )
    said = [str(message) for message in response.context["messages"]]
    assert said[-1] == "The changes to “New headline” are published."


@pytest.mark.parametrize(
    "status, words",
    [
        (Article.Status.DRAFT, "this article is a draft; readers cannot see it"),
        (Article.Status.IN_REVIEW, "this article is in review; readers cannot see it"),
    ],
)
def test_the_preview_banner_reads_as_a_sentence(admin_client, status, words):
    article = make_article(status=status, tags=["T"])
    page = admin_client.get(
        reverse("admin:articles_article_preview", args=[article.pk])
    ).content.decode()
    assert words in page
