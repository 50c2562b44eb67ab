"""Editorial comments, and changes scheduled but not yet out, reach no public
output: one test per output, each first showing the story is there."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from articles import workflow
from articles.models import Webhook, WebhookDelivery
from articles.site.preview import share_url
from tests.factories import make_author
from tests.public_outputs import OUTPUTS, _text, make_story

pytestmark = pytest.mark.django_db

THREAD = "Quibblesome figure, call the harbourmaster"
REPLY = "Harbourmaster confirms flimflam"
SCHEDULED = "Scrimshaw update"


def api_text(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def export_text(tmp_path):
    path = tmp_path / "export" / "articles.json"
    call_command("export_articles", str(path))
    return path.read_text()


PRIVATE_OUTPUTS = {
    **OUTPUTS,
    "article page": lambda c, s: _text(c, s.article.get_absolute_url()),
    "API article list": lambda c, s: api_text(c, "/api/v1/articles"),
    "API article": lambda c, s: api_text(c, f"/api/v1/articles/{s.article.slug}"),
    "shared preview": lambda c, s: _text(c, share_url(s.article)),
}


@pytest.fixture
def discussed(editor):
    story = make_story()
    workflow.add_correction(story.article, "The cranes are Finnish.", by=editor)
    reporter = make_author(name="Ray Porter", slug="ray-porter", user=editor)
    content = workflow.proposed_content(story.article)
    content.authors = [*content.authors, reporter.pk]
    content.standfirst = f"{SCHEDULED}: cranes in service."
    workflow.edit(story.article, content, by=editor)
    workflow.schedule_changes(
        story.article,
        by=editor,
        at=timezone.now() + timedelta(hours=1),
        note=f"{SCHEDULED} note",
    )
    thread = workflow.post_comment(
        story.article, f"@editor {THREAD}", by=editor, quote="Body"
    )
    workflow.post_comment(story.article, REPLY, by=editor, reply_to=thread)
    return story


def leaks(text: str, *, scheduled: bool = True) -> list[str]:
    marks = (THREAD, REPLY, SCHEDULED) if scheduled else (THREAD, REPLY)
    return [mark for mark in marks if mark in text]


@pytest.mark.parametrize("output", list(PRIVATE_OUTPUTS))
def test_comments_and_scheduled_changes_reach_no_public_output(output, discussed):
    text = PRIVATE_OUTPUTS[output](Client(), discussed)
    assert discussed.shown_in(text), "the output shows the story"
    # A shared preview shows the changes to come: that is what it is for.
    assert leaks(text, scheduled=output != "shared preview") == []


def test_comments_reach_no_export(discussed, tmp_path):
    text = export_text(tmp_path)
    assert discussed.article.slug in text
    assert leaks(text) == []


def test_comments_send_no_webhook(editor):
    Webhook.objects.create(name="Partner", url="https://partner.example/hook")
    story = make_story()
    thread = workflow.post_comment(story.article, THREAD, by=editor)
    workflow.resolve(thread, by=editor)
    assert not WebhookDelivery.objects.exists()
    content = workflow.proposed_content(story.article)
    content.standfirst = "New standfirst."
    workflow.edit(story.article, content, by=editor)
    workflow.publish_changes(story.article, by=editor)
    assert WebhookDelivery.objects.count() == 1, "the webhook hears of updates"
