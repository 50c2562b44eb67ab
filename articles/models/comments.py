"""Editorial comments: what the newsroom says to itself about a story.

Comments are threads: a thread's first comment is on the whole story or on a
passage of its body (`quote`), and replies follow it. A thread is resolved and
reopened as a whole. Nothing public reads these rows.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models.articles import Article


class EditorialCommentQuerySet(models.QuerySet):
    def unresolved(self) -> "EditorialCommentQuerySet":
        """Comments whose thread is open."""
        return self.filter(
            Q(thread__isnull=True, resolved_at__isnull=True)
            | Q(thread__isnull=False, thread__resolved_at__isnull=True)
        )


class EditorialComment(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="editorial_comments"
    )
    thread = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        help_text="The thread's first comment; empty for that comment itself.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField()
    quote = models.TextField(
        blank=True,
        help_text="The passage of the body the thread is about; empty for the "
        "whole story.",
    )
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="editorial_mentions"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = EditorialCommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["article", "created_at"], name="comment_article_time_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Comment on {self.article}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None
