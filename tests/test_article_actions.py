"""The article page's buttons are one table: name, who may press it, the workflow
function it calls."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from articles.admin.article_actions import ACTIONS
from articles.admin.article_workflow import BUTTONS
from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates/admin/articles/article"


def test_every_button_on_the_page_is_an_action_of_the_table():
    pressed = set(BUTTONS)
    for template in ("change_form.html", "integrity_panel.html"):
        text = (TEMPLATES / template).read_text()
        pressed |= set(re.findall(r"original\.pk '(\w+)'", text))
    assert pressed
    assert pressed <= set(ACTIONS)


@pytest.mark.parametrize(
    ("action", "refusal"),
    [
        ("publish", "Only editors can publish articles."),
        ("take_down", "Only a managing editor"),
        ("share", "Only editors can share previews."),
    ],
)
def test_the_tables_permission_refuses_before_anything_runs(
    client, writer, action, refusal
):
    story = make_article(created_by=writer, authors=[writer.author])
    client.force_login(writer)
    url = reverse("admin:articles_article_workflow", args=[story.pk, action])
    response = client.post(url, {"reason": "x"}, follow=True)
    assert any(refusal in str(m) for m in response.context["messages"])
    assert Article.objects.get(pk=story.pk).status == story.status


def test_an_unknown_action_is_a_clear_refusal(admin_client):
    story = make_article()
    url = reverse("admin:articles_article_workflow", args=[story.pk, "launch"])
    response = admin_client.post(url, follow=True)
    assert any(
        "Unknown action “launch”" in str(m) for m in response.context["messages"]
    )
