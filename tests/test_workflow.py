import threading
from datetime import timedelta

import pytest
import reversion
import time_machine
from django.core import signing
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleEvent
from tests.factories import (
    change_form_data,
    make_article,
    make_credit,
    make_photo,
    make_role_user,
    make_section,
    staff_reporter,
)

Status = Article.Status
pytestmark = pytest.mark.django_db


def draft_by(writer, **over):
    fields = {
        "status": Status.DRAFT,
        "publish_at": None,
        "created_by": writer,
        "tags": ["Ports"],
    }
    return make_article(authors=[writer.author], **{**fields, **over})


def workflow_url(article, action):
    return reverse("admin:articles_article_workflow", args=[article.pk, action])


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_role_groups_exist_and_membership_grants_admin_login(client, writer):
    assert writer.is_staff and not writer.is_superuser
    client.force_login(writer)
    assert client.get(reverse("admin:index")).status_code == 200
    writer.groups.clear()
    writer.refresh_from_db()
    assert not writer.is_staff


def test_writer_article_goes_through_review_to_scheduled_to_live(
    client, writer, editor
):
    article = draft_by(writer, headline="Port volumes hit record")
    client.force_login(writer)
    client.post(workflow_url(article, "submit"))
    client.force_login(editor)
    client.post(workflow_url(article, "return"), {"comment": "Add a quote"})
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    client.force_login(writer)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "Add a quote" in page.content.decode()
    client.post(workflow_url(article, "submit"))
    client.force_login(editor)
    at = timezone.localtime() + timedelta(hours=2)
    response = client.post(
        workflow_url(article, "schedule"),
        {"publish_at": at.strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )
    assert any("is scheduled for" in m for m in messages_of(response))
    article.refresh_from_db()
    assert article.status == Status.SCHEDULED
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(at + timedelta(minutes=1)):
        assert client.get(article.get_absolute_url()).status_code == 200
    actions = list(
        article.events.order_by("created_at").values_list("action", flat=True)
    )
    assert actions == ["submit", "return", "submit", "schedule"]


@pytest.mark.parametrize(
    ("status", "move", "message"),
    [
        (Status.DRAFT, workflow.publish, "is draft; it cannot be published"),
        (Status.DRAFT, workflow.unpublish, "cannot be unpublished"),
        (Status.PUBLISHED, workflow.publish, "is published; it cannot be published"),
        (Status.UNPUBLISHED, workflow.unpublish, "cannot be unpublished"),
    ],
)
def test_illegal_transition_is_refused_and_changes_nothing(
    editor, status, move, message
):
    article = make_article(status=status)
    before = Article.objects.values().get(pk=article.pk)
    events = list(ArticleEvent.objects.values_list("pk", flat=True))
    with pytest.raises(workflow.InvalidTransition) as error:
        move(article, by=editor)
    assert message in error.value.messages[0]
    assert Article.objects.values().get(pk=article.pk) == before
    assert list(ArticleEvent.objects.values_list("pk", flat=True)) == events


def test_illegal_transition_shows_a_clear_message_in_the_admin(client, editor, writer):
    article = draft_by(writer)
    client.force_login(editor)
    response = client.post(workflow_url(article, "publish"), follow=True)
    assert any("cannot be published" in m for m in messages_of(response))
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_inline_photo_without_alt_text_blocks_publishing(editor):
    photo = make_photo(alt_text="", credit=make_credit(agency="Harbour Light"))
    article = make_article(
        status=Status.IN_REVIEW,
        publish_at=None,
        tags=["Ports"],
        body=f'<p>Text.</p><figure data-photo="{photo.pk}"></figure>',
    )
    with pytest.raises(workflow.InvalidTransition, match="In the body: The photo has"):
        workflow.publish(article, by=editor)
    # The story keeps the alt text it was placed with: the editor places the
    # photo again once the library has some.
    photo.alt_text = "Cranes at dusk"
    photo.save()
    content = workflow.proposed_content(article)
    content.body = f'<p>Text.</p><figure data-photo="{photo.pk}"></figure>'
    workflow.edit(article, content, by=editor, version=article.version)
    workflow.publish(article, by=editor)
    assert article.status == Status.PUBLISHED


def test_schedule_needs_a_future_time(editor):
    article = make_article(tags=["Ports"], status=Status.IN_REVIEW, publish_at=None)
    with pytest.raises(workflow.InvalidTransition, match="in the future"):
        workflow.schedule(article, by=editor, at=timezone.now() - timedelta(minutes=1))
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW


def test_return_needs_a_comment(editor):
    article = make_article(tags=["Ports"], status=Status.IN_REVIEW)
    with pytest.raises(workflow.InvalidTransition, match="comment"):
        workflow.return_to_writer(article, by=editor, comment=" ")


def test_publication_dates_follow_newsroom_rules(editor):
    article = make_article(tags=["Ports"], status=Status.IN_REVIEW, publish_at=None)
    with time_machine.travel("2026-03-26 08:00Z", tick=False):
        workflow.publish(article, by=editor)
    first = article.first_published_at
    assert first == article.publish_at
    assert article.updated_at is None
    with time_machine.travel("2026-03-27 09:00Z", tick=False):
        workflow.unpublish(article, by=editor, comment="Legal check")
        workflow.publish(article, by=editor, comment="Corrected")
    assert article.first_published_at == first
    assert article.publish_at == first
    assert article.updated_at.isoformat().startswith("2026-03-27T09:00")


def test_events_record_actor_states_and_comment(editor):
    article = make_article(tags=["Ports"], status=Status.IN_REVIEW)
    workflow.publish(article, by=editor, comment="Lead story")
    event = article.events.get(action="publish")
    assert (event.actor, event.from_status, event.to_status, event.comment) == (
        editor,
        Status.IN_REVIEW,
        Status.PUBLISHED,
        "Lead story",
    )


# Scheduling ---------------------------------------------------------------------


def test_scheduled_article_goes_live_exactly_at_publish_time(client, editor):
    at = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    article = make_article(tags=["Ports"], status=Status.IN_REVIEW, publish_at=None)
    workflow.schedule(article, by=editor, at=at)
    with time_machine.travel(at - timedelta(seconds=1), tick=False):
        assert not Article.objects.live().exists()
        assert client.get(article.get_absolute_url()).status_code == 404
        assert article.headline not in client.get("/").content.decode()
    with time_machine.travel(at, tick=False):
        assert list(Article.objects.live()) == [article]
        assert client.get(article.get_absolute_url()).status_code == 200


def test_publish_scheduled_records_due_articles_once(editor):
    at = timezone.now() + timedelta(minutes=5)
    due = make_article(tags=["Ports"], status=Status.IN_REVIEW, publish_at=None)
    later = make_article(tags=["Ports"], status=Status.IN_REVIEW, publish_at=None)
    workflow.schedule(due, by=editor, at=at)
    workflow.schedule(later, by=editor, at=at + timedelta(days=1))
    with time_machine.travel(at + timedelta(seconds=30)):
        call_command("publish_scheduled")
        call_command("publish_scheduled")
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == (Status.PUBLISHED, Status.SCHEDULED)
    assert due.first_published_at == at
    assert due.events.filter(action="publish").count() == 1
    assert due.events.get(action="publish").actor is None


def test_stale_scheduler_run_publishes_nothing_twice(editor):
    article = make_article(
        tags=["Ports"], status=Status.SCHEDULED, publish_at=timezone.now()
    )
    stale_copy = Article.objects.get(pk=article.pk)
    assert workflow.publish_due() == [article]
    with pytest.raises(workflow.InvalidTransition):
        workflow.publish(stale_copy, by=editor)
    assert article.events.filter(action="publish").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_publish_scheduled_runs_publish_each_article_once():
    section = make_section()
    articles = [
        make_article(
            section=section,
            status=Status.SCHEDULED,
            publish_at=timezone.now(),
            tags=["Ports"],
        )
        for _ in range(20)
    ]
    start = threading.Barrier(4)
    errors = []

    def run():
        try:
            start.wait()
            call_command("publish_scheduled")
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Article.objects.filter(status=Status.PUBLISHED).count() == len(articles)
    assert ArticleEvent.objects.filter(action="publish").count() == len(articles)


# Revisions ----------------------------------------------------------------------


def test_restoring_a_revision_brings_content_back_without_touching_status(
    client, editor
):
    article = make_article(status=Status.DRAFT, headline="First headline", tags=["A"])
    first = reversion.models.Version.objects.get_for_object(article).get()
    content = workflow.proposed_content(article)
    content.headline, content.tags = "Second headline", ["B"]
    workflow.edit(article, content, by=editor, version=article.version)
    client.force_login(editor)
    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    assert "First headline" in client.get(url).content.decode()
    response = client.post(url, {"version": article.version}, follow=True)
    assert "The revision was restored." in messages_of(response)
    article.refresh_from_db()
    assert article.headline == "First headline"
    assert [t.name for t in article.tags.all()] == ["A"]
    assert article.status == Status.DRAFT
    assert article.events.filter(action="restore").count() == 1
    assert reversion.models.Version.objects.get_for_object(article).count() == 3


def test_restoring_a_revision_onto_a_scheduled_article_passes_its_checklist(editor):
    content = workflow.ArticleContent(
        headline="Port opens",
        slug="port-opens",
        standfirst="The port opens.",
        section=make_section().pk,
        authors=[staff_reporter().pk],
    )
    article = workflow.create(content, by=editor)
    untagged = reversion.models.Version.objects.get_for_object(article).get()
    content = workflow.proposed_content(article)
    content.tags = ["Ports"]
    workflow.edit(article, content, by=editor, version=article.version)
    workflow.submit(article, by=editor)
    workflow.schedule(article, by=editor, at=timezone.now() + timedelta(hours=2))
    # The same content, saved as an edit, is refused...
    with pytest.raises(workflow.InvalidTransition, match="at least 1") as edited:
        workflow.edit(
            article,
            workflow.content_of_revision(untagged),
            by=editor,
            version=article.version,
        )
    # ...and so is restoring it, with the checklist's words.
    with pytest.raises(workflow.InvalidTransition) as restored:
        workflow.restore(article, untagged, by=editor, version=article.version)
    assert restored.value.messages == edited.value.messages
    article.refresh_from_db()
    assert [t.name for t in article.tags.all()] == ["Ports"]
    assert article.status == Status.SCHEDULED


def test_restoring_over_changes_saved_meanwhile_is_a_conflict(client, editor):
    other = make_role_user("Editor", "other-editor")
    content = workflow.ArticleContent(
        headline="First", slug="first", section=make_section().pk
    )
    article = workflow.create(content, by=editor)
    first = reversion.models.Version.objects.get_for_object(article).get()
    client.force_login(editor)
    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    seen = article.version
    assert f'name="version" value="{seen}"' in client.get(url).content.decode()
    content = workflow.proposed_content(article)
    content.headline = "Second, by another editor"
    workflow.edit(article, content, by=other, version=seen)
    with pytest.raises(workflow.EditConflict):
        workflow.restore(article, first, by=editor, version=seen)
    response = client.post(url, {"version": seen}, follow=True)
    assert any("Someone else saved" in m for m in messages_of(response))
    article.refresh_from_db()
    assert article.headline == "Second, by another editor"
    assert not article.events.filter(action="restore").exists()


def test_editor_compares_two_revisions(client, editor):
    article = make_article(headline="Before", status=Status.DRAFT)
    content = workflow.proposed_content(article)
    content.headline = "After"
    workflow.edit(article, content, by=editor, version=article.version)
    versions = list(reversion.models.Version.objects.get_for_object(article))
    client.force_login(editor)
    response = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"version_id1": versions[1].pk, "version_id2": versions[0].pk},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Before" in html and "After" in html


