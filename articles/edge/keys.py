"""Surrogate keys: what a public response shows, and what a change touches.

A response names, in the header NEWSROOM_SURROGATE_KEY_HEADER, `site` (every
page: the navigation shows every section), the list it is (`home`,
`section:<id>`, `tag:<id>`, `author:<id>`, `feed`, `sitemap`, `corrections`,
`search`, `api`) and the things it shows (`article:<id>`, `photo:<id>`). A
change purges the article it changed and every list that article is on now;
the lists it has left name it (`article:<id>`), so they go too.

The header is kept under the CDNs' documented limits (Fastly: 16 KB a header,
1 KB a key; Cloudflare: 16 KB of Cache-Tag). List keys come first; when the
keys of what a page shows would not fit, they are left off and the page is
purged by its list keys alone, which every change to an article on it purges.
"""

from __future__ import annotations

import contextvars
import functools
import math
import time
from collections.abc import Iterable

from django.conf import settings

SITE = "site"
HOME = "home"
FEED = "feed"
SITEMAP = "sitemap"
CORRECTIONS = "corrections"
SEARCH = "search"
API = "api"

# Fastly and Cloudflare both take 16 KB (16,384 bytes); room is left for the
# header's name.
MAX_HEADER_BYTES = 16_000
MAX_KEY_BYTES = 1_024


def article(pk: int) -> str:
    return f"article:{pk}"


def section(pk: int) -> str:
    return f"section:{pk}"


def tag(pk: int) -> str:
    return f"tag:{pk}"


def author(pk: int) -> str:
    return f"author:{pk}"


def photo(pk: int) -> str:
    return f"photo:{pk}"


# What the lists of every article are, besides its own section, tags, authors.
EVERY_ARTICLE_LIST = (HOME, FEED, SITEMAP, CORRECTIONS, SEARCH, API)


def purging() -> bool:
    """Whether an edge is purged: if not, a change's keys are not worked out
    (they cost queries: an import of thousands of stories would pay them)."""
    return settings.NEWSROOM_PURGER != "none"


def for_article_change(article_obj) -> set[str]:
    """The keys a change of this article (as stored now) purges."""
    from articles.follow_ups import thread_ids
    from articles.models import Article

    if not purging():
        return set()
    found = {article(article_obj.pk), *EVERY_ARTICLE_LIST}
    found.add(section(article_obj.section_id))
    found.update(
        author(pk)
        for pk in Article.authors.through.objects.filter(
            article_id=article_obj.pk
        ).values_list("author_id", flat=True)
    )
    found.update(tag(pk) for pk in article_obj.tags.values_list("pk", flat=True))
    # The other pages of its thread of follow-ups link to it ("Latest: …",
    # "Earlier: …"): one going live or changing changes them.
    found.update(article(pk) for pk in thread_ids(article_obj))
    return found


def for_articles(article_ids: Iterable[int]) -> set[str]:
    """Pages of these articles, and every list: for a change that shows on
    them all (a tag renamed, an author's name)."""
    return {article(pk) for pk in article_ids} | set(EVERY_ARTICLE_LIST)


def for_tags(tag_ids: Iterable[int]) -> set[str]:
    """A tag's pages and every article page that shows its name."""
    from taggit.models import TaggedItem

    if not purging():
        return set()
    ids = list(tag_ids)
    tagged = TaggedItem.objects.filter(tag_id__in=ids).values_list(
        "object_id", flat=True
    )
    return {tag(pk) for pk in ids} | for_articles(tagged)


def for_author(author_id: int) -> set[str]:
    from articles.models import Article

    if not purging():
        return set()
    written = Article.authors.through.objects.filter(author_id=author_id)
    return {author(author_id)} | for_articles(
        written.values_list("article_id", flat=True)
    )


def for_photos(photo_ids: Iterable[int]) -> set[str]:
    """Pages showing these photos, and the API (its articles and photos)."""
    found = {photo(pk) for pk in photo_ids}
    return found | {API} if found else found


