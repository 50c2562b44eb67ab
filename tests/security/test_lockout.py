"""Lock-outs after repeated failures: admin login, password reset, set-password."""

import re
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import make_role_user, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
PASSWORD = "correct horse battery"


def log_in(client, username, password, ip="203.0.113.7"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


def test_a_username_is_locked_after_five_failures_with_a_clear_message(client):
    make_user("mei", is_staff=True)
    for attempt in range(4):
        response = log_in(client, "mei", f"wrong-{attempt}", ip=f"198.51.100.{attempt}")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in (
            response.content.decode()
        )
    locked = log_in(client, "mei", "wrong-5", ip="198.51.100.9")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed attempts" in page
    assert "After 5 failed attempts for “mei”" in page
    assert "locked\n  for 15 minutes" in page or "for 15 minutes" in page
    # Locked means locked: the right password from anywhere is refused too.
    assert log_in(client, "mei", PASSWORD, ip="192.0.2.1").status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_address_is_locked_after_five_failures_whatever_the_usernames(client):
    make_user("mei", is_staff=True)
    for attempt in range(5):
        log_in(client, f"guess{attempt}", "wrong", ip="203.0.113.50")
    assert log_in(client, "mei", PASSWORD, ip="203.0.113.50").status_code == 429
    assert log_in(client, "mei", PASSWORD, ip="203.0.113.51").status_code == 302


def test_the_limit_and_the_lock_time_are_settings(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)
    make_user("mei", is_staff=True)
    log_in(client, "mei", "wrong", ip="198.51.100.1")
    locked = log_in(client, "mei", "wrong", ip="198.51.100.2")
    assert locked.status_code == 429
    assert "for 1 minute." in locked.content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert log_in(client, "mei", PASSWORD, ip="198.51.100.3").status_code == 302


def test_password_reset_requests_are_throttled_per_address_asked_for(client):
    make_user("mei", email="mei@example.com", is_staff=True)
    url = reverse("password_reset")
    for n in range(5):
        response = client.post(
            url, {"email": "mei@example.com"}, REMOTE_ADDR=f"198.51.100.{n}"
        )
        assert response.status_code == 302
    assert len(mail.outbox) == 5
    locked = client.post(url, {"email": "MEI@example.com"}, REMOTE_ADDR="192.0.2.9")
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()
    assert len(mail.outbox) == 5


def test_guessing_set_password_links_locks_the_address(client):
    user = make_user("mei", email="mei@example.com", is_staff=True)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    for n in range(4):
        url = reverse("password_reset_confirm", args=[uid, f"cx{n}-0123456789abcdef"])
        response = client.get(url, REMOTE_ADDR="203.0.113.80")
        assert response.status_code == 200
        assert "The password reset link was invalid" in response.content.decode()
    fifth = reverse("password_reset_confirm", args=[uid, "cx5-0123456789abcdef"])
    locked = client.get(fifth, REMOTE_ADDR="203.0.113.80")
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()
    # The user's own (valid) link still works from their own address.
    client.post(
        reverse("password_reset"), {"email": "mei@example.com"}, REMOTE_ADDR="192.0.2.5"
    )
    link = re.search(r"(/accounts/reset/\S+/)", mail.outbox[-1].body)[1]
    opened = client.get(link, REMOTE_ADDR="192.0.2.5")
    assert opened.status_code == 302
    assert opened["Location"].endswith("/set-password/")


def test_admins_see_and_clear_lock_outs_in_the_admin(client):
    make_user("mei", is_staff=True)
    for attempt in range(5):
        log_in(client, "mei", "wrong", ip=f"198.51.100.{attempt}")
    assert log_in(client, "mei", PASSWORD, ip="192.0.2.1").status_code == 429

    admin = make_role_user("Admin", "ada")
    client.force_login(admin)
    listing = client.get(
        reverse("admin:axes_accessattempt_changelist"), REMOTE_ADDR="192.0.2.2"
    )
    assert listing.status_code == 200
    assert "mei" in listing.content.decode()
    attempts = list(AccessAttempt.objects.filter(username="mei"))
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [a.pk for a in attempts],
            "post": "yes",
        },
        REMOTE_ADDR="192.0.2.2",
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="mei").exists()
    client.logout()
    assert log_in(client, "mei", PASSWORD, ip="192.0.2.1").status_code == 302


@pytest.mark.parametrize("role", ["Writer", "Editor"])
def test_only_admins_see_lock_outs(client, role):
    client.force_login(make_role_user(role, "someone"))
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 403


def test_behind_a_trusted_proxy_the_client_address_comes_from_x_forwarded_for(
    client, settings
):
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = 1
    make_user("mei", is_staff=True)
    for attempt in range(5):
        client.post(
            LOGIN,
            {"username": f"guess{attempt}", "password": "x"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",
        )
    blocked = client.post(
        LOGIN,
        {"username": "mei", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert blocked.status_code == 429
    # Another reader behind the same proxy is not locked out with the attacker.
    other = client.post(
        LOGIN,
        {"username": "mei", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert other.status_code == 302
