"""The scheduler's heartbeat: proof that `publish_scheduled` runs."""

from django.db import models


class SchedulerHeartbeat(models.Model):
    """One row, rewritten by each run of `manage.py publish_scheduled`."""

    name = models.CharField(max_length=40, unique=True, default="publish_scheduled")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    published = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    embargoes_ended = models.PositiveIntegerField(default=0)
    error = models.TextField(
        blank=True, help_text="Why the last run failed, if it did."
    )

    def __str__(self) -> str:
        return f"{self.name} at {self.started_at:%Y-%m-%d %H:%M}"
