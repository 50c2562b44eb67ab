"""The search index: one row per live article, with the text readers search."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from articles.models.articles import Article


class SearchEntry(models.Model):
    """A live article's searchable text, kept in step by `articles.search.refresh`.

    On PostgreSQL `vector` holds the weighted tsvector (GIN-indexed); on SQLite
    the same text sits in the FTS5 table `articles_search_fts` (rowid = article).
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    publish_at = models.DateTimeField(db_index=True)
    headline = models.TextField()
    standfirst = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="The body as plain text.")
    vector = SearchVectorField(null=True, editable=False)

    def __str__(self) -> str:
        return self.headline
