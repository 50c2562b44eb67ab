"""What the home page shows: the lead stories, then the latest of each section.

The choice is made and its cards rendered once per content generation, and the
HTML kept (see `articles.cache.fragments`): the lists are the same for every
reader, so a request that misses the page cache neither reads nor renders them.
Choosing them reads a bounded number of rows however large the archive: the
newest live rows per section and status along an index (see `listing`), all
sections in one query; a window function ranking every live article by section,
the obvious query, reads the whole table (490 ms at 10,000 articles). Then the
chosen stories' cards, in one query, and their bylines.
"""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from articles.cache.fragments import remember
from articles.models import Article, Section
from articles.site import navigation
from articles.site.listing import newest_live_ids

LEAD_COUNT = 5
PER_SECTION = 4

FrontPage = tuple[list[Article], list[tuple[Section, list[Article]]]]


def front_page() -> SafeString:
    """The home page's lists as HTML: the lead stories, then each section's."""
    return remember("front-page", _render_front_page)


def _render_front_page() -> SafeString:
    lead, by_section = _choose_stories(navigation.sections())
    return render_to_string(
        "articles/includes/front_page.html",
        {"lead_stories": lead, "sections": by_section},
    )


def _choose_stories(sections: list[Section]) -> FrontPage:
    """The lead stories, and each section's newest live stories not among them
    (sections in order, leaving out sections with none)."""
    lead_ids = newest_live_ids([Article.objects.all()], LEAD_COUNT)
    excluded = set(lead_ids)
    newest_ids = newest_live_ids(
        [Article.objects.filter(section_id=section.pk) for section in sections],
        PER_SECTION + len(excluded),
    )
    cards = Article.objects.live().for_cards().in_bulk([*lead_ids, *newest_ids])
    by_section: dict[int, list[Article]] = {}
    for pk in newest_ids:
        if pk in cards and pk not in excluded:
            by_section.setdefault(cards[pk].section_id, []).append(cards[pk])
    return [cards[pk] for pk in lead_ids if pk in cards], [
        (section, by_section[section.pk][:PER_SECTION])
        for section in sections
        if section.pk in by_section
    ]
