"""Two-factor sign-in for staff: an authenticator app (TOTP) and recovery codes.

Optional for everyone with a staff login; required for the members of a role
whose security policy says so. A staff user who has set it up, or whose role
requires it, is only half signed in after the password: the admin answers with
the code page (or the set-up page), and the public site treats them as a reader.
"""

import secrets

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.security.models import RolePolicy

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def is_required(user) -> bool:
    return RolePolicy.objects.filter(role__user=user, require_two_factor=True).exists()


def app_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_step(user) -> str | None:
    """What a signed-in staff user must still do: "verify", "setup" or nothing."""
    if not (user.is_authenticated and user.is_staff) or user.is_verified():
        return None
    if app_device(user) is not None:
        return "verify"
    if is_required(user):
        return "setup"
    return None


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with a fresh set; each works once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [
        "-".join(secrets.token_hex(3) for _ in range(2))
        for _ in range(settings.NEWSROOM_RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=code) for code in codes
    )
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(
        device__user=user, device__name=RECOVERY_DEVICE_NAME
    ).count()


def remove_devices(user) -> None:
    """Turn two-factor sign-in off for the user (e.g. a lost phone)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


class TwoFactorMiddleware:
    """Holds a half-signed-in user at the code or set-up page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Readers have no session cookie: nothing to check, no session touched.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            step = pending_step(request.user)
            if step is not None:
                response = self.hold(request, step)
                if response is not None:
                    return response
        return self.get_response(request)

    def hold(self, request, step):
        admin_prefix = reverse("admin:index")
        if not request.path_info.startswith(admin_prefix):
            request.user = AnonymousUser()
            return None
        allowed = {
            reverse("security:verify"),
            reverse("security:setup"),
            reverse("admin:logout"),
            reverse("admin:jsi18n"),
        }
        if request.path_info in allowed:
            return None
        target = reverse("security:verify" if step == "verify" else "security:setup")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
