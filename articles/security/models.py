from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class UserSession(AbstractBaseSession):
    """A session that records whose it is, so all of a user's can be ended."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta(AbstractBaseSession.Meta):
        verbose_name = "session"

    @classmethod
    def get_session_store_class(cls):
        from articles.security.sessions import SessionStore

        return SessionStore


class RolePolicy(models.Model):
    role = models.OneToOneField(
        Group, on_delete=models.CASCADE, related_name="security_policy"
    )
    require_two_factor = models.BooleanField(
        "require two-factor sign-in",
        default=False,
        help_text="Members must set up an authenticator app and enter its code "
        "after their password; until then they can only reach the set-up page.",
    )

    class Meta:
        verbose_name = "security policy"
        verbose_name_plural = "security policy"

    def __str__(self):
        return f"Security policy for {self.role}"
