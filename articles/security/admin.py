"""Security in the admin: the per-role policy inline of the role page, user actions.

Lock-outs are django-axes' own admin pages ("Access attempts": filter by locked,
delete to clear).
"""

from django.contrib import admin, messages

from articles.roles import can_manage_user
from articles.security import twofactor
from articles.security.models import RolePolicy
from articles.security.sessions import end_sessions


class RolePolicyInline(admin.StackedInline):
    """A role's security policy, which whoever manages the team sets."""

    model = RolePolicy
    can_delete = False
    max_num = 1
    verbose_name_plural = "Security policy"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("auth.change_user")

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("auth.change_user")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("auth.change_user")


def refuse_superusers(modeladmin, request, queryset) -> bool:
    """Refuse the whole action, with a message, if it names anyone `request.user`
    may not manage (for an admin: a superuser)."""
    if all(can_manage_user(request.user, user) for user in queryset):
        return False
    modeladmin.message_user(
        request, "Only a superuser can do this for a superuser.", messages.ERROR
    )
    return True


@admin.action(
    description="Log out everywhere (ends every session of the selected users)",
    permissions=["change"],
)
def log_out_everywhere(modeladmin, request, queryset):
    if refuse_superusers(modeladmin, request, queryset):
        return
    ended = sum(end_sessions(user) for user in queryset)
    modeladmin.message_user(
        request,
        f"Logged out {queryset.count()} users everywhere ({ended} sessions ended).",
        messages.SUCCESS,
    )


@admin.action(
    description="Reset two-factor sign-in (lost phone: they set it up again)",
    permissions=["change"],
)
def reset_two_factor(modeladmin, request, queryset):
    if refuse_superusers(modeladmin, request, queryset):
        return
    for user in queryset:
        twofactor.remove_devices(user)
        end_sessions(user)
    modeladmin.message_user(
        request,
        f"Two-factor sign-in reset for {queryset.count()} users; they are logged "
        "out and set it up again at their next login if their role requires it.",
        messages.SUCCESS,
    )
