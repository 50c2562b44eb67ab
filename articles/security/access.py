"""Deactivation ends a user's access for good.

However an account is deactivated (the team admin's action or change form, a
command, the shell), saving it inactive deletes its sessions and revokes its
API tokens, here and only here. Reactivating it brings neither back: the person
signs in afresh and is issued new tokens.
"""

from django.utils import timezone

from articles.security.sessions import end_sessions


def end_access(user) -> None:
    from articles.models import ApiToken

    end_sessions(user)
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def on_user_saved(sender, instance, **kwargs) -> None:
    if not instance.is_active:
        end_access(instance)


def deactivate(user) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])  # on_user_saved ends their access


def reactivate(user) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])
