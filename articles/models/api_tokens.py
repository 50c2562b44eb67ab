"""API tokens: how a trusted client acts as one user through the write API."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "nrt_"


def hash_token(token: str) -> str:
    # A token is 256 random bits, so a plain SHA-256 is as safe to store as a
    # slow password hash and lets each request find its token by index.
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def for_token(self, token: str) -> "ApiToken | None":
        if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
            return None
        return (
            self.active()
            .select_related("user")
            .filter(key_hash=hash_token(token))
            .first()
        )


class ApiToken(models.Model):
    """One client's key, acting with its user's roles. Only the hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text="The client acts as this user, with exactly this user's roles.",
    )
    name = models.CharField(
        max_length=100, help_text="What uses it, e.g. “Wire desk importer”."
    )
    key_start = models.CharField(
        max_length=12,
        editable=False,
        help_text="The token's first characters, to recognise it.",
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.key_start}…)"

    def set_new_key(self) -> str:
        """Give the token a fresh key and return it: the only time it is seen."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.key_start = token[: len(TOKEN_PREFIX) + 6]
        self.key_hash = hash_token(token)
        return token

    @classmethod
    def issue(cls, user, *, name: str, by=None) -> tuple["ApiToken", str]:
        """A new token for `user`, saved, and its plain key."""
        record = cls(user=user, name=name, created_by=by)
        token = record.set_new_key()
        record.save()
        return record, token

    def revoke(self, *, by=None) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.revoked_by = by
            self.save(update_fields=["revoked_at", "revoked_by"])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.user.is_active
