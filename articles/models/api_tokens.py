"""API tokens: how a trusted client acts as one user through the write API.

A token carries its user's rights and no more: its scopes (read, write drafts,
publish) narrow what the client may do within the user's role, and it expires.
Who may issue one for whom is `articles.security.api_tokens`.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "nrt_"
DEFAULT_LIFETIME = timedelta(days=90)
LONGEST_LIFETIME = timedelta(days=365)


class Scope(models.TextChoices):
    READ = "read", "Read drafts"
    WRITE = "write", "Write drafts (create, edit, submit)"
    PUBLISH = "publish", "Publish (publish, schedule, publish changes)"
    SYNDICATE = "syndicate", "Syndicate (the ninjs feed of live articles)"


def default_expiry():
    return timezone.now() + DEFAULT_LIFETIME


def hash_token(token: str) -> str:
    # A token is 256 random bits, so a plain SHA-256 is as safe to store as a
    # slow password hash and lets each request find its token by index.
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        """Not revoked, its user active: it works until it expires."""
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def active(self):
        return self.usable().filter(expires_at__gt=timezone.now())

    def for_token(self, token: str) -> "ApiToken | None":
        """The usable token with this key, expired or not (the API tells an
        expired token from an unknown one)."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
            return None
        return (
            self.usable()
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
    scopes = models.JSONField(
        default=list,
        help_text="What the client may do, within its user's role.",
    )
    expires_at = models.DateTimeField(
        default=default_expiry,
        help_text="After this the token is refused; issue a new one.",
    )
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
    def issue(
        cls, user, *, name: str, scopes=None, lifetime=DEFAULT_LIFETIME, by=None
    ) -> tuple["ApiToken", str]:
        """A new token for `user`, saved, and its plain key; by default with every
        scope the user's role allows. Whether `by` may issue it is checked by
        the caller (`articles.security.api_tokens`)."""
        from articles.security.api_tokens import allowed_scopes

        record = cls(
            user=user,
            name=name,
            scopes=list(allowed_scopes(user) if scopes is None else scopes),
            expires_at=timezone.now() + lifetime,
            created_by=by,
        )
        token = record.set_new_key()
        record.save()
        return record, token

    def allows(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def revoke(self, *, by=None) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.revoked_by = by
            self.save(update_fields=["revoked_at", "revoked_by"])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.user.is_active and not self.is_expired
