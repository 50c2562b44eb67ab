"""The publishing checklist: rules as data, checked on every path to readers."""

import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles import workflow
from articles.interchange import InterchangeError, import_articles
from articles.models import Article, ChecklistRule, Photo, SectionRule
from articles.photos.storage import save_photo
from articles.photos.validation import prepare_image
from tests.factories import (
    make_article,
    make_credit,
    make_role_user,
    make_section,
    upload,
)

Status = Article.Status
Code = ChecklistRule.Code
pytestmark = pytest.mark.django_db


def in_review(**over):
    fields = {"status": Status.IN_REVIEW, "publish_at": None, "tags": ["Ports"]}
    return make_article(**{**fields, **over})


def tiny_png_photo():
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), (200, 0, 0)).save(buffer, "PNG")
    prepared = prepare_image(upload(buffer.getvalue(), "dot.png"), "dot.png")
    photo = Photo(alt_text="A dot", caption="", credit=make_credit(agency="AFP"))
    save_photo(photo, prepared)
    return photo


def rule(code):
    return ChecklistRule.objects.get(code=code)


def test_a_one_pixel_hero_photo_is_refused(editor):
    article = in_review(hero_photo=tiny_png_photo())
    with pytest.raises(
        workflow.InvalidTransition, match="Hero photo width: .* 1 pixels"
    ):
        workflow.publish(article, by=editor)
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW


def test_a_broken_internal_link_is_refused_and_a_working_one_passes(editor):
    target = make_article(headline="Earlier story", tags=["Ports"])
    article = in_review(body='<p>See <a href="/nowhere/gone-story/">this</a>.</p>')
    with pytest.raises(workflow.InvalidTransition, match="/nowhere/gone-story/"):
        workflow.publish(article, by=editor)
    content = workflow.proposed_content(article)
    content.body = (
        f'<p>See <a href="http://localhost{target.get_absolute_url()}">this</a> and '
        '<a href="https://example.org/x">elsewhere</a>.</p>'
    )
    workflow.edit(article, content, by=editor)
    workflow.publish(article, by=editor)
    assert Article.objects.get(pk=article.pk).is_live()


def test_rules_are_data_admins_switch_off_or_change_per_section(editor):
    opinion = make_section(name="Opinion", slug="opinion")
    long_headline = "A" * 130
    article = in_review(headline=long_headline, section=opinion, tags=[])
    problems = workflow.publish_problems(workflow.proposed_content(article), article)
    assert [p.split(":")[0] for p in problems] == ["Headline length", "Tags"]
    SectionRule.objects.create(
        rule=rule(Code.HEADLINE_LENGTH), section=opinion, limit=140
    )
    SectionRule.objects.create(rule=rule(Code.TAGS), section=opinion, enabled=False)
    workflow.publish(article, by=editor)
    other = in_review(headline=long_headline)
    with pytest.raises(workflow.InvalidTransition, match="at most 110"):
        workflow.publish(other, by=editor)


def test_admin_role_edits_rules_in_the_admin(client):
    admin_user = make_role_user("Admin", "rules-admin")
    client.force_login(admin_user)
    tags = rule(Code.TAGS)
    url = reverse("admin:articles_checklistrule_change", args=[tags.pk])
    section = make_section(name="Sport", slug="sport")
    response = client.post(
        url,
        {
            "enabled": "on",
            "limit": "3",
            "section_rules-TOTAL_FORMS": "1",
            "section_rules-INITIAL_FORMS": "0",
            "section_rules-0-section": section.pk,
            "section_rules-0-enabled": "on",
            "section_rules-0-limit": "5",
        },
    )
    assert response.status_code == 302
    tags.refresh_from_db()
    assert tags.limit == 3
    assert SectionRule.objects.get(rule=tags, section=section).limit == 5


def test_change_page_lists_every_failing_rule_and_the_buttons_say_why(client, editor):
    article = in_review(headline="B" * 120, standfirst="", tags=[])
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = page.content.decode()
    checklist = html.split('id="publishing-checklist"', 1)[1].split("</details>", 1)[0]
    for name in ["Headline length", "Standfirst length", "Tags"]:
        assert f"<strong>{name}</strong>" in checklist
    assert checklist.count("checklist__rule--fail") == 3
    refusal = html.split('id="checklist-refusal"', 1)[1].split("</p>", 1)[0]
    assert "Headline length, Standfirst length, Tags" in refusal
    assert 'disabled aria-describedby="checklist-refusal">Publish now' in html


