"""The search index: live articles' text, refreshed with the related index.

`refresh(ids)` is called by `articles.related.refresh_articles`, which the
workflow, the importer and tag merges call after every change of an article;
so the index follows every way an article changes. `rebuild()` redoes it all
(`manage.py rebuild_search_index`, after changing NEWSROOM_SEARCH_LANGUAGE).
"""

import html
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils.html import strip_tags
from taggit.models import TaggedItem

from articles.models import Article, SearchEntry
from articles.search import engine
from articles.search.query import plain

BATCH = 500


def refresh(article_ids: Iterable[int]) -> None:
    """Bring the index in step with these articles: live ones in, others out."""
    ids = list(article_ids)
    backend = engine.for_connection(connection)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with transaction.atomic():
            SearchEntry.objects.filter(pk__in=chunk).delete()
            backend.deleted(chunk)
            entries = SearchEntry.objects.bulk_create(_entries(chunk))
            if entries:
                backend.written(entries)


def _entries(ids: list[int]) -> list[SearchEntry]:
    articles = Article.objects.filter(
        pk__in=ids, status__in=Article.LIVE_STATUSES, publish_at__isnull=False
    ).values_list("pk", "headline", "standfirst", "body", "publish_at")
    rows = list(articles)
    tags = defaultdict(list)
    content_type = ContentType.objects.get_for_model(Article)
    for pk, name in TaggedItem.objects.filter(
        content_type=content_type, object_id__in=[row[0] for row in rows]
    ).values_list("object_id", "tag__name"):
        tags[pk].append(name)
    return [
        SearchEntry(
            article_id=pk,
            publish_at=publish_at,
            headline=plain(headline),
            standfirst=plain(standfirst),
            tags=plain(" · ".join(sorted(tags[pk]))),
            body=plain(html.unescape(strip_tags(body.replace("<", " <")))),
        )
        for pk, headline, standfirst, body, publish_at in rows
    ]


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Index every live article afresh (with the engine's schema remade)."""
    backend = engine.for_connection(connection)
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        backend.drop_schema()
        backend.create_schema()
    ids = list(
        Article.objects.filter(status__in=Article.LIVE_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH):
        refresh(ids[start : start + BATCH])
        if progress:
            progress(len(ids[start : start + BATCH]))
    return len(ids)
