"""Newest-first lists of live articles that read a bounded number of rows.

"Live" is two statuses (`Article.objects.live()`), and no index gives the rows
of two statuses in date order: a plain `live().order_by("-publish_at")` sorts
every live article to show twenty. So each list is read once per live status,
newest first along an index that starts with the status (or the section and
status), `limit` rows each, and the few rows merged; all in one query. A tag's
list comes off the related-stories index, (tag, time), instead of taggit's join,
which reads every article under a common tag.

How many stories a list holds is counted once per content generation and kept
(`articles.cache.fragments`): counting reads every row of the list.
"""

from collections.abc import Callable

from django.utils import timezone

from articles.cache.fragments import remember
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


def newest_tagged_ids(tag, limit: int) -> list[int]:
    """Ids of the `limit` newest articles with a live status under `tag`, newest
    first, from the related-stories index. An embargoed article is among them:
    read them through `live()`."""
    now = int(timezone.now().timestamp())
    return list(
        RelatedIndexEntry.objects.filter(tag=tag, published_ts__lte=now)
        .order_by("-published_ts", "-article_id")
        .values_list("article_id", flat=True)[:limit]
    )


def newest_live(articles, limit: int, cards=None) -> list[Article]:
    """The `limit` newest live articles of `articles`, newest first, as `cards`
    (a queryset saying what to load; cards without bodies by default)."""
    return live_in_order(newest_live_ids([articles], limit), cards)


def live_in_order(ids: list[int], cards=None) -> list[Article]:
    cards = Article.objects.for_cards() if cards is None else cards
    found = cards.live().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


class NewestFirst:
    """The live articles of a queryset, newest first, as cards, for a Paginator:
    a page reads the rows up to its end along the index, never the whole list.

    `name` says which list it is (for example "section:3"); its count is then
    kept for the content generation. `newest_ids(limit)` reads the ids another
    way (a tag's index) and `count()` counts them.
    """

    def __init__(
        self,
        articles,
        name: str = "",
        count: Callable[[], int] | None = None,
        newest_ids: Callable[[int], list[int]] | None = None,
    ):
        self.articles = articles
        self.name = name
        self._count = count or self._count_live
        self._newest_ids = newest_ids or (
            lambda limit: newest_live_ids([self.articles], limit)
        )

    def count(self) -> int:
        if not self.name:
            return self._count()
        return remember(f"count:{self.name}", self._count)

    def _count_live(self) -> int:
        if self.articles.query.is_empty():
            return 0
        return self.articles.live().count()

    def exists(self) -> bool:
        return self.articles.live().exists()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Article]:
        return live_in_order(self._newest_ids(index.stop)[index.start : index.stop])


def count_tagged(tag) -> int:
    """How many live articles carry `tag`, counted in the related-stories index
    (one row per tag of each live article, indexed by tag and time) rather than
    through taggit's join, which reads every article under a common tag."""
    now = int(timezone.now().timestamp())
    return RelatedIndexEntry.objects.filter(tag=tag, published_ts__lte=now).count()
