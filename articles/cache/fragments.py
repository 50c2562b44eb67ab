"""Values computed from the site's content, kept for the current generation.

The page cache keeps whole pages; this keeps what a page reads that is the same
for every page that shows it and costs queries to work out: the navigation's
sections and the rendered site header, the home page's lists and each article's
related stories (rendered), the count of each list. A value is stored with
the generation and epoch it was computed in and used only while both hold, so it
turns over with the pages, whichever process changed the content, and a
scheduled story appears at its minute here too. The page around these values
(an article itself, a list's page of cards) is still read and rendered on each
request that misses the page cache.

NEWSROOM_FRAGMENT_CACHE=0 turns it off. When the shared cache cannot be reached,
the value is computed as if nothing were kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings

from articles.cache import generation, store

T = TypeVar("T")


def remember(name: str, compute: Callable[[], T]) -> T:
    """`compute()`, or what it returned before in this generation and epoch.

    `name` says what the value is and must differ for every value (put the
    article's id in it for per-article values).
    """
    if not settings.NEWSROOM_FRAGMENT_CACHE:
        return compute()
    key = f"fragment:{name}"
    current, epoch, entry = generation.current_with(key, _is_current)
    if current is None:
        return compute()
    if entry is not None and _is_current(entry, current, epoch):
        return entry[2]
    value = compute()
    if generation.is_fresh_for(current):
        store.set(
            key, (current, epoch, value), timeout=settings.NEWSROOM_PAGE_CACHE_SECONDS
        )
    return value


def _is_current(entry: tuple, current: str, epoch: float) -> bool:
    return entry[:2] == (current, epoch)
