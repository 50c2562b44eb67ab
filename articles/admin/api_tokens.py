"""API tokens in the admin: each person issues their own (a superuser also for
others), with scopes and an expiry; tokens are revoked, never edited."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.admin.autocomplete import SafeAutocomplete
from articles.models import ApiToken
from articles.models.api_tokens import DEFAULT_LIFETIME, Scope
from articles.roles import can_manage_user
from articles.security import api_tokens

LIFETIMES = [(7, "7 days"), (30, "30 days"), (90, "90 days"), (365, "a year")]


class IssueTokenForm(forms.ModelForm):
    issuer = None  # the signed-in person, set by the admin for each request

    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        initial=[Scope.READ, Scope.WRITE],
        widget=forms.CheckboxSelectMultiple,
        help_text="What the client may do; never more than its user's role allows.",
    )
    lifetime = forms.TypedChoiceField(
        label="Expires after",
        choices=LIFETIMES,
        coerce=int,
        initial=DEFAULT_LIFETIME.days,
        help_text="The token is refused after this; issue a new one then.",
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name", "scopes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.fields["user"]
        if not self.issuer.is_superuser:
            user.queryset = get_user_model().objects.filter(pk=self.issuer.pk)
            user.initial = self.issuer.pk
            user.error_messages["invalid_choice"] = (
                "You may issue tokens only for yourself; a superuser issues them "
                "for others."
            )
        user.help_text = "The client acts as this user, within the scopes below."

    def clean(self):
        cleaned = super().clean()
        owner = cleaned.get("user")
        if owner is not None and "scopes" in cleaned and "lifetime" in cleaned:
            lifetime = timedelta(days=cleaned["lifetime"])
            refused = api_tokens.refusal(
                self.issuer, owner, cleaned["scopes"], lifetime
            )
            if refused:
                raise forms.ValidationError(refused)
            self.instance.expires_at = timezone.now() + lifetime
        return cleaned


@admin.register(ApiToken)
class ApiTokenAdmin(SafeAutocomplete, admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "key_start",
        "scope_list",
        "expires_at",
        "last_used_at",
        "state",
    ]
    list_select_related = ["user"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "key_start"]
    actions = ["revoke"]
    readonly_fields = [
        "user",
        "name",
        "key_start",
        "scope_list",
        "expires_at",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]

    def get_queryset(self, request):
        """Your own tokens; whoever manages the team also sees those of the users
        they could edit, a superuser everyone's."""
        tokens = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return tokens
        if user.has_perm("auth.change_user"):
            return tokens.filter(user__is_superuser=False) | tokens.filter(user=user)
        return tokens.filter(user=user)

    def get_autocomplete_fields(self, request):
        return ["user"] if request.user.is_superuser else []

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = type(
                "IssueTokenForm", (IssueTokenForm,), {"issuer": request.user}
            )
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj else ["user", "name", "scopes", "lifetime"]

    def has_delete_permission(self, request, obj=None):
        return False  # revoked tokens stay on record

    def has_change_permission(self, request, obj=None):
        if obj is not None and not (
            obj.user_id == request.user.pk or can_manage_user(request.user, obj.user)
        ):
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return  # a token's key and owner never change; revoke and issue anew
        token = obj.set_new_key()
        obj.created_by = request.user
        obj.save()
        messages.warning(
            request,
            f"The token for “{obj.name}” is {token} — copy it now: it is stored "
            "hashed and cannot be shown again. It expires on "
            f"{timezone.localtime(obj.expires_at):%d %b %Y}.",
        )

    @admin.display(description="Scopes")
    def scope_list(self, token):
        return ", ".join(token.scopes) or "none"

    @admin.display(description="State")
    def state(self, token):
        if token.revoked_at:
            return f"Revoked {timezone.localtime(token.revoked_at):%d %b %Y}"
        if not token.user.is_active:
            return "User deactivated"
        return "Expired" if token.is_expired else "Active"

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        tokens = [
            token
            for token in queryset.filter(revoked_at__isnull=True).select_related("user")
            if self.has_change_permission(request, token)
        ]
        for token in tokens:
            token.revoke(by=request.user)
        self.message_user(
            request,
            f"Revoked {len(tokens)} token(s); they no longer work.",
            messages.SUCCESS,
        )
