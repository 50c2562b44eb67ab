"""The workflow's records: each move of an article, and edits awaiting an editor."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.articles import Article


class ArticleEvent(models.Model):
    """One step of an article's workflow: who moved it from which state to which."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "Submitted for review"
        RETURN = "return", "Returned to the writer"
        SCHEDULE = "schedule", "Scheduled"
        PUBLISH = "publish", "Published"
        UNPUBLISH = "unpublish", "Unpublished"
        PUBLISH_CHANGES = "publish_changes", "Published changes"
        DISCARD_CHANGES = "discard_changes", "Discarded pending changes"
        RESTORE = "restore", "Restored a revision"
        HOLD = "hold", "Held back at its scheduled time"
        IMPORT = "import", "Imported"
        CORRECT = "correct", "Added a correction"
        WITHDRAW_CORRECTION = "withdraw_correction", "Withdrew a correction"
        TAKE_DOWN = "take_down", "Taken down"
        REINSTATE = "reinstate", "Reinstated"
        EMBARGO = "embargo", "Set an embargo"
        LIFT_EMBARGO = "lift_embargo", "Lifted the embargo"
        EMBARGO_ENDED = "embargo_ended", "Embargo ended"
        OVERRIDE = "override", "Overrode a checklist rule"
        RETAG = "retag", "Tags merged or renamed"
        SCHEDULE_CHANGES = "schedule_changes", "Scheduled the pending changes"
        UNSCHEDULE_CHANGES = "unschedule_changes", "Cancelled the scheduled changes"
        COMMENT = "comment", "Commented"
        RESOLVE_COMMENT = "resolve_comment", "Resolved a comment thread"
        REOPEN_COMMENT = "reopen_comment", "Reopened a comment thread"
        START_COVERAGE = "start_coverage", "Started live coverage"
        END_COVERAGE = "end_coverage", "Ended live coverage"
        POST_UPDATE = "post_update", "Posted a live update"
        SUBMIT_UPDATE = "submit_update", "Submitted a live update for review"
        EDIT_UPDATE = "edit_update", "Edited a live update"
        DELETE_UPDATE = "delete_update", "Deleted a live update"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the scheduler published the article.",
    )
    from_status = models.CharField(max_length=20, choices=Article.Status.choices)
    to_status = models.CharField(max_length=20, choices=Article.Status.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["article", "created_at"], name="event_article_time_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.article}"


class PendingChange(models.Model):
    """Edits to a live article that readers see only once an editor publishes them.

    `content` holds the whole proposed article as `ArticleContent.as_json()`
    (articles.workflow.content): fields, tags by name, bylines and pinned stories
    in order. Publishing writes it onto the article; nothing else reads it.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="pending_change"
    )
    content = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Pending changes to {self.article}"
