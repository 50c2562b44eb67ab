"""Pending changes to a live story, scheduled: they go out at their minute with
their update note, through the workflow and its checklist, or are held back."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleEvent, PendingChange, ScheduledUpdate
from tests.factories import make_article

Status = Article.Status
Action = ArticleEvent.Action
pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def workflow_url(article, action):
    return reverse("admin:articles_article_workflow", args=[article.pk, action])


def propose(article, editor, **changes):
    content = workflow.proposed_content(article)
    for name, value in changes.items():
        setattr(content, name, value)
    workflow.edit(article, content, by=editor)
    article.refresh_from_db()
    return article


@pytest.fixture
def story(editor):
    article = make_article(
        headline="Storm nears", standfirst="Winds rising.", tags=["Weather"]
    )
    return propose(article, editor, standfirst="Winds at 120 km/h.")


def minute_from_now(minutes=10):
    return (timezone.now() + timedelta(minutes=minutes)).replace(
        second=0, microsecond=0
    )


def test_scheduled_changes_go_out_at_their_minute_with_their_note(
    task_queue, editor, story, django_capture_on_commit_callbacks
):
    at = minute_from_now()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.schedule_changes(story, by=editor, at=at, note="Wind speeds added")
    event = story.events.first()
    assert event.action == Action.SCHEDULE_CHANGES and event.actor == editor
    assert "with the update note “Wind speeds added”" in event.comment
    sweep = task_queue.results(task_path="articles.tasks.publish_due").get()
    assert sweep.run_after == at

    with time_machine.travel(at - timedelta(seconds=1)):
        task_queue.run_worker()
        assert workflow.run_scheduled().updated == []
    story.refresh_from_db()
    assert story.standfirst == "Winds rising." and story.update_note == ""

    with time_machine.travel(at):
        task_queue.run_worker()
    story.refresh_from_db()
    assert story.standfirst == "Winds at 120 km/h."
    assert story.update_note == "Wind speeds added"
    assert story.updated_at == at
    assert not PendingChange.objects.exists() and not ScheduledUpdate.objects.exists()
    published = story.events.first()
    assert published.action == Action.PUBLISH_CHANGES and published.actor is None
    assert published.comment == "Wind speeds added"


def test_a_sweep_catches_up_in_time_order(editor, story):
    at = minute_from_now(5)
    workflow.schedule_changes(story, by=editor, at=at)
    later = make_article(
        headline="Later story",
        status=Status.IN_REVIEW,
        publish_at=None,
        tags=["Weather"],
    )
    workflow.schedule(later, by=editor, at=at + timedelta(minutes=1))
    run = workflow.run_scheduled(at + timedelta(hours=1))
    assert [a.pk for a in run.updated] == [story.pk]
    assert [a.pk for a in run.published] == [later.pk]
    story.refresh_from_db()
    assert story.standfirst == "Winds at 120 km/h."
    assert story.events.first().comment == (
        "Published the scheduled changes at their time."
    )
    assert workflow.run_scheduled(at + timedelta(hours=2)).updated == []


@pytest.mark.parametrize(
    ("at", "note", "message"),
    [
        (None, "", "Choose a time in the future"),
        (timedelta(minutes=-1), "", "Choose a time in the future"),
        (timedelta(hours=1), "Two\nlines", "The update note is one line"),
    ],
)
def test_a_refused_schedule_says_why_and_changes_nothing(
    editor, story, at, note, message
):
    when = timezone.now() + at if at is not None else None
    with pytest.raises(workflow.InvalidTransition, match=message):
        workflow.schedule_changes(story, by=editor, at=when, note=note)
    assert not ScheduledUpdate.objects.exists()
    assert story.events.first().action != Action.SCHEDULE_CHANGES


def test_only_editors_schedule_and_only_pending_changes(editor, writer, story):
    with pytest.raises(PermissionDenied):
        workflow.schedule_changes(story, by=writer, at=minute_from_now())
    unchanged = make_article()
    with pytest.raises(workflow.InvalidTransition, match="no pending changes"):
        workflow.schedule_changes(unchanged, by=editor, at=minute_from_now())


def test_changes_that_break_the_checklist_are_not_scheduled(editor, story):
    propose(story, editor, authors=[])
    with pytest.raises(workflow.InvalidTransition, match="byline"):
        workflow.schedule_changes(story, by=editor, at=minute_from_now())
    assert not ScheduledUpdate.objects.exists()


def test_changes_that_break_the_checklist_by_their_minute_are_held_back(editor, story):
    at = minute_from_now()
    workflow.schedule_changes(story, by=editor, at=at)
    propose(story, editor, authors=[])  # saved after scheduling, not checked then
    run = workflow.run_scheduled(at)
    assert [a.pk for a in run.held] == [story.pk] and run.updated == []
    story.refresh_from_db()
    assert story.standfirst == "Winds rising."
    held = story.events.first()
    assert held.action == Action.HOLD
    assert held.comment.startswith("Scheduled changes held back at their time")
    assert "byline" in held.comment
    assert PendingChange.objects.filter(article=story).exists()
    assert not ScheduledUpdate.objects.exists()


def test_a_story_no_longer_live_at_the_minute_keeps_its_changes_pending(editor, story):
    at = minute_from_now()
    workflow.schedule_changes(story, by=editor, at=at)
    workflow.unpublish(story, by=editor)
    run = workflow.run_scheduled(at)
    assert [a.pk for a in run.held] == [story.pk]
    assert "the story is unpublished" in story.events.first().comment


def test_cancelling_keeps_the_changes_pending(editor, story):
    at = minute_from_now()
    workflow.schedule_changes(story, by=editor, at=at)
    workflow.unschedule_changes(story, by=editor)
    assert story.events.first().action == Action.UNSCHEDULE_CHANGES
    assert workflow.run_scheduled(at + timedelta(minutes=1)).updated == []
    story.refresh_from_db()
    assert story.standfirst == "Winds rising."
    assert PendingChange.objects.filter(article=story).exists()
    with pytest.raises(workflow.InvalidTransition, match="No changes are scheduled"):
        workflow.unschedule_changes(story, by=editor)


@pytest.mark.parametrize("by_hand", ["publish_changes", "discard_changes"])
def test_publishing_or_discarding_by_hand_ends_the_schedule(editor, story, by_hand):
    workflow.schedule_changes(story, by=editor, at=minute_from_now())
    getattr(workflow, by_hand)(story, by=editor)
    assert not ScheduledUpdate.objects.exists()


def test_rescheduling_moves_the_minute(editor, story):
    workflow.schedule_changes(story, by=editor, at=minute_from_now(5), note="One")
    later = minute_from_now(30)
    workflow.schedule_changes(story, by=editor, at=later, note="Two")
    scheduled = ScheduledUpdate.objects.get()
    assert (scheduled.publish_at, scheduled.note) == (later, "Two")


def test_the_change_page_schedules_shows_and_cancels_and_the_desk_lists_it(
    client, editor, story
):
    client.force_login(editor)
    page = client.get(change_url(story)).content.decode()
    assert ">Schedule changes</button>" in page
    at = minute_from_now(90)
    response = client.post(
        workflow_url(story, "schedule_changes"),
        {
            "publish_at": timezone.localtime(at).strftime("%Y-%m-%dT%H:%M"),
            "note": "Evacuation order added",
            "version": story.version,
        },
        follow=True,
    )
    html = response.content.decode()
    assert "go live" in html and "Evacuation order added" in html
    assert ScheduledUpdate.objects.get().publish_at == at
    assert "Cancel the scheduled update" in html
    assert "These pending changes go live" in html

    desk = client.get(reverse("admin:index"))
    panel = {p.key: p for p in desk.context["panels"]}["updates"]
    assert [row.pending_change.article_id for row in panel.rows] == [story.pk]
    assert f"{change_url(story)}#scheduled-update" in desk.content.decode()

    response = client.post(
        workflow_url(story, "unschedule_changes"),
        {"version": story.version},
        follow=True,
    )
    assert "no longer scheduled; they stay pending" in response.content.decode()
    assert not ScheduledUpdate.objects.exists()


def test_a_bad_time_from_the_change_page_is_a_message(client, editor, story):
    client.force_login(editor)
    response = client.post(
        workflow_url(story, "schedule_changes"),
        {"publish_at": "tomorrow-ish", "version": story.version},
        follow=True,
    )
    assert response.status_code == 200
    assert "Choose a time in the future" in response.content.decode()


def test_an_overdue_update_makes_the_scheduler_late_on_healthz(client, editor, story):
    at = minute_from_now(1)
    workflow.schedule_changes(story, by=editor, at=at)
    workflow.run_scheduled(at - timedelta(seconds=30))
    assert client.get("/healthz").status_code == 200
    with time_machine.travel(at + timedelta(minutes=7)):
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["overdue_articles"] == 1
        workflow.run_scheduled()
        assert client.get("/healthz").status_code == 200
