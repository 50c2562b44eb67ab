"""Autosaved working copies, their recovery, presence on the change page, and
their clearing; none of it reaches any public output."""

import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.interchange.exporting import export_articles
from articles.models import Article, OpenedVersion, Presence, WorkingCopy
from articles.workflow.scheduler import run_scheduled
from tests.factories import change_form_data, make_article, make_role_user
from tests.public_outputs import OUTPUTS, make_story
from tests.test_api_write import Api, token_for

Status = Article.Status
pytestmark = pytest.mark.django_db


def change_url(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def autosave(client, article, **fields):
    return client.post(
        reverse("admin:articles_article_working_copy", args=[article.pk]),
        {"base_version": article.version, **fields},
    )


def heartbeat(client, article, **extra):
    return client.post(
        reverse("admin:articles_article_presence", args=[article.pk]), extra
    )


def test_autosave_keeps_what_was_typed_and_reopening_offers_it(client, editor):
    article = make_article(status=Status.DRAFT, headline="Floods", standfirst="S")
    client.force_login(editor)
    saved = autosave(client, article, standfirst="Rivers burst their banks")
    assert saved.status_code == 200 and saved.json()["saved_at"]
    article.refresh_from_db()
    assert article.standfirst == "S"  # not a save of the article

    page = client.get(change_url(article)).content.decode()
    assert "You have unsaved work on this article" in page
    assert "Standfirst" in page and "Nobody else has saved it since." in page

    restored = client.get(change_url(article) + "?restore=1")
    form = restored.context["adminform"].form
    assert form.initial["standfirst"] == "Rivers burst their banks"
    assert form.initial["headline"] == "Floods"
    assert "Your unsaved work is back in the form" in restored.content.decode()


def test_autosave_keeps_the_story_a_draft_follows(client, editor):
    earlier = make_article(headline="Dams hold")
    article = make_article(status=Status.DRAFT, headline="Floods")
    client.force_login(editor)
    autosave(client, article, follows=str(earlier.pk))
    restored = client.get(change_url(article) + "?restore=1")
    assert str(restored.context["adminform"].form.initial["follows"]) == str(earlier.pk)


def test_the_offer_says_what_others_saved_since(client, editor):
    article = make_article(status=Status.DRAFT, headline="Floods", standfirst="S")
    other = make_role_user("Editor", "other")
    client.force_login(editor)
    client.get(change_url(article))  # the version opened is kept
    autosave(client, article, standfirst="Rivers rise")
    workflow.edit(article, _with(article, headline="Floods spread"), by=other)
    page = client.get(change_url(article)).content.decode()
    assert "Since you started, someone else changed: Headline." in page


def test_saving_the_article_ends_the_working_copy(client, editor):
    article = make_article(status=Status.DRAFT, headline="Floods")
    client.force_login(editor)
    autosave(client, article, headline="Floods recede")
    client.post(
        change_url(article), change_form_data(article, headline="Floods recede")
    )
    assert not WorkingCopy.objects.exists()
    assert "unsaved work" not in client.get(change_url(article)).content.decode()


def test_discarding_drops_the_work(client, editor):
    article = make_article(status=Status.DRAFT, headline="Floods")
    client.force_login(editor)
    autosave(client, article, headline="Floods recede")
    response = client.post(
        reverse("admin:articles_article_discard_working_copy", args=[article.pk])
    )
    assert response.status_code == 302
    assert not WorkingCopy.objects.exists()


def test_working_copies_are_private_to_each_person(client, editor, writer):
    article = make_article(status=Status.DRAFT, headline="Floods")
    client.force_login(editor)
    autosave(client, article, headline="Editor's idea")
    other = make_role_user("Editor", "other")
    client.force_login(other)
    page = client.get(change_url(article)).content.decode()
    assert "Editor&#x27;s idea" not in page and "unsaved work" not in page
    # A writer may not edit someone else's draft: no working copy either.
    client.force_login(writer)
    assert autosave(client, article, headline="Mine").status_code == 403
    assert WorkingCopy.objects.count() == 1


def test_an_autosave_without_its_version_is_refused_clearly(client, editor):
    article = make_article(status=Status.DRAFT, headline="Floods")
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_working_copy", args=[article.pk]),
        {"headline": "X"},
    )
    assert response.status_code == 400
    assert "version" in response.json()["error"]
    assert not WorkingCopy.objects.exists()


def test_presence_lists_who_else_has_the_article_open_until_they_leave(client, editor):
    article = make_article(status=Status.DRAFT, headline="Floods")
    other = make_role_user("Editor", "other", first_name="Olga", last_name="Berg")
    client.force_login(other)
    assert heartbeat(client, article).json() == {"others": []}
    client.force_login(editor)
    assert heartbeat(client, article).json() == {"others": ["Olga Berg"]}
    assert (
        "Also editing now: Olga Berg"
        in client.get(change_url(article)).content.decode()
    )

    client.force_login(other)
    heartbeat(client, article, leave="1")
    client.force_login(editor)
    assert heartbeat(client, article).json() == {"others": []}


