"""The shared page cache ("pages" in CACHES), used so that it never fails a page.

Any error of the cache (Redis stopped, restarting, unreachable) is logged once
and the cache is left alone by this process for RETRY_SECONDS: pages are
rendered as if uncached meanwhile. When the cache answers again, the process
starts a new generation, since a change made during the fault may not have
reached it.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import caches

logger = logging.getLogger("articles.cache")

ALIAS = "pages"
RETRY_SECONDS = 1.0


class _Health:
    def __init__(self):
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.failed = False

    def usable(self, force: bool = False) -> bool:
        return force or time.monotonic() >= self.down_until

    def failure(self, error: Exception) -> None:
        with self.lock:
            first = not self.failed
            self.failed = True
            self.down_until = time.monotonic() + RETRY_SECONDS
        if first:
            logger.error("Page cache unavailable, serving pages uncached: %r", error)

    def success(self) -> None:
        if not self.failed:
            return
        with self.lock:
            recovered, self.failed = self.failed, False
        if recovered:
            logger.warning("Page cache available again; starting a new generation.")
            from articles.cache.generation import bump

            bump()


health = _Health()


def _call(method: str, *args, force: bool = False, **kwargs):
    """(ok, result) of one cache operation; never raises."""
    if not health.usable(force):
        return False, None
    try:
        result = getattr(caches[ALIAS], method)(*args, **kwargs)
    except Exception as error:  # any backend's connection or protocol error
        health.failure(error)
        return False, None
    health.success()
    return True, result


def get_many(keys: list[str]) -> dict | None:
    """The values found for `keys`, or None when the cache cannot be reached.

    Also None for the first read after a fault: it was made before the new
    generation that the recovery starts, so it may hold a page gone stale.
    """
    recovering = health.failed
    ok, found = _call("get_many", keys)
    return found if ok and not recovering else None


def get(key: str):
    return _call("get", key)[1]


def set(key: str, value, timeout: float | None, *, force: bool = False) -> bool:
    """Store a value; `force` tries even while this process is backing off."""
    return _call("set", key, value, timeout, force=force)[0]


def delete(key: str) -> None:
    _call("delete", key)


def add(key: str, value, timeout: float | None) -> bool:
    ok, added = _call("add", key, value, timeout)
    return ok and bool(added)
