"""Roles are Django groups, created by a migration; a role grants admin access."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

ROLE_NAMES = ("Writer", "Editor", "Managing editor", "Admin")


def can_manage_user(actor, user) -> bool:
    """Whether `actor` may change `user`'s account: a superuser anyone's; whoever
    manages the team (`auth.change_user`, the Admin role) anyone's but a
    superuser's. The team admin, its actions and API tokens all ask this."""
    if not (actor.is_authenticated and actor.is_active):
        return False
    if actor.is_superuser:
        return True
    return actor.has_perm("auth.change_user") and not user.is_superuser


def sync_staff_flag(sender, instance, action, pk_set=None, **kwargs):
    """Keep `is_staff` in step with role membership, so a group is all it takes."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    User = get_user_model()
    if isinstance(instance, Group):
        users = User.objects.filter(pk__in=pk_set or [])
    else:
        users = [instance]
    for user in users:
        has_role = user.groups.filter(name__in=ROLE_NAMES).exists()
        if user.is_superuser or has_role == user.is_staff:
            continue
        user.is_staff = has_role
        user.save(update_fields=["is_staff"])
