"""Tasks held in the database until they are handed to a queue outside it."""

from django.db import models
from django.utils import timezone


class OutboxTask(models.Model):
    """A task asked for in a transaction, for a task backend outside the database.

    The database task backend writes its tasks in the caller's transaction, so
    they exist exactly when the change that asked for them commits. Redis (RQ)
    cannot join that transaction: there the task is written here instead, in the
    transaction, and handed to RQ once it commits (`articles.background.outbox`).
    A process that stops in between leaves the row, and the relay hands it over.
    """

    task_path = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    run_after = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_path} (held since {self.created_at:%Y-%m-%d %H:%M:%S})"
