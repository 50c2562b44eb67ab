"""Pending changes to a live story set to go out at a given minute."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.workflow import PendingChange


class ScheduledUpdate(models.Model):
    """When a live article's pending changes go out, and the note readers see.

    It goes with its pending changes: publishing or discarding them by hand
    ends the schedule too.
    """

    pending_change = models.OneToOneField(
        PendingChange, on_delete=models.CASCADE, related_name="scheduled_update"
    )
    publish_at = models.DateTimeField(db_index=True)
    note = models.CharField(max_length=200, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scheduled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["publish_at", "pk"]

    def __str__(self) -> str:
        return f"Scheduled update of {self.pending_change.article}"
