"""Editing live articles: pending changes are content of their own, published
through the workflow, and reading them never writes."""

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from articles import workflow
from articles.models import Article, ArticleEvent, PendingChange
from articles.site.preview import share_url
from tests.factories import (
    change_form_data,
    make_article,
    make_author,
    make_credit,
    make_rendered_photo,
    photo_bytes,
)

Status = Article.Status
Action = ArticleEvent.Action
pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def workflow_url(article, action):
    return reverse("admin:articles_article_workflow", args=[article.pk, action])


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def tag_names(article):
    return sorted(t.name for t in Article.objects.get(pk=article.pk).tags.all())


def test_editor_adds_an_existing_tag_to_a_live_article_and_publishes_it(client, editor):
    author = make_author(name="Mei Lin")
    article = make_article(headline="Robots", tags=["China"], authors=[author])
    make_article(tags=["Changsha"])  # the tag exists, on another story
    client.force_login(editor)
    data = change_form_data(article, tags=["China", "Changsha"], _continue="1")
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    assert tag_names(article) == ["China"]  # readers still see the old tags

    assert client.get(change_url(article)).status_code == 200
    preview = client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    assert preview.status_code == 200 and "/tags/changsha/" in preview.content.decode()
    response = client.post(workflow_url(article, "publish_changes"), follow=True)
    assert "are published" in " ".join(messages_of(response))
    assert tag_names(article) == ["Changsha", "China"]
    assert [b.author for b in Article.objects.get(pk=article.pk).bylines.all()] == [
        author
    ]
    page = client.get(article.get_absolute_url()).content.decode()
    assert "/tags/changsha/" in page


def test_tag_change_on_a_live_article_can_be_saved_again_and_previewed(client, editor):
    article = make_article(tags=["China"])
    client.force_login(editor)
    client.post(change_url(article), change_form_data(article, tags=["China", "AI"]))
    # The form shows the pending tags; saving it again keeps them.
    form = client.get(change_url(article)).content.decode()
    assert 'value="AI"' in form
    data = change_form_data(article, tags=["China", "AI"], headline="Second pass")
    data["loaded_version"] = Article.objects.get(pk=article.pk).version
    assert client.post(change_url(article), data).status_code == 302
    pending = PendingChange.objects.get(article=article).content
    assert pending["headline"] == "Second pass"
    assert sorted(pending["tags"]) == ["AI", "China"]


def test_publishing_pending_changes_twice_refuses_the_second_click(client, editor):
    article = make_article(headline="Old", tags=["Ports"])
    client.force_login(editor)
    client.post(change_url(article), change_form_data(article, headline="New"))
    first = client.post(workflow_url(article, "publish_changes"), follow=True)
    second = client.post(workflow_url(article, "publish_changes"), follow=True)
    assert first.status_code == second.status_code == 200
    assert "no pending changes to publish" in " ".join(messages_of(second))
    assert Article.objects.get(pk=article.pk).headline == "New"
    assert article.events.filter(action=Action.PUBLISH_CHANGES).count() == 1


def test_second_save_from_the_same_version_of_a_live_article_is_refused(client, editor):
    article = make_article(headline="Original")
    opened = change_form_data(article)  # both editors opened this version
    client.force_login(editor)
    client.post(change_url(article), {**opened, "headline": "First editor"})
    response = client.post(change_url(article), {**opened, "headline": "Second"})
    assert response.status_code == 200
    assert "Someone else saved this article" in response.content.decode()
    pending = PendingChange.objects.get(article=article).content
    assert pending["headline"] == "First editor"


def test_previews_and_the_change_form_of_a_live_article_write_nothing(client, editor):
    article = make_article(headline="Live", tags=["China"])
    client.force_login(editor)
    client.post(change_url(article), change_form_data(article, headline="Pending"))
    pages = [
        change_url(article),
        reverse("admin:articles_article_preview", args=[article.pk]),
        share_url(article),
        article.get_absolute_url(),
    ]
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        writes = [
            q["sql"]
            for q in queries
            if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
            and "django_session" not in q["sql"]
            and "security_usersession" not in q["sql"]
            # The version the change form shows is kept, to merge its save.
            and "articles_openedversion" not in q["sql"]
        ]
        assert writes == [], url
        assert not any("ROLLBACK TO" in q["sql"] for q in queries), url
    assert "Pending" in client.get(share_url(article)).content.decode()