def test_presence_fades_within_a_minute_without_a_heartbeat(client, editor):
    article = make_article(status=Status.DRAFT, headline="Floods")
    other = make_role_user("Editor", "other")
    client.force_login(other)
    heartbeat(client, article)
    client.force_login(editor)
    with time_machine.travel(timezone.now() + timedelta(seconds=59)):
        assert heartbeat(client, article).json() == {"others": []}


def test_old_working_copies_are_cleared_by_the_sweep_and_the_command(
    client, editor, settings
):
    settings.NEWSROOM_WORKING_COPY_MAX_AGE_DAYS = 7
    article = make_article(status=Status.DRAFT, headline="Floods")
    client.force_login(editor)
    client.get(change_url(article))
    autosave(client, article, headline="Old idea")
    week_later = timezone.now() + timedelta(days=7, minutes=1)
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        run_scheduled()
    assert WorkingCopy.objects.count() == 1 and OpenedVersion.objects.count() == 1
    with time_machine.travel(week_later):
        run = run_scheduled()
    assert run.working_copies_cleared == 1
    assert not WorkingCopy.objects.exists() and not OpenedVersion.objects.exists()

    autosave(client, article, headline="Another old idea")
    with time_machine.travel(week_later + timedelta(days=7)):
        out = StringIO()
        call_command("clear_working_copies", "--dry-run", stdout=out)
        assert "1 working copies" in out.getvalue()
        assert WorkingCopy.objects.exists()
        call_command("clear_working_copies", stdout=out)
    assert not WorkingCopy.objects.exists()


def _with(article, **changes):
    content = workflow.proposed_content(article)
    for name, value in changes.items():
        setattr(content, name, value)
    return content


# Never public -------------------------------------------------------------------

# What the change page's autosave and heartbeat cost the database, each time.
AUTOSAVE_QUERIES = 11
HEARTBEAT_QUERIES = 12
SECRET = "Quillwort"


@pytest.fixture
def story_being_edited(client, editor):
    """A live story with an editor's unsaved work and presence on it."""
    story = make_story()
    workflow.add_correction(story.article, "The cranes are Finnish.", by=editor)
    other = make_role_user("Editor", "presence", first_name="Perpetua")
    client.force_login(other)
    client.get(change_url(story.article))
    heartbeat(client, story.article)
    autosave(
        client,
        story.article,
        headline=f"{SECRET} unsaved headline",
        body=f"<p>{SECRET} unsaved paragraph</p>",
    )
    client.logout()
    assert WorkingCopy.objects.count() == 1 and Presence.objects.count() == 1
    return story


def _api(client, path):
    response = client.get(f"/api/v1{path}")
    assert response.status_code == 200, path
    return response.content.decode()


def _draft_read(client, story):
    api = Api(client, token_for(make_role_user("Editor", "reader")))
    response = api.get(f"/drafts/{story.article.pk}")
    assert response.status_code == 200
    return response.content.decode()


def _export(client, story, tmp_path):
    path = tmp_path / "export.json"
    export_articles(path)
    return json.dumps(json.loads(path.read_text()))


PUBLIC = {
    **{name: (lambda c, s, t, show=show: show(c, s)) for name, show in OUTPUTS.items()},
    "API article list": lambda c, s, t: _api(c, "/articles"),
    "API article": lambda c, s, t: _api(c, f"/articles/{s.article.slug}"),
    "API draft read": lambda c, s, t: _draft_read(c, s),
    "export": lambda c, s, t: _export(c, s, t),
}


@pytest.mark.parametrize("output", list(PUBLIC))
def test_working_copies_and_presence_are_absent_from_every_output(
    output, client, story_being_edited, tmp_path
):
    text = PUBLIC[output](client, story_being_edited, tmp_path)
    assert story_being_edited.shown_in(text), "the output shows the story itself"
    assert SECRET not in text
    assert "Perpetua" not in text and "presence" not in text.lower()


def test_search_finds_nothing_by_unsaved_words(client, story_being_edited):
    response = client.get(reverse("articles:search") + f"?q={SECRET}")
    assert response.status_code == 200
    assert story_being_edited.shown_in(response.content.decode()) == []


def test_autosave_and_heartbeat_cost_a_fixed_number_of_queries(
    client, editor, django_assert_num_queries
):
    article = make_article(status=Status.DRAFT, headline="Floods")
    other = make_role_user("Editor", "other")
    client.force_login(other)
    heartbeat(client, article)
    client.force_login(editor)
    autosave(client, article, headline="First words")
    heartbeat(client, article)
    # The same however long the page stays open: one UPDATE of the row each
    # keeps (and, for the heartbeat, who else is here).
    with django_assert_num_queries(AUTOSAVE_QUERIES):
        autosave(client, article, headline="More words", body="<p>And more</p>")
    with django_assert_num_queries(HEARTBEAT_QUERIES):
        assert heartbeat(client, article).json()["others"] == ["other"]
