"""What came from a WordPress site, so that importing again changes nothing."""

from django.db import models
from django.utils import timezone


class WordPressItem(models.Model):
    """One post or attachment of a WordPress site and what it became here."""

    class Kind(models.TextChoices):
        POST = "post", "Post"
        ATTACHMENT = "attachment", "Attachment"

    site = models.CharField(max_length=200, help_text="The WordPress site's address.")
    wp_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    article = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    photo = models.ForeignKey(
        "articles.Photo",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["site", "wp_id"]
        verbose_name = "WordPress item"
        constraints = [
            models.UniqueConstraint(
                fields=["site", "wp_id"], name="unique_wordpress_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site} #{self.wp_id}"