def for_object(obj) -> set[str]:
    """The keys a saved or deleted section, author, credit, tag or photo purges."""
    from taggit.models import Tag

    from articles.models import Author, Photo, PhotoCredit, Section

    if not purging():
        return set()
    if isinstance(obj, Section):
        return {SITE}  # its name is in every page's navigation
    if isinstance(obj, Author):
        return for_author(obj.pk)
    if isinstance(obj, Tag):
        return for_tags([obj.pk])
    if isinstance(obj, Photo):
        return for_photos([obj.pk])
    if isinstance(obj, PhotoCredit):
        return for_photos(Photo.objects.filter(credit=obj).values_list("pk", flat=True))
    return {SITE}


# --- What a response shows --------------------------------------------------

_shown: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "surrogate_keys", default=None
)


def shows(*found: str) -> None:
    """Note keys of what the response being made shows (a no-op outside one)."""
    collected = _shown.get()
    if collected is not None:
        collected.extend(found)


def shows_articles(articles: Iterable) -> None:
    """Cards of these articles: their pages' keys and their photos'."""
    for item in articles:
        shows(article(item.pk))
        if getattr(item, "hero_photo_id", None):
            shows(photo(item.hero_photo_id))


class collecting:
    """`with collecting() as found:` gathers what `shows` notes meanwhile."""

    def __enter__(self) -> list[str]:
        self.found: list[str] = []
        self.token = _shown.set(self.found)
        return self.found

    def __exit__(self, *exc):
        _shown.reset(self.token)


def header_name() -> str:
    return settings.NEWSROOM_SURROGATE_KEY_HEADER


def header_value(found: Iterable[str]) -> str:
    """`found` in order without repeats, separated as the header's edge reads
    them, cut to the limits: keys past the size are left off (the list keys,
    which come first, stay)."""
    separator = "," if header_name().lower() == "cache-tag" else " "
    kept: list[str] = []
    seen: set[str] = set()
    size = 0
    for key in found:
        if key in seen or len(key.encode()) > MAX_KEY_BYTES:
            continue
        extra = len(key.encode()) + (len(separator) if kept else 0)
        if size + extra > MAX_HEADER_BYTES:
            break
        kept.append(key)
        seen.add(key)
        size += extra
    return separator.join(kept)


def add_to(response, found: Iterable[str]) -> None:
    value = header_value([SITE, *found])
    if value:
        response[header_name()] = value


# The lists some public addresses are, by URL name (sections, tags and authors
# are named by their views, which know their ids).
LIST_OF_ADDRESS = {
    "home": HOME,
    "feed": FEED,
    "atom_feed": FEED,
    "corrections": CORRECTIONS,
    "corrections_feed": CORRECTIONS,
    "search": SEARCH,
    "sitemap": SITEMAP,
    "sitemap_part": SITEMAP,
    "news_sitemap": SITEMAP,
}


def names_api(view):
    """The content API's reads name `api`: every change readers could see
    purges it (they are the same for every client)."""

    @functools.wraps(view)
    def named(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            add_to(response, [API])
        return response

    return named


def of_address(request) -> list[str]:
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else None
    return [LIST_OF_ADDRESS[name]] if name in LIST_OF_ADDRESS else []


def add_edge_lifetime(response, *, until: float) -> None:
    """How long the edge may keep a page: long, since every change purges it,
    but never past the next time-based change (`until`, a Unix time); only
    said when a purger is configured (browsers follow Cache-Control)."""
    if settings.NEWSROOM_PURGER == "none":
        return
    seconds = settings.NEWSROOM_EDGE_MAX_AGE
    if until != float("inf"):
        seconds = max(0, min(seconds, math.floor(until - time.time())))
    lifetime = f"max-age={seconds}"
    if settings.NEWSROOM_PURGER == "cloudflare":
        response["Cloudflare-CDN-Cache-Control"] = lifetime
    else:
        response["Surrogate-Control"] = lifetime
