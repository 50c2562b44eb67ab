"""What related stories are computed from: editors' exclusions and the tag index."""

from django.db import models

from articles.models.articles import Article


class RelatedExclusion(models.Model):
    """An automatic related story an editor has ruled out for one article."""

    from_article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="related_exclusions"
    )
    to_article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_article", "to_article"], name="unique_related_exclusion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_article} ↛ {self.to_article}"


class RelatedIndexEntry(models.Model):
    """One article with a live status under one of its tags, for related scoring.

    A copy of the tagging with the article's section and publication time, kept
    in step by `articles.related.refresh_for()`, so that the articles nearest in
    time under a tag come straight off one index instead of a join across the
    whole archive.
    """

    tag = models.ForeignKey("taggit.Tag", on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="related_index_entries"
    )
    section_id = models.BigIntegerField()
    published_ts = models.BigIntegerField(help_text="Publication time, Unix seconds.")

    class Meta:
        ordering = ["tag", "-published_ts"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "tag"], name="unique_related_index_entry"
            ),
        ]
        indexes = [
            models.Index(
                fields=["tag", "published_ts", "article", "section_id"],
                name="related_tag_time_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} under {self.tag_id}"
