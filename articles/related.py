"""Related stories: editor-pinned links first, then live articles sharing tags.

Scoring. A candidate's score is the sum, over the tags it shares with the article,
of each tag's inverse document frequency ln(1 + N / df), where df is the number
of articles under the tag and N the number of live articles, so a shared
"Changsha" (on ten articles) outweighs a shared "China" (on a third of the
archive). Same section multiplies the score by 1 + SECTION_BONUS. The score then
decays with the time between the two stories, 1 / (1 + days / HALF_LIFE_DAYS), so
an archive story links to the coverage of its day and a fresh story to fresh
coverage. Measuring from the article being read rather than from today keeps a
list from drifting day by day, which keeps cached pages valid.

Where the work happens. The list is computed when the page is first read in a
content generation (then kept until readers' content changes), over a
materialised index (`RelatedIndexEntry`): one row per tag of each article with a
live status, holding the section and publication time, indexed by
(tag, time). The first design, a GROUP BY over taggit's generic join table,
took 490 ms (SQLite) and 160 ms (PostgreSQL) per list at 100,000 articles,
because a common tag drags tens of thousands of rows through the join.
Materialising whole related lists instead would make reads cheap but every
publication would then have to push itself into thousands of other lists, and
lists would go stale as the archive grows. The index is the middle way: keeping
it right costs a few rows per article on each save (`refresh_for`), and a read
looks only at the NEAREST_PER_TAG articles closest in time under each tag. For a
rare tag that is every article under it; for "China" it is the stories around
the article's date, which is where, after the time decay, the best-scoring
articles sharing only common tags are. The read still filters candidates
through `Article.objects.live()`, so an index that lags behind a status change
can never show a story that is not live.

Who keeps the index right: `refresh_for(article)` after any change of status,
publication time, section or tags (the workflow, the admin and the importer call
it; the tag merge refreshes the articles it touches); `manage.py refresh_related`
rebuilds it all.
"""

import math
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.models import Article, RelatedExclusion, RelatedIndexEntry, RelatedLink
from newsroom.routers import connection_for_reading

SECTION_BONUS = 0.25
HALF_LIFE_DAYS = 365
# Articles nearest in time taken from each tag (half before, half after).
NEAREST_PER_TAG = 400
REBUILD_BATCH = 2000
LIVE_COUNT_KEY = "related:live-articles"
LIVE_COUNT_SECONDS = 600


@dataclass
class Candidate:
    """An automatic related story, with why it was chosen."""

    article: Article
    score: float
    shared_tags: list[Tag] = field(default_factory=list)


def timestamp(moment: datetime) -> int:
    return int(moment.timestamp())


def related_articles(
    article: Article, limit: int | None = None, *, tags: list[Tag] | None = None
) -> list[Article]:
    """Up to `limit` live articles for the "Related stories" list.

    Pinned links come first, in the editor's order; the remaining places go to
    the best-scoring automatic candidates. Costs four queries however large the
    archive and however many tags, given the article's `tags` (or with them
    prefetched).
    """
    limit = settings.NEWSROOM_RELATED_COUNT if limit is None else limit
    ids = related_ids(article, limit, tags=tags)
    found = Article.objects.live().select_related("section").defer("body")
    found = found.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found][:limit]


def related_ids(
    article: Article, limit: int, *, tags: list[Tag] | None = None
) -> list[int]:
    """Ids of the pinned articles, then of more automatic candidates than there
    are places left (some may stop being live), best first."""
    pinned = list(pinned_articles(article).values_list("pk", flat=True)[:limit])
    tag_ids = [tag.pk for tag in (article.tags.all() if tags is None else tags)]
    if len(pinned) >= limit or not tag_ids:
        return pinned
    automatic = _ranked_ids(
        article,
        tag_weights(tag_ids),
        exclude=pinned,
        limit=(limit - len(pinned)) * 2 + 10,
    )
    return pinned + [pk for pk, _ in automatic]


