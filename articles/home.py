"""What the home page shows: the lead stories, then the latest of each section.

Both read a bounded number of rows however large the archive (see `listing`),
all sections in one query. A window function ranking every live article by
section, the obvious query, reads the whole table (490 ms at 10,000 articles).
"""

from articles.listing import NEWEST_FIRST, newest_live_ids
from articles.models import Article, Section

LEAD_COUNT = 5
PER_SECTION = 4


def lead_stories() -> list[Article]:
    ids = newest_live_ids([Article.objects.all()], LEAD_COUNT)
    articles = Article.objects.for_cards().filter(pk__in=ids).order_by(*NEWEST_FIRST)
    return list(articles[:LEAD_COUNT])


def latest_by_section(
    sections: list[Section], exclude: list[Article]
) -> list[tuple[Section, list[Article]]]:
    """Each section's newest live articles not in `exclude`, sections in order,
    leaving out sections with none."""
    excluded = {article.pk for article in exclude}
    ids = newest_live_ids(
        [Article.objects.filter(section_id=section.pk) for section in sections],
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
