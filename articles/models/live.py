"""Live coverage: the timestamped updates of a running story."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models.articles import Article
from articles.models.people import Author
from articles.sanitize import sanitize_html


class LiveUpdateQuerySet(models.QuerySet):
    def public(self) -> "LiveUpdateQuerySet":
        """Updates readers see, newest first: published, their time reached.
        Whether the article itself is live is the caller's question
        (`Article.objects.live()`)."""
        return self.filter(
            status=LiveUpdate.Status.PUBLISHED, published_at__lte=timezone.now()
        ).order_by("-published_at", "-pk")

    def for_page(self) -> "LiveUpdateQuerySet":
        """With their authors, in one more query however many updates."""
        return self.prefetch_related(
            models.Prefetch("authors", queryset=Author.objects.order_by("name"))
        )


class LiveUpdate(models.Model):
    """One update of a live article: its time, authors, short headline and body.

    The body is cleaned by the same allow-list as articles' (inline photos
    included). One update of an article may be pinned above the others.
    """

    class Status(models.TextChoices):
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="live_updates"
    )
    published_at = models.DateTimeField(
        default=timezone.now,
        help_text="The time readers see on the update; never before the coverage "
        "started.",
    )
    headline = models.CharField(
        max_length=200, blank=True, help_text="Optional: a few words over the update."
    )
    body = models.TextField(
        help_text="Cleaned on save, as an article's body (photos from the library "
        "included)."
    )
    authors = models.ManyToManyField(Author, related_name="+", blank=True)
    is_key_event = models.BooleanField(
        default=False,
        help_text="Listed among the key events at the top of the live page.",
    )
    is_pinned = models.BooleanField(
        default=False,
        help_text="Shown above every other update; pinning one unpins the last.",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PUBLISHED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = LiveUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(is_pinned=True),
                name="one_pinned_live_update",
            )
        ]
        indexes = [
            models.Index(
                fields=["article", "status", "published_at"],
                name="live_update_article_idx",
            )
        ]

    def __str__(self) -> str:
        return self.headline or f"Update at {self.published_at:%H:%M}"

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"update-{self.pk}"

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()
        )
