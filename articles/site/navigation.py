"""The site's navigation: its sections, and the header that lists them.

Both are the same on every page (the header differs only in which section is
marked current), so they are kept for the content generation
(`articles.cache.fragments`) rather than read and rendered on each request.
"""

from django.conf import settings
from django.template.loader import render_to_string

from articles.cache.fragments import remember
from articles.models import Section


def sections() -> list[Section]:
    """The sections, in the navigation's order."""
    return remember("nav-sections", lambda: list(Section.objects.all()))


def header(current_section: str = "") -> str:
    """The site header's HTML, with `current_section` (a slug) marked current."""
    return remember(
        f"site-header:{current_section}",
        lambda: render_to_string(
            "includes/header.html",
            {
                "site_name": settings.NEWSROOM_SITE_NAME,
                "nav_sections": sections(),
                "current_section": current_section,
            },
        ),
    )
