"""Live coverage from the article's admin page: start, post, edit, correct,
delete, end; writers' updates through review."""

import pytest
from django.urls import reverse

from articles import workflow
from articles.models import ArticleEvent, Correction, LiveUpdate
from tests.factories import make_article, make_author

Action = ArticleEvent.Action
pytestmark = pytest.mark.django_db


def coverage_url(article, verb):
    return reverse("admin:articles_article_live", args=[article.pk, verb])


def update_url(update, verb=None):
    if verb is None:
        return reverse(
            "admin:articles_article_live_update", args=[update.article_id, update.pk]
        )
    return reverse(
        "admin:articles_article_live_update_action",
        args=[update.article_id, update.pk, verb],
    )


def change_page(client, article) -> str:
    url = reverse("admin:articles_article_change", args=[article.pk])
    return client.get(url).content.decode()


def posted(**over):
    data = {
        "update-headline": "Roads closed",
        "update-body": "<p>The coast road is closed.</p>",
        "update-authors": [],
    }
    data.update({f"update-{k}": v for k, v in over.items()})
    return data


def test_editor_runs_live_coverage_from_the_change_page(client, editor):
    article = make_article(headline="Storm")
    reporter = make_author(name="Rita Reporter")
    client.force_login(editor)
    assert "Start live coverage" in change_page(client, article)

    client.post(coverage_url(article, "start"))
    page = change_page(client, article)
    assert "End live coverage" in page and "Post an update" in page

    client.post(
        coverage_url(article, "post"),
        posted(authors=[reporter.pk], is_key_event="on", is_pinned="on"),
    )
    update = LiveUpdate.objects.get(article=article)
    assert update.headline == "Roads closed"
    assert [a.name for a in update.authors.all()] == ["Rita Reporter"]
    assert update.is_key_event and update.is_pinned
    assert update.status == LiveUpdate.Status.PUBLISHED

    client.post(update_url(update), posted(headline="Coast road closed"))
    update.refresh_from_db()
    assert update.headline == "Coast road closed" and not update.is_pinned

    client.post(
        update_url(update, "correct"),
        {"kind": "correction", "text": "It is the north road."},
    )
    assert Correction.objects.get(live_update=update).text == "It is the north road."

    client.post(update_url(update, "delete"))
    assert not LiveUpdate.objects.filter(pk=update.pk).exists()

    client.post(coverage_url(article, "end"))
    article.refresh_from_db()
    assert article.coverage_end_at is not None
    actions = set(article.events.values_list("action", flat=True))
    assert {
        Action.START_COVERAGE,
        Action.POST_UPDATE,
        Action.EDIT_UPDATE,
        Action.CORRECT,
        Action.DELETE_UPDATE,
        Action.END_COVERAGE,
    } <= actions


def test_a_refused_update_says_why_and_writes_nothing(client, editor):
    article = make_article(headline="Storm")
    workflow.start_coverage(article, by=editor)
    client.force_login(editor)
    response = client.post(
        coverage_url(article, "post"), posted(body="<script>x</script>"), follow=True
    )
    assert "write what the update says" in response.content.decode()
    assert not LiveUpdate.objects.exists()


def test_writer_on_the_byline_posts_for_review_and_an_editor_publishes(
    client, editor, writer
):
    article = make_article(headline="Storm", created_by=writer)
    workflow.start_coverage(article, by=editor)
    client.force_login(writer)
    assert "Post an update" in change_page(client, article)
    assert "Start live coverage" not in change_page(client, article)
    client.post(coverage_url(article, "post"), posted())
    update = LiveUpdate.objects.get()
    assert update.status == LiveUpdate.Status.IN_REVIEW

    client.force_login(editor)
    edit_page = client.get(update_url(update)).content.decode()
    assert "Publish the update" in edit_page
    submitted_at = update.published_at
    client.post(update_url(update), {**posted(), "publish": "Publish"})
    update.refresh_from_db()
    assert update.status == LiveUpdate.Status.PUBLISHED
    assert update.published_at > submitted_at  # new to readers' open pages


def test_writer_cannot_start_coverage_or_delete_published_updates(
    client, editor, writer
):
    article = make_article(headline="Storm", created_by=writer)
    client.force_login(writer)
    client.post(coverage_url(article, "start"))
    article.refresh_from_db()
    assert article.coverage_start_at is None
    workflow.start_coverage(article, by=editor)
    update = workflow.post_update(
        article, workflow.UpdateContent(body="<p>x</p>"), by=editor
    )
    response = client.post(update_url(update, "delete"), follow=True)
    assert "Only editors change live updates" in response.content.decode()
    assert LiveUpdate.objects.filter(pk=update.pk).exists()
