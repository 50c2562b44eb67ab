"""What the home page shows: the lead stories, then the latest of each section.

Both read a bounded number of rows however large the archive. "Live" is two
statuses, and no index gives rows of two statuses in date order, so each list
is read per status (newest first along the (status, publish_at) and (section,
status, publish_at) indexes, `limit` rows each) and the few rows merged; all in
one query. A window function ranking every live article by section, the obvious
query, reads the whole table (490 ms at 10,000 articles).
"""

from django.db import connection
from django.utils import timezone

from articles.models import Article, Section

LEAD_COUNT = 5
PER_SECTION = 4
NEWEST_FIRST = ("-publish_at", "-pk")


def newest_live_ids(filters: list[dict], limit: int) -> list[int]:
    """Ids of the `limit` newest live articles matching each of `filters`."""
    now = timezone.now()
    parts, params = [], []
    for filter_ in filters:
        for status in Article.LIVE_STATUSES:
            newest = (
                Article.objects.filter(status=status, publish_at__lte=now, **filter_)
                .order_by(*NEWEST_FIRST)
                .values_list("pk", flat=True)[:limit]
            )
            sql, part_params = newest.query.sql_with_params()
            parts.append(f"SELECT * FROM ({sql}) AS newest_{len(parts)}")
            params += part_params
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return [pk for (pk,) in cursor.fetchall()]


def lead_stories() -> list[Article]:
    ids = newest_live_ids([{}], LEAD_COUNT)
    articles = Article.objects.for_cards().filter(pk__in=ids).order_by(*NEWEST_FIRST)
    return list(articles[:LEAD_COUNT])


def latest_by_section(
    sections: list[Section], exclude: list[Article]
) -> list[tuple[Section, list[Article]]]:
    """Each section's newest live articles not in `exclude`, sections in order,
    leaving out sections with none."""
    excluded = {article.pk for article in exclude}
    ids = newest_live_ids(
        [{"section_id": section.pk} for section in sections],
        PER_SECTION + len(excluded),
    )
    articles = (
        Article.objects.for_cards()
        .filter(pk__in=[pk for pk in ids if pk not in excluded])
        .order_by(*NEWEST_FIRST)
    )
    grouped: dict[int, list[Article]] = {}
    for article in articles:
        grouped.setdefault(article.section_id, []).append(article)
    return [
        (section, grouped[section.pk][:PER_SECTION])
        for section in sections
        if section.pk in grouped
    ]