def test_restoring_a_revision_of_a_live_article_keeps_its_tags_and_bylines(editor):
    author = make_author(name="Mei Lin")
    article = make_article(headline="First", tags=["China"], authors=[author])
    content = workflow.proposed_content(article)
    content.tags = ["China", "AI"]
    workflow.edit(article, content, by=editor)
    workflow.publish_changes(article, by=editor)
    content = workflow.proposed_content(article)
    content.headline, content.tags = "Second", ["Trade"]
    workflow.edit(article, content, by=editor)
    workflow.publish_changes(article, by=editor)
    # Its revisions: as it arrived, with the first published changes, the second.
    first = Version.objects.get_for_object(article).order_by("pk")[1]
    workflow.restore(article, first, by=editor, version=article.version)
    pending = workflow.proposed_content(article)
    assert pending.tags == ["AI", "China"] and pending.authors == [author.pk]
    workflow.publish_changes(article, by=editor)
    assert tag_names(article) == ["AI", "China"]


def test_an_uncredited_inline_photo_in_a_pending_edit_cannot_go_live(editor):
    uncredited = make_rendered_photo(photo_bytes(400, 300), alt_text="Robots")
    article = make_article(headline="Live story")
    content = workflow.proposed_content(article)
    content.body += f'<figure data-photo="{uncredited.pk}"></figure>'
    workflow.edit(article, content, by=editor)
    with pytest.raises(workflow.InvalidTransition, match="In the body"):
        workflow.publish_changes(article, by=editor)
    assert workflow.has_pending_changes(article)
    assert "data-photo" not in Article.objects.get(pk=article.pk).body


def test_editing_a_scheduled_article_checks_the_publishing_rules(client, editor):
    from datetime import timedelta

    from django.utils import timezone

    uncredited = make_rendered_photo(photo_bytes(400, 300), alt_text="Robots")
    article = make_article(
        status=Status.SCHEDULED, publish_at=timezone.now() + timedelta(hours=2)
    )
    client.force_login(editor)
    response = client.post(
        change_url(article), change_form_data(article, hero_photo=uncredited.pk)
    )
    assert response.status_code == 200
    assert "The photo has no credit" in response.content.decode()
    assert Article.objects.get(pk=article.pk).hero_photo is None


def test_scheduled_article_whose_photo_lost_its_credit_is_held_back(editor):
    from datetime import timedelta

    from django.utils import timezone

    credit = make_credit(agency="AFP")
    photo = make_rendered_photo(photo_bytes(800, 600), alt_text="x", credit=credit)
    article = make_article(
        status=Status.IN_REVIEW, publish_at=None, hero_photo=photo, tags=["Ports"]
    )
    workflow.schedule(article, by=editor, at=timezone.now() + timedelta(minutes=5))
    photo.credit = None
    photo.save()
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now())
    assert workflow.publish_due() == []
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    held = article.events.get(action=Action.HOLD)
    assert "no credit" in held.comment


def test_revision_compare_shows_tag_changes_and_no_bookkeeping(
    admin_client, editor, caplog
):
    article = make_article(headline="Compare me", tags=["China"])
    for tags, headline in ((["China", "AI"], "Compare me"), (["AI"], "Compared")):
        content = workflow.proposed_content(article)
        content.tags, content.headline = tags, headline
        workflow.edit(article, content, by=editor)
        workflow.publish_changes(article, by=editor)
    first, last = Version.objects.get_for_object(article).order_by("pk")[:2]
    url = reverse("admin:articles_article_compare", args=[article.pk])
    with caplog.at_level(logging.ERROR):
        response = admin_client.get(
            url, {"version_id1": first.pk, "version_id2": last.pk}
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 class="revision-field">Tags</h2>' in html
    assert "AI" in html
    assert 'revision-field">Version' not in html and "edited at" not in html.lower()
    assert not [r for r in caplog.records if "m2m" in r.getMessage()]