def pinned_articles(article: Article):
    """The live articles an editor pinned under `article`, in the editor's order."""
    links = RelatedLink.objects.filter(from_article=article)
    # Starting from the links (a handful of rows) rather than from live() keeps
    # SQLite from scanning every live article to answer an IN.
    return (
        Article.objects.live()
        .filter(pk__in=links.values("to_article"))
        .annotate(
            pin_position=Subquery(
                links.filter(to_article=OuterRef("pk")).values("position")[:1]
            ),
            pin_id=Subquery(links.filter(to_article=OuterRef("pk")).values("pk")[:1]),
        )
        .select_related("section")
        .order_by("pin_position", "pin_id")
    )


def automatic_candidates(
    article: Article,
    limit: int,
    *,
    exclude: Iterable[int] = (),
    explain: bool = False,
) -> list[Candidate]:
    """The best live articles sharing tags with `article`, best first.

    Never the article itself, never one an editor excluded, never one in
    `exclude`. With `explain`, each candidate carries the tags it shares.
    """
    tags = {tag.pk: tag for tag in article.tags.all()}
    if not tags or limit <= 0:
        return []
    weights = tag_weights(tags)
    ranked = _ranked_ids(article, weights, exclude, limit * 2 + 10)
    scores = dict(ranked)
    found = Article.objects.live().filter(pk__in=scores).select_related("section")
    by_id = {candidate.pk: candidate for candidate in found}
    candidates = [Candidate(by_id[pk], score) for pk, score in ranked if pk in by_id][
        :limit
    ]
    if explain and candidates:
        shared: dict[int, list[Tag]] = {}
        for article_id, tag_id in RelatedIndexEntry.objects.filter(
            article_id__in=[c.article.pk for c in candidates], tag_id__in=tags
        ).values_list("article_id", "tag_id"):
            shared.setdefault(article_id, []).append(tags[tag_id])
        for candidate in candidates:
            candidate.shared_tags = sorted(
                shared.get(candidate.article.pk, []),
                key=lambda tag: -weights[tag.pk],
            )
    return candidates


def tag_weights(tag_ids: Iterable[int]) -> dict[int, float]:
    """Inverse document frequency of each tag among articles with a live status.

    The number of live articles only sets the scale of the weights and changes
    slowly, so it is cached for LIVE_COUNT_SECONDS; on a miss it is counted in
    the same query, which keeps an article page's query count fixed.
    """
    tag_ids = list(tag_ids)
    entries = RelatedIndexEntry._meta.db_table
    sql = (
        f"SELECT tag_id, COUNT(*) FROM {entries} "
        f"WHERE tag_id IN ({', '.join(['%s'] * len(tag_ids))}) GROUP BY tag_id"
    )
    params: list = list(tag_ids)
    total = cache.get(LIVE_COUNT_KEY)
    if total is None:
        sql += (
            f" UNION ALL SELECT NULL, COUNT(*) FROM {Article._meta.db_table} "
            "WHERE status IN (%s, %s)"
        )
        params += list(Article.LIVE_STATUSES)
    with connection_for_reading(Article).cursor() as cursor:
        cursor.execute(sql, params)
        counts = dict(cursor.fetchall())
    if total is None:
        total = counts.pop(None, 0)
        cache.set(LIVE_COUNT_KEY, total, LIVE_COUNT_SECONDS)
    total = max(total, 1)
    return {pk: math.log(1 + total / max(counts.get(pk, 0), 1)) for pk in tag_ids}