def test_refusal_names_every_failing_rule_at_once(editor):
    article = in_review(headline="C" * 120, standfirst="", tags=[])
    with pytest.raises(workflow.InvalidTransition) as refused:
        workflow.publish(article, by=editor)
    message = refused.value.messages[0]
    assert "Headline length" in message and "Standfirst length" in message
    assert "Tags" in message


def test_override_needs_the_permission_and_a_reason_and_is_recorded(client, editor):
    article = in_review(tags=[])
    with pytest.raises(PermissionDenied):
        workflow.override_rule(article, rule(Code.TAGS), by=editor, reason="Breaking")
    editor.user_permissions.add(Permission.objects.get(codename="override_checklist"))
    editor = type(editor).objects.get(pk=editor.pk)
    with pytest.raises(workflow.InvalidTransition, match="Say why"):
        workflow.override_rule(article, rule(Code.TAGS), by=editor, reason=" ")
    client.force_login(editor)
    client.post(
        reverse("admin:articles_article_workflow", args=[article.pk, "override"]),
        {"rule": rule(Code.TAGS).pk, "reason": "Breaking news, tags follow"},
    )
    event = article.events.get(action="override")
    assert event.actor == editor
    assert event.comment == "Tags: Breaking news, tags follow"
    workflow.publish(article, by=editor)
    assert Article.objects.get(pk=article.pk).is_live()


# No path around the checklist ---------------------------------------------------


def test_checklist_holds_on_schedule(editor):
    article = in_review(tags=[])
    with pytest.raises(workflow.InvalidTransition, match="Tags"):
        workflow.schedule(article, by=editor, at=timezone.now() + timedelta(hours=1))


def test_checklist_holds_on_editing_a_scheduled_article(editor):
    article = in_review()
    workflow.schedule(article, by=editor, at=timezone.now() + timedelta(hours=1))
    content = workflow.proposed_content(article)
    content.tags = []
    with pytest.raises(workflow.InvalidTransition, match="Tags"):
        workflow.edit(article, content, by=editor)


def test_checklist_holds_on_publishing_changes(editor):
    article = make_article(tags=["Ports"])
    content = workflow.proposed_content(article)
    content.headline = "D" * 120
    workflow.edit(article, content, by=editor)
    with pytest.raises(workflow.InvalidTransition, match="Headline length"):
        workflow.publish_changes(article, by=editor)
    assert Article.objects.get(pk=article.pk).headline != "D" * 120


def test_checklist_holds_back_a_scheduled_article_that_now_fails(editor):
    target = make_article(tags=["Ports"], slug="linked-story")
    article = in_review(body=f'<p><a href="{target.get_absolute_url()}">x</a></p>')
    workflow.schedule(article, by=editor, at=timezone.now() + timedelta(minutes=5))
    workflow.unpublish(target, by=editor)
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now())
    assert workflow.publish_due() == []
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    assert "Internal links" in article.events.get(action="hold").comment


def test_checklist_holds_on_the_bulk_action(client, editor):
    article = in_review(tags=[])
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
        follow=True,
    )
    assert any("Tags" in str(m) for m in response.context["messages"])
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW


def test_checklist_holds_on_import(tmp_path):
    path = tmp_path / "articles.json"
    article = {
        "slug": "untagged",
        "headline": "Untagged",
        "standfirst": "A story.",
        "section": "World",
        "published_at": "2026-03-26T08:30:00+00:00",
        "status": "published",
    }
    path.write_text(json.dumps({"format": "newsroom-articles", "articles": [article]}))
    with pytest.raises(InterchangeError, match="Tags"):
        import_articles(path)
    assert not Article.objects.filter(slug="untagged").exists()


def test_checklist_holds_on_reinstating(editor):
    editor.user_permissions.add(Permission.objects.get(codename="take_down_article"))
    editor = type(editor).objects.get(pk=editor.pk)
    article = make_article(tags=["Ports"])
    workflow.take_down(article, by=editor, reason="Legal")
    content = workflow.proposed_content(article)
    content.tags = []
    workflow.edit(article, content, by=editor)
    with pytest.raises(workflow.InvalidTransition, match="Tags"):
        workflow.reinstate(article, by=editor, reason="Cleared")
    assert Article.objects.get(pk=article.pk).status == Status.TAKEN_DOWN
