"""PostgreSQL full-text search: a stored, weighted tsvector with a GIN index."""

import json

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import F
from django.utils import timezone

from articles.search.engine import START, STOP

INDEX = "articles_search_vector_idx"
# Up to this many matches (as estimated) they are counted; above, the estimate
# is shown ("about 45,000 results"): counting every story that mentions a
# common word costs more than ranking the page.
COUNTED_UP_TO = 2000


def config() -> str:
    return settings.NEWSROOM_SEARCH_LANGUAGE


def create_schema() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_searchentry "
            "USING GIN (vector)"
        )


def drop_schema() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")


def written(entries) -> None:
    """Compute the vectors of entries just written (they hold the text)."""
    from articles.models import SearchEntry

    language = config()
    vector = (
        SearchVector("headline", weight="A", config=language)
        + SearchVector("standfirst", weight="B", config=language)
        + SearchVector("tags", weight="C", config=language)
        + SearchVector("body", weight="D", config=language)
    )
    SearchEntry.objects.filter(pk__in=[e.pk for e in entries]).update(vector=vector)


def deleted(ids) -> None:
    """Nothing to do: the vector goes with its row."""


def search(query: str, *, offset: int, limit: int):
    from articles.models import SearchEntry

    language = config()
    wanted = SearchQuery(query, search_type="websearch", config=language)
    matches = SearchEntry.objects.filter(vector=wanted, publish_at__lte=timezone.now())
    page = list(
        matches.annotate(rank=SearchRank(F("vector"), wanted))
        .order_by("-rank", "-publish_at", "-pk")
        .values_list("pk", flat=True)[offset : offset + limit]
    )
    total, approximate = _total(matches, page, offset=offset, limit=limit)
    if not page:
        return total, [], approximate
    # Snippets for the page only: ts_headline reads the whole text.
    snippets = dict(
        SearchEntry.objects.filter(pk__in=page)
        .annotate(
            snippet=SearchHeadline(
                "body",
                wanted,
                config=language,
                start_sel=START,
                stop_sel=STOP,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        .values_list("pk", "snippet")
    )
    return total, [(pk, snippets.get(pk, "")) for pk in page], approximate


def _total(matches, page: list, *, offset: int, limit: int) -> tuple[int, bool]:
    """How many stories match, and whether that is an estimate.

    The last page (one not full) says it exactly, with no count at all: most
    searches have fewer hits than a page holds.
    """
    if len(page) < limit and (page or not offset):
        return offset + len(page), False
    estimate = _estimated(matches)
    if estimate <= COUNTED_UP_TO:
        return matches.count(), False
    # A full page means there may be more than the estimate says.
    return max(estimate, offset + len(page) + 1), True


def _estimated(matches) -> int:
    """The planner's estimate of how many rows `matches` holds: close for one
    word (the GIN index's statistics), rougher for several."""
    plan = json.loads(matches.explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])
