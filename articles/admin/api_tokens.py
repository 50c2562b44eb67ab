"""API tokens in the admin: admins issue them to a user and revoke them."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from articles.admin.autocomplete import SafeAutocomplete
from articles.models import ApiToken


class IssueTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "name"]


@admin.register(ApiToken)
class ApiTokenAdmin(SafeAutocomplete, admin.ModelAdmin):
    list_display = ["name", "user", "key_start", "created_at", "last_used_at", "state"]
    list_select_related = ["user"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "key_start"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]
    readonly_fields = [
        "user",
        "name",
        "key_start",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = IssueTokenForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj else ["user", "name"]

    def has_delete_permission(self, request, obj=None):
        return False  # revoked tokens stay on record

    def save_model(self, request, obj, form, change):
        if change:
            return  # a token's key and owner never change; revoke and issue anew
        token = obj.set_new_key()
        obj.created_by = request.user
        obj.save()
        messages.warning(
            request,
            f"The token for “{obj.name}” is {token} — copy it now: it is stored "
            "hashed and cannot be shown again.",
        )

    @admin.display(description="State")
    def state(self, token):
        if token.revoked_at:
            return f"Revoked {timezone.localtime(token.revoked_at):%d %b %Y}"
        return "Active" if token.user.is_active else "User deactivated"

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            token.revoke(by=request.user)
        self.message_user(
            request,
            f"Revoked {len(tokens)} token(s); they no longer work.",
            messages.SUCCESS,
        )
