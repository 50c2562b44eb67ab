"""Optional two-factor sign-in for staff, required per role, with recovery codes."""

import re
from base64 import b32encode
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Article
from articles.security.models import RolePolicy, UserSession
from tests.factories import make_article, make_role_user, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def app_code(device, at=None) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at.timestamp()
    return f"{totp.token():06d}"


def sign_in(client, username):
    response = client.post(
        reverse("admin:login"),
        {"username": username, "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    return client.get("/admin/")


def set_up(client) -> tuple[TOTPDevice, list[str]]:
    page = client.get(reverse("security:setup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "Key:" in html
    device = TOTPDevice.objects.get(confirmed=False)
    done = client.post(reverse("security:setup"), {"code": app_code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([0-9a-f-]+)</code></li>", done.content.decode())
    return TOTPDevice.objects.get(pk=device.pk), codes


def test_staff_without_two_factor_sign_in_with_the_password_alone(client):
    make_role_user("Writer", "wendy")
    assert sign_in(client, "wendy").status_code == 200


def test_setting_up_an_app_gives_ten_recovery_codes_and_then_the_login_asks(client):
    make_role_user("Editor", "eddie")
    sign_in(client, "eddie")
    page = client.get(reverse("security:setup"))
    device = TOTPDevice.objects.get(user__username="eddie")
    key_shown = re.search(
        r'<code class="otp-key">([A-Z2-7 ]+)</code>', page.content.decode()
    )
    assert key_shown[1].replace(" ", "").encode() == b32encode(device.bin_key)
    wrong = client.post(reverse("security:setup"), {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    # Straight after a wrong code even the right one waits (django-otp throttling).
    hurried = client.post(reverse("security:setup"), {"code": app_code(device)})
    assert "wait a few seconds" in hurried.content.decode()

    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        device, codes = set_up(client)
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/admin/").status_code == 200  # this session is verified

    client.post(reverse("admin:logout"))
    answer = sign_in(client, "eddie")
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("security:verify"))
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 302
    later = timezone.now() + timedelta(seconds=90)
    with time_machine.travel(later, tick=False):
        bad = client.post(reverse("security:verify"), {"code": "123456"})
        assert "That code is not right" in bad.content.decode()
    with time_machine.travel(later + timedelta(seconds=5), tick=False):
        good = client.post(
            reverse("security:verify"),
            {"code": app_code(device), "next": "/admin/articles/article/"},
        )
        assert (
            good.status_code == 302 and good["Location"] == "/admin/articles/article/"
        )
        assert client.get("/admin/articles/article/").status_code == 200


def test_a_recovery_code_signs_in_once(client):
    make_role_user("Editor", "eddie")
    sign_in(client, "eddie")
    _, codes = set_up(client)
    for attempt in range(2):
        client.post(reverse("admin:logout"))
        sign_in(client, "eddie")
        response = client.post(reverse("security:verify"), {"code": codes[0].upper()})
        if attempt == 0:
            assert response.status_code == 302
            assert client.get("/admin/").status_code == 200
        else:
            assert "That code is not right" in response.content.decode()
    assert StaticToken.objects.filter(device__user__username="eddie").count() == 9
    new = client.post(reverse("security:recovery_codes"))
    assert new.status_code == 302  # half signed in: back to the code page


def test_half_signed_in_staff_are_readers_on_the_public_site(client):
    editor = make_role_user("Editor", "eddie")
    draft = make_article(status=Article.Status.DRAFT, publish_at=None)
    client.force_login(editor)
    assert client.get(draft.get_absolute_url()).status_code == 200
    set_up(client)
    client.post(reverse("admin:logout"))
    sign_in(client, "eddie")
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_role_that_requires_it_sends_members_to_set_up_first(client):
    RolePolicy.objects.create(
        role=Group.objects.get(name="Editor"), require_two_factor=True
    )
    make_role_user("Editor", "eddie")
    make_role_user("Writer", "wendy")
    answer = sign_in(client, "eddie")
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("security:setup"))
    setup_page = client.get(reverse("security:setup"))
    assert "Your role requires two-factor sign-in" in setup_page.content.decode()
    set_up(client)
    assert client.get("/admin/").status_code == 200
    turn_off = client.post(reverse("security:turn_off"), follow=True)
    assert "Your role requires two-factor sign-in." in turn_off.content.decode()
    assert TOTPDevice.objects.filter(user__username="eddie").exists()

    client.post(reverse("admin:logout"))
    assert sign_in(client, "wendy").status_code == 200  # writers are not held


def test_an_optional_second_factor_can_be_turned_off(client):
    make_role_user("Writer", "wendy")
    sign_in(client, "wendy")
    set_up(client)
    client.post(reverse("security:turn_off"))
    assert not TOTPDevice.objects.filter(user__username="wendy").exists()
    client.post(reverse("admin:logout"))
    assert sign_in(client, "wendy").status_code == 200


def test_an_admin_requires_two_factor_for_a_role_in_the_roles_admin(client):
    group = Group.objects.get(name="Writer")
    client.force_login(make_role_user("Admin", "ada"))
    form = {
        "name": "Writer",
        "permissions": list(group.permissions.values_list("pk", flat=True)),
        "security_policy-TOTAL_FORMS": "1",
        "security_policy-INITIAL_FORMS": "0",
        "security_policy-0-require_two_factor": "on",
    }
    response = client.post(reverse("admin:auth_group_change", args=[group.pk]), form)
    assert response.status_code == 302
    assert RolePolicy.objects.get(role=group).require_two_factor
    listing = client.get(reverse("admin:auth_group_changelist")).content.decode()
    assert "Two-factor required" in listing


def test_wrong_codes_count_towards_the_lock_out(client):
    make_role_user("Editor", "eddie")
    sign_in(client, "eddie")
    set_up(client)
    client.post(reverse("admin:logout"))
    sign_in(client, "eddie")
    for n in range(4):
        client.post(reverse("security:verify"), {"code": f"99999{n}"})
    locked = client.post(reverse("security:verify"), {"code": "999995"})
    assert locked.status_code == 429
    again = client.post(reverse("security:verify"), {"code": "999996"})
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_an_admin_resets_a_lost_phone(client):
    editor = make_role_user("Editor", "eddie")
    sign_in(client, "eddie")
    set_up(client)
    admin_client = client.__class__()
    admin_client.force_login(make_role_user("Admin", "ada"))
    response = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [editor.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert not StaticToken.objects.filter(device__user=editor).exists()
    assert not UserSession.objects.filter(user=editor).exists()
    assert client.get("/admin/").status_code == 302  # logged out
    assert sign_in(client, "eddie").status_code == 200


def test_the_verify_page_only_follows_local_next_addresses(client):
    make_role_user("Editor", "eddie")
    sign_in(client, "eddie")
    device, _ = set_up(client)
    client.post(reverse("admin:logout"))
    sign_in(client, "eddie")
    with time_machine.travel(timezone.now() + timedelta(seconds=90), tick=False):
        response = client.post(
            reverse("security:verify"),
            {"code": app_code(device), "next": "https://evil.example/"},
        )
    assert response["Location"] == reverse("admin:index")


def test_a_plain_user_has_no_account_security_page(client):
    client.force_login(make_user("reader"))
    assert client.get(reverse("security:overview")).status_code == 302


def test_failure_records_never_keep_codes_or_passwords(client):
    from axes.models import AccessAttempt

    make_role_user("Editor", "eddie")
    sign_in(client, "eddie")
    set_up(client)
    client.post(reverse("admin:logout"))
    client.post(reverse("admin:login"), {"username": "eddie", "password": "s3cret!"})
    sign_in(client, "eddie")
    client.post(reverse("security:verify"), {"code": "424242"})
    stored = " ".join(a.post_data for a in AccessAttempt.objects.all())
    assert "s3cret!" not in stored and "424242" not in stored
    assert "********************" in stored
