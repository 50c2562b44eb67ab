"""A takedown makes every address of a story answer 410 and removes it from
every public output at once; the same permission reverses it."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from articles import workflow
from articles.models import Article, ArticleEvent, ArticleRedirect, Section
from articles.site.preview import share_url
from tests.factories import make_article, make_role_user, make_section, make_user
from tests.public_outputs import OUTPUTS, make_story

Status = Article.Status
Action = ArticleEvent.Action
pytestmark = pytest.mark.django_db
REASON = "Court order 2026/114: identifies a protected witness"


@pytest.fixture
def standards(editor):
    """An editor who also holds the takedown permission."""
    editor.user_permissions.add(Permission.objects.get(codename="take_down_article"))
    return type(editor).objects.get(pk=editor.pk)


@pytest.fixture
def story(standards):
    story = make_story()
    workflow.add_correction(story.article, "The port is in Tianjin.", by=standards)
    return story


@pytest.mark.parametrize("output", list(OUTPUTS))
def test_taken_down_story_leaves_every_output_at_once_and_returns_when_reinstated(
    output, client, standards, story
):
    show = OUTPUTS[output]
    assert story.shown_in(show(client, story)), "the output shows the live story"
    workflow.take_down(story.article, by=standards, reason=REASON)
    assert story.shown_in(show(client, story)) == []
    workflow.reinstate(story.article, by=standards, reason="Order lifted on appeal")
    assert story.shown_in(show(client, story))


def test_taken_down_article_answers_410_with_a_notice_and_nothing_of_it(
    client, standards, story
):
    workflow.take_down(story.article, by=standards, reason=REASON)
    response = client.get(story.article.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "This article has been removed" in html
    assert 'class="site-header' in html  # the site's chrome
    assert story.shown_in(html) == []
    assert story.article.standfirst not in html and "<img" not in html
    assert REASON not in html


def test_every_old_address_of_a_taken_down_article_answers_410(client, standards):
    old_section = make_section(slug="world")
    article = make_article(section=old_section, slug="first-name", tags=["T"])
    addresses = [article.get_absolute_url()]
    for slug, section in [("second-name", old_section), ("second-name", None)]:
        content = workflow.proposed_content(article)
        content.slug = slug
        if section is None:
            content.section = make_section(slug="asia").pk
        workflow.edit(article, content, by=standards)
        workflow.publish_changes(article, by=standards)
        article.refresh_from_db()
        addresses.append(article.get_absolute_url())
    assert ArticleRedirect.objects.filter(article=article).count() == 2
    assert client.get(addresses[0]).status_code == 301
    workflow.take_down(article, by=standards, reason=REASON)
    other_section = Section.objects.get(slug="world")
    addresses.append(f"/{other_section.slug}/{article.slug}/")
    for address in addresses:
        assert client.get(address).status_code == 410, address


def test_editors_also_get_410_at_the_public_address(client, standards, story):
    workflow.take_down(story.article, by=standards, reason=REASON)
    client.force_login(standards)
    assert client.get(story.article.get_absolute_url()).status_code == 410


def test_shared_preview_link_of_a_taken_down_article_answers_410(
    client, standards, story
):
    link = share_url(story.article)
    assert client.get(link).status_code == 200
    workflow.take_down(story.article, by=standards, reason=REASON)
    assert client.get(link).status_code == 410


def test_takedown_records_who_when_why_and_reinstating_does_too(standards, story):
    article = workflow.take_down(story.article, by=standards, reason=REASON)
    assert article.status == Status.TAKEN_DOWN
    assert article.taken_down_by == standards and article.taken_down_at
    assert article.takedown_reason == REASON
    workflow.reinstate(article, by=standards, reason="Order lifted on appeal")
    assert article.status == Status.PUBLISHED
    events = list(
        article.events.filter(action__in=[Action.TAKE_DOWN, Action.REINSTATE])
        .order_by("pk")
        .values_list("action", "actor", "comment", "from_status", "to_status")
    )
    assert events == [
        (Action.TAKE_DOWN, standards.pk, REASON, Status.PUBLISHED, Status.TAKEN_DOWN),
        (
            Action.REINSTATE,
            standards.pk,
            "Order lifted on appeal",
            Status.TAKEN_DOWN,
            Status.PUBLISHED,
        ),
    ]


def test_takedown_needs_the_dedicated_permission_and_a_reason(standards):
    editor = make_role_user("Editor", "plain-editor")
    article = make_article(tags=["T"])
    with pytest.raises(PermissionDenied):
        workflow.take_down(article, by=editor, reason=REASON)
    with pytest.raises(workflow.InvalidTransition, match="Say why"):
        workflow.take_down(article, by=standards, reason="  ")
    workflow.take_down(article, by=standards, reason=REASON)
    with pytest.raises(PermissionDenied):
        workflow.reinstate(article, by=editor, reason="Because")
    assert Article.objects.get(pk=article.pk).status == Status.TAKEN_DOWN


def test_takedown_from_the_admin(client, standards):
    article = make_article(headline="Harbour witness named", tags=["T"])
    client.force_login(standards)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "Take down" in page.content.decode()
    client.post(
        reverse("admin:articles_article_workflow", args=[article.pk, "take_down"]),
        {"reason": REASON, "version": article.version},
    )
    article.refresh_from_db()
    assert article.status == Status.TAKEN_DOWN
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = page.content.decode()
    assert REASON in html and "Reinstate" in html


def test_only_a_superuser_deletes_a_taken_down_article(client, standards):
    article = make_article(tags=["T"])
    workflow.take_down(article, by=standards, reason=REASON)
    delete_url = reverse("admin:articles_article_delete", args=[article.pk])
    client.force_login(standards)
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"},
    )
    assert Article.objects.filter(pk=article.pk).exists()
    boss = make_user("boss", is_superuser=True, is_staff=True)
    client.force_login(boss)
    response = client.post(delete_url, {"post": "yes"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Article.objects.filter(pk=article.pk).exists()


def test_a_draft_cannot_be_taken_down(standards):
    article = make_article(status=Status.DRAFT, publish_at=None)
    with pytest.raises(workflow.InvalidTransition, match="never been public"):
        workflow.take_down(article, by=standards, reason=REASON)


def test_writers_see_no_takedown_button(client):
    writer = make_role_user("Writer", "w2")
    article = make_article(status=Status.DRAFT, publish_at=None, created_by=writer)
    client.force_login(writer)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "Take down" not in page.content.decode()
