"""Each staff member's account security: two-factor sign-in and their sessions."""

import segno
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.security import lockout, twofactor
from articles.security.forms import CodeForm
from articles.security.sessions import end_sessions


def admin_context(request, title):
    from django.contrib import admin

    return {**admin.site.each_context(request), "title": title}


def next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


@staff_member_required
def overview(request):
    user = request.user
    return render(
        request,
        "security/overview.html",
        {
            **admin_context(request, "Account security"),
            "app_device": twofactor.app_device(user),
            "required": twofactor.is_required(user),
            "recovery_codes_left": twofactor.recovery_codes_left(user),
        },
    )


@staff_member_required
def setup(request):
    user = request.user
    if twofactor.app_device(user) is not None:
        return redirect("security:overview")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=twofactor.APP_DEVICE_NAME, confirmed=False
        )
    form = CodeForm(
        request.POST or None,
        user=user,
        request=request,
        devices=TOTPDevice.objects.filter(pk=device.pk),
    )
    form.fields["code"].help_text = "The six digits the app shows for this site."
    if request.method == "POST":
        if lockout.is_locked(request, user.get_username()):
            logout(request)
            return lockout.lockout_response(request, user.get_username())
        if form.is_valid():
            device.refresh_from_db()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            codes = twofactor.new_recovery_codes(user)
            return render(
                request,
                "security/recovery_codes.html",
                {**admin_context(request, "Your recovery codes"), "codes": codes},
            )
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff"
    )
    return render(
        request,
        "security/setup.html",
        {
            **admin_context(request, "Set up two-factor sign-in"),
            "form": form,
            "required": twofactor.is_required(user),
            # segno builds the SVG from the key alone: no user text in it.
            "qr_svg": mark_safe(qr),
            "key": device_key(device),
            "next": next_url(request),
        },
    )


@staff_member_required
def verify(request):
    user = request.user
    if twofactor.pending_step(user) != "verify":
        return redirect(next_url(request))
    form = CodeForm(request.POST or None, user=user, request=request)
    if request.method == "POST":
        if lockout.is_locked(request, user.get_username()):
            logout(request)
            return lockout.lockout_response(request, user.get_username())
        if form.is_valid():
            otp_login(request, form.device)
            return redirect(next_url(request))
    return render(
        request,
        "security/verify.html",
        {
            **admin_context(request, "Two-factor sign-in"),
            "form": form,
            "next": next_url(request),
        },
    )


@require_POST
@staff_member_required
def recovery_codes(request):
    codes = twofactor.new_recovery_codes(request.user)
    return render(
        request,
        "security/recovery_codes.html",
        {**admin_context(request, "Your recovery codes"), "codes": codes},
    )


@require_POST
@staff_member_required
def turn_off(request):
    if twofactor.is_required(request.user):
        messages.error(request, "Your role requires two-factor sign-in.")
    else:
        twofactor.remove_devices(request.user)
        messages.success(request, "Two-factor sign-in is off.")
    return redirect("security:overview")


@require_POST
@staff_member_required
def log_out_everywhere(request):
    ended = end_sessions(request.user)
    logout(request)
    messages.success(
        request, f"You are logged out everywhere ({ended} sessions ended)."
    )
    return redirect("admin:login")


def device_key(device) -> str:
    from base64 import b32encode

    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
