"""The site-wide content generation and the next time-based change.

The generation is a random token in the shared page cache, replaced by a new one
whenever `articles.signals.content_changed` is sent (after the change commits).
A new token is never one used before, so a page rendered from older content can
never be taken as current, however writes of several processes interleave, and
a cache restarted empty simply starts a new generation.

Some changes happen with no write at all: a scheduled article goes live at its
`publish_at`, an embargo lifts at `embargo_until`, a photo leaves pages the day
after its licence ends. The epoch is
the time of the next such change; it is part of what a cached page is checked
against, so the page turns over at that moment without any sweep. Each process
works the epoch out once per generation (three indexed queries) and again whenever
the moment it named has passed.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from articles.cache import store
from articles.cache.copies import announce, copies, in_folder, on_redis, stamp
from articles.models import Article, Photo
from newsroom.routers import has_replayed, primary_position

logger = logging.getLogger("articles.cache")

GENERATION_KEY = "generation"
NEVER = float("inf")
BUMP_ATTEMPTS = 3
# Short: a bump runs after the change commits, in the request or command that
# made it. A cache that is really down gets a new generation anyway, from each
# process, when it answers again (`store`).
BUMP_RETRY_SECONDS = 0.05


def new_token() -> str:
    """A token never used before; with read replicas it ends with the primary's
    log position at its start (see `newsroom.routers`)."""
    token = secrets.token_hex(8)
    position = primary_position()
    return f"{token}@{position}" if position else token


def is_fresh_for(generation: str) -> bool:
    """Whether what this request read may be kept under `generation`."""
    _, _, position = generation.partition("@")
    return has_replayed(position or None)


def bump(change: str | None = None, **signal_kwargs) -> None:
    """Start a new generation: every cached page is out of date from now on.

    Receives `content_changed`, whose `change` names the change that asked;
    the turnover of a change is remembered, so that the worker's relay of it
    (`turned_over`) does nothing when this one happened. Retried briefly,
    because a lost bump would leave pages stale until they expire
    (NEWSROOM_PAGE_CACHE_SECONDS).
    """
    copies.changed()
    for attempt in range(BUMP_ATTEMPTS):
        if store.set(GENERATION_KEY, new_token(), timeout=None, force=True):
            if on_redis():
                announce()
            elif in_folder():
                stamp()
            if change:
                store.set(_turned_over_key(change), 1, timeout=TURNOVER_MEMORY)
            return
        time.sleep(BUMP_RETRY_SECONDS * (attempt + 1))
    logger.error(
        "Could not start a new page cache generation; cached pages may show the "
        "old content for up to %s seconds.",
        settings.NEWSROOM_PAGE_CACHE_SECONDS,
    )


# Longer than the worker's relay of a turnover can be late.
TURNOVER_MEMORY = 24 * 60 * 60


def _turned_over_key(change: str) -> str:
    return f"turned-over:{change}"


def turned_over(change: str) -> bool:
    """Bump for `change` unless the process that made it already did; True when
    this call had to."""
    if store.get(_turned_over_key(change)) is not None:
        return False
    bump(change=change)
    return True


def read(generation: str | None) -> str | None:
    """The generation from a value read from the cache, starting one if missing.

    None when the cache cannot be reached: pages are then rendered uncached.
    """
    if generation is not None:
        return generation
    token = new_token()
    if not store.add(GENERATION_KEY, token, timeout=None):
        return store.get(GENERATION_KEY)
    return token


def time_of_next_change(now: datetime | None = None) -> float:
    """When readers' pages next change by the clock alone, as a Unix timestamp
    (NEVER when nothing is due)."""
    now = now or timezone.now()
    moments = []
    going_live = (
        Article.objects.filter(status__in=Article.LIVE_STATUSES, publish_at__gt=now)
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    if going_live:
        moments.append(going_live.timestamp())
    embargo_lifts = (
        Article.objects.filter(status__in=Article.LIVE_STATUSES, embargo_until__gt=now)
        .order_by("embargo_until")
        .values_list("embargo_until", flat=True)
        .first()
    )
    if embargo_lifts:
        moments.append(embargo_lifts.timestamp())
    last_day = (
        Photo.objects.filter(licence_expires_on__gte=timezone.localdate(now))
        .order_by("licence_expires_on")
        .values_list("licence_expires_on", flat=True)
        .first()
    )
    if last_day:
        day_after = datetime.combine(last_day + timedelta(days=1), datetime.min.time())
        moments.append(timezone.make_aware(day_after).timestamp())
    return min(moments, default=NEVER)


class Epochs:
    """This process's knowledge of the next time-based change, per generation."""

    def __init__(self):
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._until = NEVER

    def current(self, generation: str) -> float:
        """The epoch pages of `generation` are valid in: the moment it ends."""
        now = timezone.now().timestamp()
        with self._lock:
            if generation == self._generation and now < self._until:
                return self._until
        until = time_of_next_change()
        with self._lock:
            self._generation, self._until = generation, until
        return until

    def forget(self) -> None:
        with self._lock:
            self._generation, self._until = None, NEVER


epochs = Epochs()


def current_with(
    key: str, is_current: Callable[[object, str, float], bool]
) -> tuple[str | None, float, object]:
    """The generation, its epoch and the value kept under `key`, in one read of
    the shared cache, or none while this process's copies of both hold (see
    `copies`; only a value `is_current(value, generation, epoch)` is copied).
    The generation is None when the cache cannot be reached."""
    this_round = copies.trusted_round()
    if this_round is not None:
        current = copies.get(GENERATION_KEY, this_round)
        value = copies.get(key, this_round)
        if current is not None and value is not None:
            epoch = epochs.current(current)
            if is_current(value, current, epoch):
                return current, epoch, value
    found = store.get_many([GENERATION_KEY, key])
    current = read(found.get(GENERATION_KEY)) if found is not None else None
    if current is None:
        return None, NEVER, None
    epoch, value = epochs.current(current), found.get(key)
    if this_round is not None:
        copies.put(GENERATION_KEY, current, this_round)
        if value is not None and is_current(value, current, epoch):
            copies.put(key, value, this_round)
    return current, epoch, value
