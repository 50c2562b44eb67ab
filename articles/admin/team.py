"""Admins manage the team: logins, roles, set-password links, deactivation."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import PasswordResetForm, UserChangeForm
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse

from articles.roles import ROLE_NAMES, can_manage_user
from articles.security import access
from articles.security import admin as security_admin

admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """Roles and their security policy.

    Who manages the team sets a role's policy (two-factor required or not);
    what a role may do is the superuser's call alone: an admin who could edit
    role permissions could grant the Admin role publishing.
    """

    inlines = [security_admin.RolePolicyInline]
    list_display = ["name", "requires_two_factor"]

    @admin.display(boolean=True, description="Two-factor required")
    def requires_two_factor(self, group):
        policy = getattr(group, "security_policy", None)
        return bool(policy and policy.require_two_factor)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("security_policy")

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["name", "permissions"]

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or request.user.has_perm("auth.change_user")

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class NewUserForm(forms.ModelForm):
    """One step: who they are and their role; they choose their own password."""

    role = forms.ModelChoiceField(
        queryset=Group.objects.filter(name__in=ROLE_NAMES).order_by("name"),
        help_text="What they may do: Writer, Editor or Admin.",
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = "A link to choose a password is sent here."

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
            self.save_m2m()
        return user

    def _save_m2m(self):
        super()._save_m2m()
        self.instance.groups.add(self.cleaned_data["role"])


class InvitationForm(PasswordResetForm):
    """Sends the set-password link to one user, who has no usable password yet."""

    def __init__(self, user):
        super().__init__({"email": user.email})
        self.user = user

    def get_users(self, email):
        return [self.user] if self.user.is_active and self.user.email else []


def send_invitation(request, user) -> None:
    form = InvitationForm(user)
    form.is_valid()
    form.save(
        request=request,
        use_https=request.is_secure(),
        subject_template_name="registration/invitation_subject.txt",
        email_template_name="registration/invitation_email.txt",
        extra_email_context={"site_name": settings.NEWSROOM_SITE_NAME, "user": user},
    )


class StaffUserChangeForm(UserChangeForm):
    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups")
        has_role = groups is not None and groups.filter(name__in=ROLE_NAMES).exists()
        if cleaned.get("is_staff") and not cleaned.get("is_superuser") and not has_role:
            raise ValidationError(
                "Staff need a role: choose Writer, Editor or Admin under Groups."
            )
        return cleaned


@admin.register(User)
class NewsroomUserAdmin(UserAdmin):
    """Admins manage logins and roles; only superusers grant superuser rights."""

    add_form = NewUserForm
    form = StaffUserChangeForm
    add_fieldsets = [
        (
            None,
            {"fields": ["username", "first_name", "last_name", "email", "role"]},
        ),
    ]
    list_display = [
        "username",
        "full_name",
        "email",
        "roles",
        "is_active",
        "last_login",
    ]
    list_filter = ["groups", "is_active", "is_superuser"]
    actions = [
        "deactivate",
        "reactivate",
        "resend_invitation",
        security_admin.log_out_everywhere,
        security_admin.reset_two_factor,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Name", ordering="last_name")
    def full_name(self, user):
        return user.get_full_name()

    @admin.display(description="Role")
    def roles(self, user):
        return ", ".join(group.name for group in user.groups.all())

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly += ["last_login", "date_joined"]
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions", "is_staff"]
            if obj is not None and obj.pk == request.user.pk:
                readonly.append("groups")  # no one grants themselves a role
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and not can_manage_user(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        send_invitation(request, obj)
        self.message_user(
            request,
            f"{obj.get_username()} was created and sent a link to {obj.email} to "
            "choose a password.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:auth_user_changelist"))

    @admin.action(
        description="Deactivate selected users (blocks login, keeps bylines)",
        permissions=["change"],
    )
    def deactivate(self, request, queryset):
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(
                request, "You cannot deactivate yourself.", messages.ERROR
            )
            return
        if security_admin.refuse_superusers(self, request, queryset):
            return
        users = list(queryset)
        for user in users:
            access.deactivate(user)
        self.message_user(
            request,
            f"{len(users)} deactivated: they can no longer log in, their sessions "
            "and API tokens are ended for good; their articles and bylines stay "
            "as they are.",
            messages.SUCCESS,
        )

    @admin.action(description="Reactivate selected users", permissions=["change"])
    def reactivate(self, request, queryset):
        if security_admin.refuse_superusers(self, request, queryset):
            return
        users = list(queryset)
        for user in users:
            access.reactivate(user)
        self.message_user(
            request,
            f"{len(users)} reactivated. They sign in afresh; their old API tokens "
            "stay revoked.",
            messages.SUCCESS,
        )

    @admin.action(description="Send a new set-password link")
    def resend_invitation(self, request, queryset):
        sent = [user for user in queryset if user.is_active and user.email]
        for user in sent:
            send_invitation(request, user)
        self.message_user(request, f"Sent {len(sent)} set-password links.")
