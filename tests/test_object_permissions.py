"""Every admin URL that names an object checks it against the role matrix:
real POSTs (and GETs where the page only shows), one role at a time."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from reversion.models import Version

from articles import workflow
from articles.models import Article, RelatedLink
from tests.factories import change_form_data, make_article, make_author, make_role_user

Status = Article.Status
pytestmark = pytest.mark.django_db

ROLES = ["writer", "other writer", "editor", "admin"]


@pytest.fixture
def people():
    writer = make_role_user("Writer", "writer")
    make_author(name="Wendy Writer", slug="wendy", user=writer)
    return {
        "writer": writer,
        "other writer": make_role_user("Writer", "other"),
        "editor": make_role_user("Editor", "editor"),
        "admin": make_role_user("Admin", "siteadmin"),
    }


@pytest.fixture
def draft(people):
    writer = people["writer"]
    article = make_article(
        headline="Secret draft",
        status=Status.DRAFT,
        publish_at=None,
        created_by=writer,
        authors=[writer.author],
    )
    for standfirst in ("A first revision.", "A second revision."):
        content = workflow.proposed_content(article)
        content.standfirst = standfirst
        workflow.edit(article, content, by=writer)
    return article


def as_role(client, people, role):
    client.force_login(people[role])
    return client


def unchanged(article, headline="Secret draft", status=Status.DRAFT):
    fresh = Article.objects.get(pk=article.pk)
    return fresh.headline == headline and fresh.status == status


@pytest.mark.parametrize("role", ROLES)
def test_change_post(client, people, draft, role):
    as_role(client, people, role)
    url = reverse("admin:articles_article_change", args=[draft.pk])
    response = client.post(url, change_form_data(draft, headline="Taken over"))
    allowed = role in {"writer", "editor"}
    assert response.status_code in ({302} if allowed else {403, 302})
    assert unchanged(draft) is not allowed


@pytest.mark.parametrize("role", ROLES)
def test_delete_post(client, people, draft, role):
    as_role(client, people, role)
    url = reverse("admin:articles_article_delete", args=[draft.pk])
    response = client.post(url, {"post": "yes"})
    allowed = role in {"writer", "editor"}
    assert response.status_code != 500
    assert Article.objects.filter(pk=draft.pk).exists() is not allowed


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["submit", "publish", "share"])
def test_workflow_post(client, people, draft, role, action):
    as_role(client, people, role)
    url = reverse("admin:articles_article_workflow", args=[draft.pk, action])
    response = client.post(url, {"version": draft.version}, follow=True)
    assert response.status_code in {200, 403}
    fresh = Article.objects.get(pk=draft.pk)
    if action == "submit":
        moved = fresh.status == Status.IN_REVIEW
        assert moved is (role in {"writer", "editor"})
    elif action == "publish":
        # A draft is submitted before it is published, even by an editor.
        assert fresh.status == Status.DRAFT
    else:
        shared = response.status_code == 200 and "/preview/" in str(
            [str(m) for m in response.context["messages"]]
        )
        assert shared is (role == "editor")


@pytest.mark.parametrize("role", ROLES)
def test_restore_post(client, people, draft, role):
    first = Version.objects.get_for_object(draft).order_by("pk").first()
    as_role(client, people, role)
    url = reverse("admin:articles_article_revision", args=[draft.pk, first.pk])
    response = client.post(url, {"version": draft.version})
    assert response.status_code in {302, 403}
    restored = Article.objects.get(pk=draft.pk).standfirst != "A second revision."
    assert restored is (role == "editor")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["preview", "history", "related", "change"])
def test_pages_naming_the_draft(client, people, draft, role, name):
    as_role(client, people, role)
    url = reverse(f"admin:articles_article_{name}", args=[draft.pk])
    response = client.get(url)
    assert response.status_code != 500
    shown = response.status_code == 200 and "Secret draft" in response.content.decode()
    assert shown is (role in {"writer", "editor"})


@pytest.mark.parametrize("role", ROLES)
def test_pinning_a_stranger_draft_names_nothing(client, people, draft, role):
    own = make_article(
        headline="Own draft",
        status=Status.DRAFT,
        publish_at=None,
        created_by=people["other writer"],
    )
    as_role(client, people, role)
    url = reverse(
        "admin:articles_article_related_action", args=[own.pk, "pin", draft.pk]
    )
    response = client.post(url, follow=True)
    pinned = RelatedLink.objects.filter(from_article=own, to_article=draft).exists()
    # Only an editor may see the writer's draft, and so pin it (and be told so).
    assert pinned is (role == "editor")
    assert ("Secret draft" in response.content.decode()) is pinned


def test_admin_role_cannot_change_what_roles_may_do(client, people):
    as_role(client, people, "admin")
    role = Group.objects.get(name="Admin")
    publish = Permission.objects.get(codename="publish_article")
    url = reverse("admin:auth_group_change", args=[role.pk])
    page = client.get(url).content.decode()
    assert 'name="permissions"' not in page  # shown, not editable
    client.post(url, {"name": "Admin", "permissions": [publish.pk]})
    assert not role.permissions.filter(pk=publish.pk).exists()
    assert not people["admin"].has_perm("articles.publish_article")


def test_admin_cannot_give_themselves_a_role(client, people):
    admin = people["admin"]
    as_role(client, people, "admin")
    url = reverse("admin:auth_user_change", args=[admin.pk])
    page = client.get(url)
    data = {
        "username": admin.username,
        "email": "a@example.com",
        "is_active": "on",
        "groups": [Group.objects.get(name="Editor").pk],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    client.post(url, data)
    assert page.status_code == 200
    assert list(admin.groups.values_list("name", flat=True)) == ["Admin"]


def test_admin_can_give_a_colleague_a_role(client, people):
    colleague = people["other writer"]
    as_role(client, people, "admin")
    url = reverse("admin:auth_user_change", args=[colleague.pk])
    data = {
        "username": colleague.username,
        "email": "o@example.com",
        "is_active": "on",
        "groups": [Group.objects.get(name="Editor").pk],
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(colleague.groups.values_list("name", flat=True)) == ["Editor"]
