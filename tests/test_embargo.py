"""An embargoed story reaches no public output until its embargo passes, even
when it is published by mistake; then it reaches every one."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleEvent
from articles.site.preview import share_url
from tests.factories import make_article
from tests.public_outputs import OUTPUTS, make_story

Status = Article.Status
Action = ArticleEvent.Action
pytestmark = pytest.mark.django_db


@pytest.fixture
def story(editor):
    story = make_story()
    workflow.add_correction(
        story.article, "The cranes come from Finland, not Sweden.", by=editor
    )
    return story


def embargo(article, editor, hours=2):
    until = timezone.now() + timedelta(hours=hours)
    workflow.set_embargo(article, until, by=editor)
    return until


@pytest.mark.parametrize("output", list(OUTPUTS))
def test_embargoed_story_is_absent_until_its_time_then_present(
    output, client, editor, story
):
    show = OUTPUTS[output]
    assert story.shown_in(show(client, story)), "the output shows the live story"
    until = embargo(story.article, editor)
    assert story.shown_in(show(client, story)) == []
    with time_machine.travel(until + timedelta(minutes=1)):
        assert story.shown_in(show(client, story))


def test_embargoed_article_page_answers_404_then_200(client, editor, story):
    url = story.article.get_absolute_url()
    until = embargo(story.article, editor)
    assert client.get(url).status_code == 404
    with time_machine.travel(until + timedelta(minutes=1)):
        assert client.get(url).status_code == 200


def test_embargoed_article_old_address_does_not_redirect(client, editor):
    article = make_article(slug="old-name", tags=["Port"])
    old = article.get_absolute_url()
    content = workflow.proposed_content(article)
    content.slug = "new-name"
    workflow.edit(article, content, by=editor)
    workflow.publish_changes(article, by=editor)
    assert client.get(old).status_code == 301
    embargo(article, editor)
    assert client.get(old).status_code == 404


def test_story_published_by_mistake_stays_hidden_until_the_embargo(client, editor):
    article = make_article(
        headline="Quarterly results",
        status=Status.IN_REVIEW,
        publish_at=None,
        tags=["Results"],
    )
    until = embargo(article, editor, hours=5)
    workflow.publish(article, by=editor, confirm_embargo=True)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert not article.is_live()
    assert not Article.objects.live().filter(pk=article.pk).exists()
    assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(until + timedelta(seconds=1)):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_shared_preview_of_an_embargoed_story_works_and_is_noindex(
    client, editor, story
):
    embargo(story.article, editor)
    response = client.get(share_url(story.article))
    assert response.status_code == 200
    assert story.article.headline in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in (
        response.content.decode()
    )


def test_admin_preview_of_an_embargoed_story_works_and_is_noindex(
    client, editor, story
):
    embargo(story.article, editor)
    client.force_login(editor)
    url = reverse("admin:articles_article_preview", args=[story.article.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def workflow_url(article, action):
    return reverse("admin:articles_article_workflow", args=[article.pk, action])


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_publishing_an_embargoed_article_asks_for_confirmation(client, editor):
    article = make_article(
        headline="Trade figures", status=Status.IN_REVIEW, publish_at=None, tags=["T"]
    )
    embargo(article, editor)
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert 'name="confirm_embargo"' in page.content.decode()
    refused = client.post(workflow_url(article, "publish"), follow=True)
    assert any("under embargo until" in m for m in messages_of(refused))
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    client.post(workflow_url(article, "publish"), {"confirm_embargo": "yes"})
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED


def test_scheduling_after_the_embargo_needs_no_confirmation(editor):
    article = make_article(status=Status.IN_REVIEW, publish_at=None, tags=["T"])
    until = embargo(article, editor)
    with pytest.raises(workflow.EmbargoNotConfirmed):
        workflow.schedule(article, by=editor, at=until - timedelta(minutes=30))
    workflow.schedule(article, by=editor, at=until + timedelta(minutes=30))
    assert Article.objects.get(pk=article.pk).status == Status.SCHEDULED


def test_bulk_publish_refuses_an_embargoed_article_with_the_reason(client, editor):
    article = make_article(
        headline="Bulk embargo", status=Status.IN_REVIEW, publish_at=None, tags=["T"]
    )
    embargo(article, editor)
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
        follow=True,
    )
    assert any("under embargo" in m for m in messages_of(response))
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW


def test_admin_list_filters_and_badges_embargoed_articles(client, editor):
    held = make_article(headline="Held story", tags=["T"])
    make_article(headline="Free story", tags=["T"])
    embargo(held, editor)
    client.force_login(editor)
    url = reverse("admin:articles_article_changelist")
    html = client.get(url + "?embargo=running").content.decode()
    assert "Held story" in html and "Free story" not in html
    assert "badge--embargo" in html and "Embargo until" in html


def test_desk_shows_embargoed_articles(client, editor):
    held = make_article(headline="Central bank decision", tags=["T"])
    embargo(held, editor)
    client.force_login(editor)
    html = client.get(reverse("admin:index")).content.decode()
    panel = html.split('id="desk-embargoed"', 1)[1].split("</div>", 1)[0]
    assert "Central bank decision" in panel


def test_setting_and_ending_an_embargo_are_recorded(editor):
    article = make_article(tags=["T"])
    until = embargo(article, editor)
    with time_machine.travel(until + timedelta(minutes=1)):
        run = workflow.run_scheduled()
    assert [a.pk for a in run.embargoes_ended] == [article.pk]
    article.refresh_from_db()
    assert article.embargo_until is None
    actions = list(article.events.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == [Action.EMBARGO, Action.EMBARGO_ENDED]


def test_only_editors_set_embargoes(writer):
    article = make_article(status=Status.DRAFT, publish_at=None, created_by=writer)
    with pytest.raises(Exception, match="Only editors"):
        embargo(article, writer)
    assert Article.objects.get(pk=article.pk).embargo_until is None
