"""What editors have open and not yet saved: working copies, the versions they
opened, and who has a story open.

None of it is content: readers, feeds, the API's reads and exports never see
it, and nothing here is ever published. The scheduled sweep clears what is
older than `NEWSROOM_WORKING_COPY_MAX_AGE_DAYS` (`clear_working_copies`).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.articles import Article


class WorkingCopy(models.Model):
    """One person's unsaved work on one article, kept by autosave.

    `fields` holds only what they changed on the page, as the form's inputs
    said it (field name to value), on top of `base_version`.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="working_copies"
    )
    base_version = models.PositiveIntegerField()
    fields = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-saved_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"], name="one_working_copy_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"Unsaved work on “{self.article}”"


class OpenedVersion(models.Model):
    """The content an article had at a version, as handed to an editor (the
    change page, the API): what a later save from that version is merged
    against."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    content = models.JSONField()
    opened_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["article", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "version"], name="one_opened_content_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"“{self.article}” as opened at version {self.version}"


class Presence(models.Model):
    """Someone has the article's change page open: their last heartbeat."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-seen_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"], name="one_presence_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} on “{self.article}”"
