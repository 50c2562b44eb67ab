"""What staff may do to the newsroom's machinery and to each other: the task
queue dashboard, deactivating and reactivating."""

import json

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from articles.models import ApiToken, Section
from tests.factories import make_author, make_role_user, make_section, make_user

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


@pytest.mark.parametrize("role", ["Writer", "Editor", "Admin"])
def test_only_superusers_reach_the_task_queue_dashboard(client, role):
    client.force_login(make_role_user(role))
    pages = [
        reverse("admin:django_rq_dashboard_changelist"),
        reverse("admin:django_rq_home"),
        reverse("admin:django_rq_jobs", args=[0]),
        reverse("admin:django_rq_failed_jobs", args=[0]),
        reverse("admin:django_rq_home_json"),
    ]
    for url in pages:
        assert client.get(url).status_code == 403, url
    # Emptying the queue would drop renditions and scheduled publishes.
    emptied = client.post(reverse("admin:django_rq_clear", args=[0]))
    assert emptied.status_code == 403
    assert "django_rq" not in client.get(reverse("admin:index")).content.decode()

    client.force_login(make_user(is_staff=True, is_superuser=True))
    internals = client.get(reverse("admin:internals")).content.decode()
    assert reverse("admin:django_rq_dashboard_changelist") in internals


def test_visitors_meet_the_login_at_the_task_queue_dashboard(client):
    response = client.get(reverse("admin:django_rq_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def signed_in(username) -> Client:
    client = Client()
    response = client.post(
        reverse("admin:login"),
        {"username": username, "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    return client


def act_on_users(client, action, *users):
    return client.post(
        reverse("admin:auth_user_changelist"),
        {"action": action, "_selected_action": [user.pk for user in users]},
        follow=True,
    )


def test_an_admin_cannot_reactivate_a_superuser_as_they_cannot_deactivate_one(
    client,
):
    chief = make_user("chief", is_staff=True, is_superuser=True, is_active=False)
    client.force_login(make_role_user("Admin", "team-admin"))
    response = act_on_users(client, "reactivate", chief)
    assert "Only a superuser can do this for a superuser." in (
        response.content.decode()
    )
    chief.refresh_from_db()
    assert not chief.is_active
    # A superuser may.
    client.force_login(make_user(is_staff=True, is_superuser=True))
    act_on_users(client, "reactivate", chief)
    chief.refresh_from_db()
    assert chief.is_active


def deactivate_with_the_action(admin_client, user):
    act_on_users(admin_client, "deactivate", user)


def deactivate_with_the_change_form(admin_client, user):
    response = admin_client.post(
        reverse("admin:auth_user_change", args=[user.pk]),
        {
            "username": user.username,
            "first_name": "",
            "last_name": "",
            "email": "",
            "groups": [Group.objects.get(name="Writer").pk],
            # is_active left out: the box is unticked
        },
    )
    assert response.status_code == 302


def deactivate_from_a_command(admin_client, user):
    account = type(user).objects.get(pk=user.pk)
    account.is_active = False
    account.save()


@pytest.mark.parametrize(
    "deactivate",
    [
        deactivate_with_the_action,
        deactivate_with_the_change_form,
        deactivate_from_a_command,
    ],
)
def test_deactivation_ends_sessions_and_tokens_for_good(client, deactivate):
    wendy = make_role_user("Writer", "wendy")
    make_author(name="Wendy Writer", user=wendy)
    browser = signed_in("wendy")
    assert browser.get(reverse("admin:index")).status_code == 200
    _, token = ApiToken.issue(wendy, name="Phone")
    assert post_draft(token).status_code == 201

    admin_client = Client()
    admin_client.force_login(make_role_user("Admin", "team-admin"))
    deactivate(admin_client, wendy)
    wendy.refresh_from_db()
    assert not wendy.is_active
    act_on_users(admin_client, "reactivate", wendy)
    wendy.refresh_from_db()
    assert wendy.is_active

    # Back in, but nothing from before: the old session and token stay ended.
    assert browser.get(reverse("admin:index")).status_code == 302
    assert post_draft(token).status_code == 401
    assert signed_in("wendy").get(reverse("admin:index")).status_code == 200


def post_draft(token):
    if not Section.objects.filter(slug="city").exists():
        make_section(slug="city")
    return Client().post(
        "/api/v1/drafts",
        data=json.dumps({"headline": "Night buses", "section": "city"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
