"""Webhooks: URLs told about published, updated and unpublished articles."""

import base64
import secrets
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone


class WebhookEvent(models.TextChoices):
    PUBLISHED = "article.published", "An article was published"
    UPDATED = "article.updated", "Changes to a live article were published"
    CORRECTED = "article.corrected", "A correction or clarification was added"
    UNPUBLISHED = "article.unpublished", "An article was unpublished"
    TAKEN_DOWN = "article.taken_down", "An article was taken down"


TEST_EVENT = "webhook.test"


def new_secret() -> str:
    """A signing key in the Standard Webhooks form: whsec_ and base64 of 24 bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def all_events() -> list[str]:
    return [event.value for event in WebhookEvent]


class Webhook(models.Model):
    name = models.CharField(max_length=100, help_text="Who receives it.")
    url = models.URLField(
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Receives a signed POST for each chosen event.",
    )
    events = models.JSONField(
        default=all_events, help_text="The events this URL receives."
    )
    secret = models.CharField(
        max_length=80,
        default=new_secret,
        editable=False,
        help_text="Signs each delivery; give it to the receiver to check them.",
    )
    is_active = models.BooleanField(
        default=True, help_text="Untick to stop deliveries without losing the log."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from articles.webhooks.outgoing import check_url

        if self.url:
            try:
                check_url(self.url)
            except ValidationError as error:
                raise ValidationError({"url": error}) from None


class WebhookDeliveryQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=now or timezone.now(),
        )


class WebhookDelivery(models.Model):
    """One event for one webhook, with every attempt to deliver it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed, no more retries"

    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Sent as `webhook-id`: the same on every retry, so receivers can de-duplicate.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=40)
    # The exact bytes sent and signed, kept so that every retry sends the same.
    body = models.TextField()
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    # Each attempt: {"at", "status", "error", "ms"}.
    log = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook}"
