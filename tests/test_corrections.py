"""Corrections and clarifications, and the notes on updates to live articles."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleEvent, Correction
from tests.factories import change_form_data, make_article

Status = Article.Status
Action = ArticleEvent.Action
pytestmark = pytest.mark.django_db


def workflow_url(article, action):
    return reverse("admin:articles_article_workflow", args=[article.pk, action])


def json_ld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html)
    return json.loads(found.group(1))


def test_editor_corrects_a_live_story_and_readers_see_it_everywhere(client, editor):
    article = make_article(headline="Bridge opens", tags=["T"])
    client.force_login(editor)
    client.post(
        workflow_url(article, "correct"),
        {"kind": "correction", "text": "The bridge is 2 km long, not 20 km."},
    )
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    box = page.split('class="corrections"', 1)[1].split("</aside>", 1)[0]
    assert "The bridge is 2 km long, not 20 km." in box
    listing = client.get(reverse("articles:corrections")).content.decode()
    assert "The bridge is 2 km long" in listing
    assert article.get_absolute_url() in listing
    feed = client.get(reverse("articles:corrections_feed")).content.decode()
    assert "Correction: Bridge opens" in feed
    assert "The bridge is 2 km long" in feed
    data = json_ld(page)
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "The bridge is 2 km long, not 20 km.",
            "datePublished": data["correction"][0]["datePublished"],
        }
    ]


def test_corrections_are_shown_newest_first_with_their_times(client, editor):
    article = make_article(tags=["T"])
    start = timezone.now()
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        workflow.add_correction(article, "First fix.", by=editor)
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        workflow.add_correction(
            article, "Second fix.", by=editor, kind=Correction.Kind.CLARIFICATION
        )
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.index("Second fix.") < page.index("First fix.")
    assert "Clarification" in page
    listing = client.get(reverse("articles:corrections")).content.decode()
    assert listing.index("Second fix.") < listing.index("First fix.")
    feed = client.get(reverse("articles:corrections_feed")).content.decode()
    assert feed.index("Second fix.") < feed.index("First fix.")


def test_a_correction_moves_date_modified_never_date_published(client, editor):
    article = make_article(tags=["T"])
    before = json_ld(client.get(article.get_absolute_url()).content.decode())
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        workflow.add_correction(article, "A name was misspelt.", by=editor)
        after = json_ld(client.get(article.get_absolute_url()).content.decode())
    assert after["datePublished"] == before["datePublished"]
    assert after["dateModified"] > before["dateModified"]


def test_withdrawing_a_correction_is_recorded_and_shown(client, editor):
    article = make_article(tags=["T"])
    correction = workflow.add_correction(article, "The mayor resigned.", by=editor)
    client.force_login(editor)
    client.post(
        workflow_url(article, "withdraw_correction"),
        {"correction": correction.pk, "reason": "The mayor had not resigned."},
    )
    client.logout()
    correction.refresh_from_db()
    assert correction.is_withdrawn and correction.withdrawn_by == editor
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<del>The mayor resigned.</del>" in page
    assert "Withdrawn" in page and "The mayor had not resigned." in page
    assert "correction" not in json_ld(page)
    listing = client.get(reverse("articles:corrections")).content.decode()
    assert "The mayor had not resigned." in listing
    actions = article.events.values_list("action", flat=True)
    assert {Action.CORRECT, Action.WITHDRAW_CORRECTION} <= set(actions)


def test_a_correction_cannot_be_deleted_in_the_admin(admin_client, editor):
    article = make_article(tags=["T"])
    correction = workflow.add_correction(article, "Fix.", by=editor)
    url = reverse("admin:articles_correction_delete", args=[correction.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Correction.objects.filter(pk=correction.pk).exists()


def test_corrections_are_for_live_articles_and_editors_only(editor, writer):
    draft = make_article(status=Status.DRAFT, publish_at=None, created_by=writer)
    with pytest.raises(workflow.InvalidTransition, match="not live"):
        workflow.add_correction(draft, "Fix.", by=editor)
    live = make_article(tags=["T"])
    with pytest.raises(Exception, match="Only editors"):
        workflow.add_correction(live, "Fix.", by=writer)
    assert not Correction.objects.exists()


def test_update_note_is_shown_for_the_latest_update_and_kept_in_the_history(
    client, editor
):
    article = make_article(headline="Storm nears", tags=["Weather"])
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    for headline, note in [
        ("Storm makes landfall", "Storm reached the coast"),
        ("Storm weakens", "Added the latest wind speeds"),
    ]:
        client.post(url, change_form_data(article, headline=headline))
        article.refresh_from_db()
        client.post(
            workflow_url(article, "publish_changes"),
            {"note": note, "version": article.version},
        )
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    updated = page.split('class="article__updated"', 1)[1].split("</span>", 1)[0]
    assert ": Added the latest wind speeds" in updated
    assert "Storm reached the coast" not in page
    notes = list(
        article.events.filter(action=Action.PUBLISH_CHANGES)
        .order_by("pk")
        .values_list("comment", flat=True)
    )
    assert notes == ["Storm reached the coast", "Added the latest wind speeds"]


def test_update_note_is_one_line(editor):
    article = make_article(tags=["T"])
    content = workflow.proposed_content(article)
    content.headline = "Changed"
    workflow.edit(article, content, by=editor)
    with pytest.raises(workflow.InvalidTransition, match="one line"):
        workflow.publish_changes(article, by=editor, note="one\ntwo")
    assert workflow.has_pending_changes(article)
