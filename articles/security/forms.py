import re

from django import forms
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.security import lockout
from articles.security.twofactor import RECOVERY_DEVICE_NAME

APP_CODE = re.compile(r"[0-9]{6}")


class CodeForm(forms.Form):
    """A code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The six digits your authenticator app shows now, or one of your "
        "recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True}
        ),
    )

    def __init__(self, *args, user, request, devices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request
        self.devices = devices
        self.device = None

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).lower()
        # Verified outside any exception, so that django-otp's throttle count and
        # the lock-out's failure record are kept when the code is refused.
        with transaction.atomic():
            device = self.device_for(code)
            allowed = device is not None and device.verify_is_allowed()[0]
            matched = allowed and device.verify_token(code)
        if matched:
            self.device = device
            return code
        lockout.record_failure(self.request, self.user.get_username())
        if device is not None and not allowed:
            raise forms.ValidationError(
                "Too many wrong codes in a row: wait a few seconds, then try "
                "again with the code your app shows then."
            )
        raise forms.ValidationError(
            "That code is not right. Check that your phone's clock is set "
            "automatically, or use a recovery code."
        )

    def device_for(self, code):
        if self.devices is not None:
            devices = self.devices
        elif APP_CODE.fullmatch(code):
            devices = TOTPDevice.objects.filter(user=self.user, confirmed=True)
        else:
            devices = StaticDevice.objects.filter(
                user=self.user, name=RECOVERY_DEVICE_NAME
            )
        return devices.select_for_update().first()