def _ranked_ids(
    article: Article, weights: dict[int, float], exclude: Iterable[int], limit: int
) -> list[tuple[int, float]]:
    """(article id, score) of the best candidates in the index, best first."""
    entries = RelatedIndexEntry._meta.db_table
    exclusions = RelatedExclusion._meta.db_table
    when = timestamp(article.publish_at or timezone.now())
    now = timestamp(timezone.now())
    half = NEAREST_PER_TAG // 2
    nearest, nearest_params = [], []
    for n, tag_id in enumerate(weights):
        nearest.append(
            f"SELECT article_id FROM (SELECT article_id FROM {entries} "
            "WHERE tag_id = %s AND published_ts <= %s "
            f"ORDER BY published_ts DESC LIMIT %s) AS before_{n}"
        )
        nearest.append(
            f"SELECT article_id FROM (SELECT article_id FROM {entries} "
            "WHERE tag_id = %s AND published_ts > %s "
            f"ORDER BY published_ts LIMIT %s) AS after_{n}"
        )
        nearest_params += [tag_id, when, half, tag_id, when, half]
    weight_case = " ".join(["WHEN %s THEN %s"] * len(weights))
    weight_params = [value for pair in weights.items() for value in pair]
    excluded = [article.pk, *exclude]
    sql = f"""
        SELECT e.article_id,
               SUM(CASE e.tag_id {weight_case} ELSE 0 END)
               * (CASE WHEN MAX(e.section_id) = %s THEN %s ELSE 1 END)
               / (1 + ABS(MAX(e.published_ts) - %s) / %s) AS score
        FROM {entries} e
        WHERE e.article_id IN ({" UNION ".join(nearest)})
          AND e.tag_id IN ({", ".join(["%s"] * len(weights))})
          AND e.published_ts <= %s
          AND e.article_id NOT IN ({", ".join(["%s"] * len(excluded))})
          AND e.article_id NOT IN (
              SELECT to_article_id FROM {exclusions} WHERE from_article_id = %s
          )
        GROUP BY e.article_id
        ORDER BY score DESC, MAX(e.published_ts) DESC, e.article_id DESC
        LIMIT %s
    """
    params = [
        *weight_params,
        article.section_id,
        1.0 + SECTION_BONUS,
        when,
        86400.0 * HALF_LIFE_DAYS,
        *nearest_params,
        *weights,
        now,
        *excluded,
        article.pk,
        limit,
    ]
    with connection_for_reading(Article).cursor() as cursor:
        cursor.execute(sql, params)
        return [(pk, float(score)) for pk, score in cursor.fetchall()]


def refresh_for(article: Article) -> None:
    """Bring the index in step with one article's status, time, section and tags.

    Call after saving an article whose status, publication time, section or tags
    changed (the workflow's transitions, the admin, the importer). Inside
    `refreshing_together()` the refresh waits for the end of the block.
    """
    pending = getattr(_waiting, "ids", None)
    if pending is not None:
        pending.add(article.pk)
        return
    refresh_articles([article.pk])


# Per thread: the ids a `refreshing_together()` block is collecting.
_waiting = threading.local()


@contextmanager
def refreshing_together():
    """Refresh the index once, in batches, for every article changed in the block
    (an import of thousands of stories), instead of once per article."""
    outer = getattr(_waiting, "ids", None)
    _waiting.ids = set()
    try:
        yield
        ids = sorted(_waiting.ids)
    finally:
        _waiting.ids = outer
    if outer is not None:
        outer.update(ids)
    else:
        refresh_articles(ids)


def refresh_articles(article_ids: Iterable[int]) -> int:
    """Rebuild the index rows of the given articles; returns rows written.

    The search index follows the same changes, so it is refreshed here too.
    """
    from articles import search

    article_ids = list(article_ids)
    written = 0
    for start in range(0, len(article_ids), REBUILD_BATCH):
        chunk = article_ids[start : start + REBUILD_BATCH]
        with transaction.atomic():
            RelatedIndexEntry.objects.filter(article_id__in=chunk).delete()
            written += _index(Article.objects.filter(pk__in=chunk))
    search.refresh(article_ids)
    return written


def rebuild_index(progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the articles and their tags."""
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        RelatedIndexEntry.objects.all().delete()
    written = 0
    for start in range(0, len(ids), REBUILD_BATCH):
        chunk = ids[start : start + REBUILD_BATCH]
        with transaction.atomic():
            written += _index(Article.objects.filter(pk__in=chunk))
        if progress:
            progress(len(chunk))
    return written


def _index(articles) -> int:
    indexed = {
        pk: (section_id, timestamp(publish_at))
        for pk, section_id, publish_at in articles.filter(
            status__in=Article.LIVE_STATUSES, publish_at__isnull=False
        ).values_list("pk", "section_id", "publish_at")
    }
    if not indexed:
        return 0
    tagged = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Article),
        object_id__in=list(indexed),
    ).values_list("object_id", "tag_id")
    rows = [
        RelatedIndexEntry(
            tag_id=tag_id,
            article_id=object_id,
            section_id=indexed[object_id][0],
            published_ts=indexed[object_id][1],
        )
        for object_id, tag_id in tagged
    ]
    RelatedIndexEntry.objects.bulk_create(rows, batch_size=REBUILD_BATCH)
    return len(rows)
