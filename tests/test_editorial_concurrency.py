"""Scheduled updates and comment threads under real concurrent connections (see
test_concurrency.py): each race has one winner and one clear outcome for the
other, on PostgreSQL's row locks and on SQLite's IMMEDIATE transactions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleEvent, ScheduledUpdate
from tests.test_concurrency import (
    crashes,
    live_story_with_pending_edit,
    make_editor,
    race,
    refusals,
)

Action = ArticleEvent.Action
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editors():
    return make_editor("eddie"), make_editor("edna")


def scheduled_story(editor):
    article, _ = live_story_with_pending_edit(editor)
    at = timezone.now() + timedelta(minutes=5)
    workflow.schedule_changes(article, by=editor, at=at, note="Headline changed")
    return article, at


def test_two_sweeps_at_the_minute_put_the_update_out_once(editors):
    article, at = scheduled_story(editors[0])
    outcomes = race(
        lambda: workflow.run_scheduled(at), lambda: workflow.run_scheduled(at)
    )
    assert crashes(outcomes) == []
    assert sorted(len(run.updated) for run in outcomes) == [0, 1]
    article.refresh_from_db()
    assert (article.headline, article.update_note) == ("After", "Headline changed")
    assert article.events.filter(action=Action.PUBLISH_CHANGES).count() == 1


def test_the_sweep_racing_an_editor_publishing_by_hand_publishes_once(editors):
    article, at = scheduled_story(editors[0])
    outcomes = race(
        lambda: workflow.run_scheduled(at),
        lambda: workflow.publish_changes(article, by=editors[1], note="By hand"),
    )
    assert crashes(outcomes) == []
    article = Article.objects.get(pk=article.pk)
    assert article.headline == "After"
    assert article.events.filter(action=Action.PUBLISH_CHANGES).count() == 1
    assert not ScheduledUpdate.objects.exists()
    by_hand = outcomes[1]
    if isinstance(by_hand, Article):  # the editor came first
        assert outcomes[0].updated == [] and article.update_note == "By hand"
    else:
        assert "no pending changes" in " ".join(by_hand.messages)
        assert article.update_note == "Headline changed"


def test_cancelling_while_the_sweep_runs_leaves_one_outcome(editors):
    article, at = scheduled_story(editors[0])
    outcomes = race(
        lambda: workflow.run_scheduled(at),
        lambda: workflow.unschedule_changes(article, by=editors[1]),
    )
    assert crashes(outcomes) == []
    article = Article.objects.get(pk=article.pk)
    if refusals(outcomes):  # the update went out first
        assert article.headline == "After"
    else:
        assert article.headline == "Before" and outcomes[0].updated == []


def test_two_people_resolving_one_thread_at_once_resolve_it_once(editors):
    article, _ = live_story_with_pending_edit(editors[0])
    thread = workflow.post_comment(article, "Check the date", by=editors[0])
    outcomes = race(
        lambda: workflow.resolve(thread, by=editors[0]),
        lambda: workflow.resolve(thread, by=editors[1]),
    )
    assert crashes(outcomes) == []
    [refusal] = refusals(outcomes)
    assert "resolved already" in " ".join(refusal.messages)
    assert article.events.filter(action=Action.RESOLVE_COMMENT).count() == 1
