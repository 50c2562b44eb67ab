"""Lock-outs after repeated failures (django-axes), on every form that guards a login.

The admin login is covered by axes' authentication backend. The password-reset and
set-password pages authenticate nobody, so they report their own failures to axes:
each reset request counts against the address asked for and the client's address
(a mail-bombing or account-probing throttle), and each set-password link that does
not check out counts against the client's address (token guessing).
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import render

from articles.accounts import (
    PasswordResetConfirmView as ActiveUsersPasswordResetConfirmView,
)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or X-Forwarded-For behind trusted proxies."""
    hops = settings.NEWSROOM_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            return chain[-hops]
    return request.META.get("REMOTE_ADDR")


def lockout_parameters(request_or_attempt, credentials=None) -> list[str]:
    """Lock by username and by address; by address alone when there is no name.

    Without this, every failure that names nobody would share one lock.
    """
    if credentials is not None:
        username = credentials.get("username")
    else:
        username = getattr(request_or_attempt, "username", None)
    return ["username", "ip_address"] if username else ["ip_address"]


def record_failure(request, username: str = "") -> None:
    user_login_failed.send(
        sender=__name__, credentials={"username": username}, request=request
    )


def is_locked(request, username: str = "") -> bool:
    return not AxesProxyHandler.is_allowed(request, {"username": username})


def lockout_response(request, username: str = ""):
    return get_lockout_response(request, None, {"username": username})


def lockout_page(request, original_response=None, credentials=None):
    """The page a locked-out login or form answers with (429, says for how long)."""
    credentials = credentials or {}
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "security/lockout.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "username": credentials.get("username", ""),
            "minutes": minutes,
            "title": "Too many failed attempts",
        },
        status=429,
    )


class PasswordResetView(auth_views.PasswordResetView):
    def post(self, request, *args, **kwargs):
        email = request.POST.get("email", "")[:254].strip().lower()
        if is_locked(request, email):
            return lockout_response(request, email)
        response = super().post(request, *args, **kwargs)
        record_failure(request, email)
        # This request was let through (and its mail sent); the lock starts with
        # the next one, so the answer must not claim otherwise.
        request.axes_locked_out = False
        return response


class PasswordResetConfirmView(ActiveUsersPasswordResetConfirmView):
    # Counted against the address only: a stranger guessing links must not lock
    # the user out of their own link.
    def dispatch(self, request, *args, **kwargs):
        if is_locked(request):
            return lockout_response(request)
        response = super().dispatch(request, *args, **kwargs)
        if not self.validlink:
            record_failure(request)
        return response
