"""API tokens carry their owner's rights and no more: who issues them for whom,
their scopes, their expiry."""

import importlib
import io
import json
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import ApiToken, Article
from articles.security import api_tokens
from articles.security.models import RolePolicy
from tests.factories import make_article, make_author, make_role_user, make_user
from tests.security.test_two_factor import set_up, sign_in

pytestmark = pytest.mark.django_db
Status = Article.Status


def issue_in_admin(client, owner, scopes=("read", "write"), lifetime=90):
    return client.post(
        reverse("admin:articles_apitoken_add"),
        {
            "user": owner.pk,
            "name": "Client",
            "scopes": list(scopes),
            "lifetime": lifetime,
        },
        follow=True,
    )


def api(token, method, path, data=None):
    body = {} if method == "get" else {"data": json.dumps(data or {})}
    return getattr(Client(), method)(
        f"/api/v1{path}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        **body,
    )


def test_an_admin_cannot_issue_a_token_for_a_superuser_or_any_other_user(client):
    chief = make_user("chief", is_staff=True, is_superuser=True)
    editor = make_role_user("Editor", "eddie")
    client.force_login(make_role_user("Admin", "team-admin"))
    for target in (chief, editor):
        response = issue_in_admin(client, target, scopes=["read", "write", "publish"])
        assert response.status_code == 200
        assert "You may issue tokens only for yourself" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_writers_and_editors_issue_tokens_for_themselves_only(client):
    writer = make_role_user("Writer", "wendy")
    editor = make_role_user("Editor", "eddie")
    client.force_login(writer)
    refused = issue_in_admin(client, editor)
    assert "You may issue tokens only for yourself" in refused.content.decode()
    assert not ApiToken.objects.exists()
    issue_in_admin(client, writer)
    assert ApiToken.objects.get().user == writer
    # A writer's token never publishes, whatever is asked for.
    beyond = issue_in_admin(client, writer, scopes=["read", "publish"])
    assert "role does not allow: Publish" in beyond.content.decode()
    assert ApiToken.objects.count() == 1
    # Each sees their own tokens only.
    client.force_login(editor)
    listing = client.get(reverse("admin:articles_apitoken_changelist"))
    assert "wendy" not in listing.content.decode()


def test_a_superuser_issues_for_others_within_the_owners_role(client):
    writer = make_role_user("Writer", "wendy")
    client.force_login(make_user("chief", is_staff=True, is_superuser=True))
    refused = issue_in_admin(client, writer, scopes=["write", "publish"])
    assert "role does not allow: Publish" in refused.content.decode()
    issue_in_admin(client, writer, scopes=["read", "write"])
    token = ApiToken.objects.get()
    assert token.user == writer and token.scopes == ["read", "write"]


def test_a_role_that_requires_two_factor_issues_tokens_only_after_the_code(client):
    RolePolicy.objects.create(
        role=Group.objects.get(name="Editor"), require_two_factor=True
    )
    editor = make_role_user("Editor", "eddie")
    # Signed in with the password alone: the policy refuses, and the admin
    # holds the editor at the set-up page.
    assert "two-factor" in api_tokens.refusal(
        editor, editor, ["read"], timedelta(days=1)
    )
    sign_in(client, "eddie")
    held = issue_in_admin(client, editor)
    assert reverse("security:setup") in held.redirect_chain[0][0]
    assert not ApiToken.objects.exists()
    set_up(client)
    issue_in_admin(client, editor, scopes=["read", "write", "publish"])
    assert ApiToken.objects.get().scopes == ["read", "write", "publish"]


def test_scopes_decide_what_a_token_may_do_within_its_users_role():
    editor = make_role_user("Editor", "eddie")
    article = make_article(status=Status.IN_REVIEW, tags=["Port"])
    _, reader = ApiToken.issue(editor, name="Reader", scopes=["read"])
    _, drafter = ApiToken.issue(editor, name="Drafter", scopes=["read", "write"])
    _, publisher = ApiToken.issue(editor, name="Desk", scopes=["read", "publish"])

    assert api(reader, "get", f"/drafts/{article.pk}").status_code == 200
    refused = api(reader, "patch", f"/drafts/{article.pk}", {"headline": "New"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "insufficient_scope"
    for move, data in [
        ("publish", {}),
        ("schedule", {"at": (timezone.now() + timedelta(days=1)).isoformat()}),
        ("publish-changes", {}),
    ]:
        response = api(drafter, "post", f"/drafts/{article.pk}/{move}", data)
        assert response.status_code == 403, move
        assert "publish" in response.json()["error"]["message"]
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW

    assert api(publisher, "post", f"/drafts/{article.pk}/publish").status_code == 200
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED


def test_an_expired_token_is_refused_with_a_clear_401(client):
    writer = make_role_user("Writer", "wendy")
    make_author(user=writer)
    record, token = ApiToken.issue(writer, name="Phone")
    assert record.expires_at - timezone.now() > timedelta(days=89)
    assert api(token, "get", "/drafts/1").status_code == 404  # known, working
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        refused = api(token, "post", "/drafts", {"headline": "x", "section": "x"})
        client.force_login(make_user("chief", is_staff=True, is_superuser=True))
        listing = client.get(reverse("admin:articles_apitoken_changelist"))
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")
    error = refused.json()["error"]
    assert error["code"] == "token_expired"
    assert "expired on" in error["message"]
    assert "Expired" in listing.content.decode()


def test_create_api_token_takes_scopes_and_an_expiry():
    writer = make_role_user("Writer", "wendy")
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "wendy", "--name", "Feed", stdout=out, stderr=err)
    token = ApiToken.objects.for_token(out.getvalue().strip())
    # All a writer's role allows.
    assert token.scopes == ["read", "write", "syndicate"]
    call_command(
        "create_api_token",
        "wendy",
        "--name",
        "Reader",
        "--scopes",
        "read",
        "--expires-in-days",
        "7",
        stdout=out,
        stderr=err,
    )
    reader = ApiToken.objects.get(name="Reader")
    assert reader.scopes == ["read"]
    assert timedelta(days=6) < reader.expires_at - timezone.now() <= timedelta(days=7)
    for options, said in [
        (["--scopes", "publish"], "role does not allow"),
        (["--scopes", "admin"], "Unknown scope admin"),
        (["--expires-in-days", "400"], "at most 365 days"),
    ]:
        with pytest.raises(CommandError, match=said):
            call_command("create_api_token", "wendy", "--name", "X", *options)
    assert writer.api_tokens.count() == 2


def test_tokens_made_before_scopes_keep_what_their_owners_role_allows():
    migration = importlib.import_module(
        "articles.migrations.0017_api_token_scopes_and_expiry"
    )
    editor = make_role_user("Editor", "eddie")
    writer = make_role_user("Writer", "wendy")
    gone = make_role_user("Writer", "gone")
    for user in (editor, writer, gone):
        ApiToken.issue(user, name="Old", scopes=[])
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    migration.scopes_of_existing_tokens(apps, None)
    assert editor.api_tokens.get().scopes == ["read", "write", "publish"]
    assert writer.api_tokens.get().scopes == ["read", "write"]
    assert gone.api_tokens.get().revoked_at is not None
