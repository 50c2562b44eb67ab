"""Who may do what: every role against every editorial action, through the admin."""

from datetime import timedelta

import pytest
import reversion
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article
from tests.factories import make_article, make_author, make_role_user
from tests.test_workflow import change_form_data

Status = Article.Status
pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "writer", "other writer", "editor", "admin"]

# action -> the roles allowed to do it; everyone else is refused.
ALLOWED = {
    "view draft": {"writer", "editor"},
    "edit": {"writer", "editor"},
    "submit": {"writer", "editor"},
    "return": {"editor"},
    "schedule": {"editor"},
    "publish": {"editor"},
    "unpublish": {"editor"},
    "restore revision": {"editor"},
    "preview": {"writer", "editor"},
    "manage users": {"admin"},
}


@pytest.fixture
def people():
    writer = make_role_user("Writer", "writer")
    make_author(name="Wendy Writer", slug="wendy", user=writer)
    return {
        "anonymous": None,
        "writer": writer,
        "other writer": make_role_user("Writer", "other"),
        "editor": make_role_user("Editor", "editor"),
        "admin": make_role_user("Admin", "siteadmin"),
    }


def article_by(writer, status, **over):
    publish_at = timezone.now() - timedelta(hours=1)
    if status in (Status.DRAFT, Status.IN_REVIEW):
        publish_at = None
    return make_article(
        headline="Matrix story",
        tags=["Ports"],
        status=status,
        publish_at=publish_at,
        created_by=writer,
        authors=[writer.author],
        **over,
    )


def post_workflow(client, article, action, data=None):
    url = reverse("admin:articles_article_workflow", args=[article.pk, action])
    client.post(url, data or {})
    article.refresh_from_db()
    return article.status


def try_view_draft(client, writer):
    article = article_by(writer, Status.DRAFT)
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    return response.status_code == 200 and "Matrix story" in response.content.decode()


def try_edit(client, writer):
    article = article_by(writer, Status.DRAFT)
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.post(url, change_form_data(article, headline="Edited headline"))
    return Article.objects.get(pk=article.pk).headline == "Edited headline"


def try_submit(client, writer):
    return post_workflow(client, article_by(writer, Status.DRAFT), "submit") == (
        Status.IN_REVIEW
    )


def try_return(client, writer):
    article = article_by(writer, Status.IN_REVIEW)
    return post_workflow(client, article, "return", {"comment": "More"}) == Status.DRAFT


def try_schedule(client, writer):
    article = article_by(writer, Status.IN_REVIEW)
    at = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    return post_workflow(client, article, "schedule", {"publish_at": at}) == (
        Status.SCHEDULED
    )


def try_publish(client, writer):
    article = article_by(writer, Status.IN_REVIEW)
    return post_workflow(client, article, "publish") == Status.PUBLISHED


def try_unpublish(client, writer):
    article = article_by(writer, Status.PUBLISHED)
    return post_workflow(client, article, "unpublish") == Status.UNPUBLISHED


def try_restore_revision(client, writer):
    article = article_by(writer, Status.DRAFT)
    first = reversion.models.Version.objects.get_for_object(article).get()
    content = workflow.proposed_content(article)
    content.headline = "Later headline"
    workflow.edit(article, content, by=writer, version=article.version)
    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    client.post(url, {"version": article.version})
    return Article.objects.get(pk=article.pk).headline == "Matrix story"


def try_preview(client, writer):
    article = article_by(writer, Status.DRAFT)
    response = client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    return response.status_code == 200 and "Matrix story" in response.content.decode()


def try_manage_users(client, writer):
    writer_role = Group.objects.get(name="Writer")
    client.post(
        reverse("admin:auth_user_add"),
        {"username": "newhire", "email": "new@example.com", "role": writer_role.pk},
    )
    return get_user_model().objects.filter(username="newhire").exists()


ATTEMPTS = {
    "view draft": try_view_draft,
    "edit": try_edit,
    "submit": try_submit,
    "return": try_return,
    "schedule": try_schedule,
    "publish": try_publish,
    "unpublish": try_unpublish,
    "restore revision": try_restore_revision,
    "preview": try_preview,
    "manage users": try_manage_users,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_permission_matrix(client, people, role, action):
    if people[role] is not None:
        client.force_login(people[role])
    done = ATTEMPTS[action](client, people["writer"])
    assert done == (role in ALLOWED[action]), f"{role} / {action}"


def test_writer_cannot_edit_after_submitting(client, people):
    writer = people["writer"]
    article = article_by(writer, Status.IN_REVIEW)
    client.force_login(writer)
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.post(url, change_form_data(article, headline="Sneaky change"))
    assert Article.objects.get(pk=article.pk).headline == "Matrix story"
    page = client.get(url).content.decode()
    assert "Matrix story" in page and 'name="headline"' not in page


def test_writer_sees_only_own_articles_in_the_list(client, people):
    article_by(people["writer"], Status.DRAFT, slug="mine")
    make_article(headline="Someone else's", status=Status.DRAFT)
    client.force_login(people["writer"])
    html = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Matrix story" in html and "Someone else" not in html


def test_admin_cannot_grant_superuser(client, people):
    client.force_login(people["admin"])
    target = people["other writer"]
    url = reverse("admin:auth_user_change", args=[target.pk])
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page
