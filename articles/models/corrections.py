"""Corrections and clarifications appended to published articles."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.articles import Article


class CorrectionQuerySet(models.QuerySet):
    def public(self) -> "CorrectionQuerySet":
        """Corrections readers see: those on live articles, newest first."""
        return self.filter(article__in=Article.objects.live()).order_by(
            "-published_at", "-pk"
        )

    def standing(self) -> "CorrectionQuerySet":
        return self.filter(withdrawn_at__isnull=True)


class Correction(models.Model):
    """What a live article got wrong (or said unclearly), told to readers.

    A correction is never deleted: withdrawing one keeps it, marked with who
    withdrew it, when and why, and the page says so.
    """

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="corrections"
    )
    live_update = models.ForeignKey(
        "articles.LiveUpdate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrections",
        help_text="The update of a live article this corrects, if any.",
    )
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.CORRECTION
    )
    text = models.TextField(help_text="What was wrong and what is right, for readers.")
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawal_reason = models.TextField(blank=True)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.article}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