def test_every_admin_save_makes_a_revision_with_author(client, editor):
    article = make_article(status=Status.DRAFT)
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        change_form_data(article, headline="Edited in admin"),
    )
    assert response.status_code == 302
    version = reversion.models.Version.objects.get_for_object(article).first()
    assert version.revision.user == editor
    assert version.field_dict["headline"] == "Edited in admin"


# Edit conflicts -----------------------------------------------------------------


def test_second_save_of_the_same_version_merges_what_only_it_changed(client):
    article = make_article(status=Status.DRAFT, headline="Original", standfirst="S")
    first, second = (
        make_role_user("Editor", "first"),
        make_role_user("Editor", "second"),
    )
    url = reverse("admin:articles_article_change", args=[article.pk])
    opened_by_first = change_form_data(article)
    opened_by_second = change_form_data(article)
    client.force_login(first)
    response = client.post(url, {**opened_by_first, "headline": "First's headline"})
    assert response.status_code == 302
    client.force_login(second)
    response = client.post(url, {**opened_by_second, "standfirst": "Second's text"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.standfirst) == (
        "First's headline",
        "Second's text",
    )


def test_second_save_changing_the_same_field_is_refused_and_overwrites_nothing(
    client,
):
    article = make_article(status=Status.DRAFT, headline="Original", standfirst="S")
    first, second = (
        make_role_user("Editor", "first"),
        make_role_user("Editor", "second"),
    )
    url = reverse("admin:articles_article_change", args=[article.pk])
    opened_by_first = change_form_data(article)
    opened_by_second = change_form_data(article)
    client.force_login(first)
    client.post(url, {**opened_by_first, "headline": "First's headline"})
    client.force_login(second)
    response = client.post(
        url,
        {**opened_by_second, "headline": "Second's headline", "standfirst": "T"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this article while you were editing" in html
    assert "Second&#x27;s headline" in html  # the refused edit is still in the form
    article.refresh_from_db()
    assert (article.headline, article.standfirst) == ("First's headline", "S")


# Editing a live article ---------------------------------------------------------


def test_edits_to_a_live_article_wait_for_an_editor(client, editor):
    article = make_article(headline="Live headline", tags=["China"])
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(editor)
    response = client.post(
        url,
        change_form_data(article, headline="Half-finished edit", tags=["China", "AI"]),
    )
    assert response.status_code == 302
    public = client.get(article.get_absolute_url())
    html = public.content.decode()
    assert "Live headline" in html and "Half-finished edit" not in html

    form = client.get(url).content.decode()
    assert "pending changes" in form and 'value="Half-finished edit"' in form
    preview = client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    assert "Half-finished edit" in preview.content.decode()
    assert "no-cache" in preview["Cache-Control"]
    assert Article.objects.get(pk=article.pk).headline == "Live headline"

    client.post(workflow_url(article, "publish_changes"))
    article.refresh_from_db()
    assert article.headline == "Half-finished edit"
    assert sorted(t.name for t in article.tags.all()) == ["AI", "China"]
    assert article.updated_at is not None and article.status == Status.PUBLISHED
    assert (
        "Half-finished edit" in client.get(article.get_absolute_url()).content.decode()
    )


def test_saving_a_live_article_unchanged_makes_no_pending_changes(client, editor):
    article = make_article(headline="Live headline")
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, change_form_data(article), follow=True)
    assert "Nothing was changed." in messages_of(response)
    assert not workflow.has_pending_changes(article)


def test_pending_changes_can_be_discarded(client, editor):
    article = make_article(headline="Live headline")
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.post(url, change_form_data(article, headline="Unwanted"))
    assert workflow.has_pending_changes(article)
    client.post(workflow_url(article, "discard_changes"))
    assert not workflow.has_pending_changes(article)
    assert 'value="Live headline"' in client.get(url).content.decode()


# Preview ------------------------------------------------------------------------


def test_staff_preview_renders_the_public_page_with_a_banner(client, writer):
    article = draft_by(writer, headline="Draft story")
    client.force_login(writer)
    response = client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="article__headline">Draft story</h1>' in html
    assert "Preview" in html and 'content="noindex, nofollow"' in html
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def share_link(client, editor, article):
    client.force_login(editor)
    response = client.post(workflow_url(article, "share"), follow=True)
    message = next(m for m in messages_of(response) if "Preview link" in m)
    client.logout()
    return message.split("): ", 1)[1].replace("http://testserver", "")


def test_shared_preview_link_shows_the_draft_to_anyone(client, editor, writer):
    article = draft_by(writer, headline="Embargoed story")
    url = share_link(client, editor, article)
    response = client.get(url)
    assert response.status_code == 200
    assert "Embargoed story" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


def test_tampered_preview_link_is_404(client, editor, writer):
    article = draft_by(writer, headline="Embargoed story")
    other = draft_by(writer, headline="Other draft")
    url = share_link(client, editor, article)
    token = url.rstrip("/").rsplit("/", 1)[1]
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = client.get(reverse("articles:preview", args=[forged]))
    assert response.status_code == 404
    assert "Embargoed story" not in response.content.decode()
    payload, signature = token.split(":", 1)
    other_payload = signing.dumps({"article": other.pk}, compress=True).split(":")[0]
    swapped = reverse("articles:preview", args=[f"{other_payload}:{signature}"])
    assert client.get(swapped).status_code == 404


def test_expired_preview_link_is_404(client, editor, writer, settings):
    article = draft_by(writer, headline="Embargoed story")
    url = share_link(client, editor, article)
    later = timezone.now() + timedelta(
        seconds=settings.NEWSROOM_PREVIEW_LINK_MAX_AGE + 1
    )
    with time_machine.travel(later):
        response = client.get(url)
    assert response.status_code == 404
    assert "Embargoed story" not in response.content.decode()


def test_editors_preview_unpublished_articles_at_their_public_url(
    client, editor, writer
):
    article = draft_by(writer, headline="Draft story")
    assert client.get(article.get_absolute_url()).status_code == 404
    client.force_login(writer)  # writers preview in the admin, not on the site
    assert client.get(article.get_absolute_url()).status_code == 404
    client.force_login(editor)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200 and "Preview" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


# Slug changes -------------------------------------------------------------------


def test_changed_slug_and_section_keep_old_urls_working(client, editor):
    technology = make_section(name="Technology", slug="technology")
    markets = make_section(name="Markets", slug="markets")
    article = make_article(
        section=technology, slug="old-slug", headline="Story", tags=["Chips"]
    )
    old_url = article.get_absolute_url()
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.post(url, change_form_data(article, slug="new-slug"))
    client.post(workflow_url(article, "publish_changes"))
    client.post(url, change_form_data(article, section=markets.pk))
    client.post(workflow_url(article, "publish_changes"))
    client.logout()
    article.refresh_from_db()
    assert article.get_absolute_url() == "/markets/new-slug/"
    for path in (old_url, "/technology/new-slug/"):
        response = client.get(path)
        assert response.status_code == 301, path
        assert response["Location"] == "/markets/new-slug/"
    assert client.get("/markets/new-slug/").status_code == 200


def test_old_url_of_an_unpublished_article_is_404(client, editor):
    article = make_article(slug="old-slug")
    old_url = article.get_absolute_url()
    client.force_login(editor)
    client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        change_form_data(article, slug="new-slug"),
    )
    client.post(workflow_url(article, "publish_changes"))
    workflow.unpublish(Article.objects.get(pk=article.pk), by=editor)
    client.logout()
    assert client.get(old_url).status_code == 404


# Bulk actions -------------------------------------------------------------------


def test_bulk_publish_refuses_per_item_with_reasons(client, editor):
    ready = make_article(
        headline="Ready story", status=Status.IN_REVIEW, publish_at=None, tags=["Ports"]
    )
    draft = make_article(headline="Rough draft", status=Status.DRAFT, publish_at=None)
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [ready.pk, draft.pk]},
        follow=True,
    )
    texts = messages_of(response)
    assert any("1 published: “Ready story”" in m for m in texts)
    assert any("Refused: “Rough draft” is draft" in m for m in texts)
    assert Article.objects.get(pk=ready.pk).status == Status.PUBLISHED
    assert Article.objects.get(pk=draft.pk).status == Status.DRAFT
