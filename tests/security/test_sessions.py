"""Sessions end after inactivity; a user, or an admin for them, can end them all."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.security.models import UserSession
from tests.factories import make_role_user, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def signed_in(username) -> Client:
    client = Client()
    response = client.post(
        reverse("admin:login"),
        {"username": username, "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    return client


def test_a_session_ends_after_the_idle_time_and_activity_keeps_it(settings):
    settings.SESSION_COOKIE_AGE = 600
    make_role_user("Writer", "wendy")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = signed_in("wendy")
    for minutes in (9, 18, 27):  # a request every nine minutes keeps it alive
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get("/admin/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=38), tick=False):
        assert client.get("/admin/").status_code == 302


def test_the_idle_time_is_the_documented_setting():
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE == 3600 and settings.SESSION_SAVE_EVERY_REQUEST


def test_a_user_logs_out_everywhere():
    make_role_user("Editor", "eddie")
    laptop, phone = signed_in("eddie"), signed_in("eddie")
    other = signed_in(make_role_user("Writer", "wendy").username)
    assert UserSession.objects.filter(user__username="eddie").count() == 2
    response = phone.post(reverse("security:log_out_everywhere"), follow=True)
    assert "You are logged out everywhere (2 sessions ended)." in (
        response.content.decode()
    )
    assert laptop.get("/admin/").status_code == 302
    assert phone.get("/admin/").status_code == 302
    assert other.get("/admin/").status_code == 200


def test_readers_get_no_session_row():
    Client().get("/")
    assert not UserSession.objects.exists()


# Who may do what on another person's account: role x action.
ACTIONS = ["log_out_everywhere", "reset_two_factor"]
EXPECTED = {
    # (acting role, target kind): allowed
    ("Writer", "writer"): False,
    ("Editor", "writer"): False,
    ("Admin", "writer"): True,
    ("Admin", "superuser"): False,
    ("superuser", "writer"): True,
    ("superuser", "superuser"): True,
}


def make_actor(kind):
    if kind == "superuser":
        return make_user("boss", is_staff=True, is_superuser=True)
    return make_role_user(kind, f"{kind.lower()}-actor")


def make_target(kind):
    if kind == "superuser":
        return make_user("other-boss", is_staff=True, is_superuser=True)
    return make_role_user("Writer", "target")


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(("actor_kind", "target_kind"), list(EXPECTED))
def test_role_x_action_on_another_users_account(action, actor_kind, target_kind):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    target = make_target(target_kind)
    TOTPDevice.objects.create(user=target, name="Authenticator app", confirmed=True)
    target_client = Client()
    target_client.force_login(target)
    actor = Client()
    actor.force_login(make_actor(actor_kind))
    actor.post(
        reverse("admin:auth_user_changelist"),
        {"action": action, "_selected_action": [target.pk]},
    )
    ended = not UserSession.objects.filter(user=target).exists()
    reset = not TOTPDevice.objects.filter(user=target).exists()
    allowed = EXPECTED[(actor_kind, target_kind)]
    assert ended is allowed
    assert reset is (allowed and action == "reset_two_factor")
