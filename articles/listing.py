"""Newest-first lists of live articles that read a bounded number of rows.

"Live" is two statuses (`Article.objects.live()`), and no index gives the rows
of two statuses in date order: a plain `live().order_by("-publish_at")` sorts
every live article to show twenty. So each list is read once per live status,
newest first along an index that starts with the status (or the section and
status), `limit` rows each, and the few rows merged; all in one query.
"""

from django.utils import timezone

from articles.models import Article, RelatedIndexEntry
from newsroom.routers import connection_for_reading

NEWEST_FIRST = ("-publish_at", "-pk")


def newest_live_ids(lists, limit: int) -> list[int]:
    """Ids of the `limit` newest live articles of each queryset in `lists`,
    newest first."""
    if limit <= 0:
        return []
    parts, params = [], []
    for articles in lists:
        if articles.query.is_empty():
            continue
        for status in Article.LIVE_STATUSES:
            newest = (
                articles.live()
                .filter(status=status)
                .order_by(*NEWEST_FIRST)
                .values_list("publish_at", "pk")[:limit]
            )
            sql, part_params = newest.query.sql_with_params()
            parts.append(f"SELECT * FROM ({sql}) AS newest_{len(parts)}")
            params += part_params
    if not parts:
        return []
    with connection_for_reading(Article).cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    rows.sort(key=lambda row: (row[0], row[1]), reverse=True)
    return [pk for _, pk in rows]


class NewestFirst:
    """The live articles of a queryset, newest first, as cards, for a Paginator:
    a page reads the rows up to its end along the index, never the whole list."""

    def __init__(self, articles, count=None):
        self.articles = articles
        self._count = count

    def count(self) -> int:
        if self._count is not None:
            return self._count()
        if self.articles.query.is_empty():
            return 0
        return self.articles.live().count()

    def exists(self) -> bool:
        return bool(newest_live_ids([self.articles], 1))

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Article]:
        ids = newest_live_ids([self.articles], index.stop)[index.start : index.stop]
        cards = Article.objects.for_cards().in_bulk(ids)
        return [cards[pk] for pk in ids if pk in cards]


def count_tagged(tag) -> int:
    """How many live articles carry `tag`, counted in the related-stories index
    (one row per tag of each live article, indexed by tag and time) rather than
    through taggit's join, which reads every article under a common tag."""
    now = int(timezone.now().timestamp())
    return RelatedIndexEntry.objects.filter(tag=tag, published_ts__lte=now).count()
