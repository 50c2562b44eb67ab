"""This process's copies of what it read from the shared page cache.

Every page served from the cache costs its worker a read of the shared cache:
on Redis a round trip, about as much CPU as the rest of the hit; in the folder
cache of a single machine, opening and unpickling two files. Between two
changes of content the read returns the same bytes every time, so each process
keeps a copy of the entries it read (the generation, pages, fragments) and
serves them again without asking, for as long as it knows nothing has changed.

How it knows:

- On Redis, from a channel on which every new generation is announced
  (`generation.bump`), heard by a thread of its own. Every copy is dropped at
  the first announcement, and when the subscription fails or goes quiet past
  its health check; while the subscription is not up, every read goes to
  Redis, as without copies. A change shows everywhere a few milliseconds after
  it commits.
- In the folder cache, from a stamp file in the folder that every new
  generation grows by one byte (appending is atomic): each request looks at its
  size with one `stat`, and a size (or file) other than the one its copies were
  made under drops them. A change shows in every process at its next request.

In any case a copy is dropped TRUST_SECONDS after it was read.
NEWSROOM_PAGE_CACHE_COPIES caps the copies per process (0 turns them off).

redis-py's client-side caching does the Redis part with invalidation from the
server, but only from Redis 7.4; Debian 12 ships Redis 7.0. Announcing
generations is enough here, since a new generation turns every cached value
over anyway.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict

import redis
from django.conf import settings
from django.core.cache import caches

from articles.cache import store

logger = logging.getLogger("articles.cache")

TRUST_SECONDS = 10.0
HEALTH_CHECK_SECONDS = 1.0
RECONNECT_SECONDS = 0.5
STAMP_FILE = "generation.stamp"
# The stamp starts again from nothing past this size (a million changes).
STAMP_LIMIT = 1_000_000


def _backend() -> dict:
    return settings.CACHES[store.ALIAS]


def on_redis() -> bool:
    return _backend()["BACKEND"].startswith("django_redis.")


def in_folder() -> bool:
    return _backend()["BACKEND"].endswith(".FileBasedCache")


def channel() -> str:
    return f"{_backend().get('KEY_PREFIX', '')}:generations"


def _location() -> str:
    location = _backend()["LOCATION"]
    return location if isinstance(location, str) else location[0]


def announce() -> None:
    """Tell every process that the generation changed (after it is stored)."""
    try:
        caches[store.ALIAS].client.get_client().publish(channel(), b"")
    except Exception as error:  # noqa: BLE001 (any client error: never fail a change)
        # The listeners lose their subscription with Redis and drop their copies.
        logger.warning("Could not announce a new page cache generation: %r", error)


def _stamp_path() -> str:
    return os.path.join(_location(), STAMP_FILE)


def _stamp_state() -> tuple[int, int] | None:
    try:
        found = os.stat(_stamp_path())
    except OSError:
        return None
    return found.st_ino, found.st_size


def stamp() -> None:
    """Tell every process using the folder cache that the generation changed
    (after it is stored)."""
    path = _stamp_path()
    try:
        if os.path.getsize(path) >= STAMP_LIMIT:
            os.unlink(path)
    except OSError:
        pass
    try:
        with open(path, "ab") as grown:
            grown.write(b".")
    except OSError as error:
        # The other processes keep their copies for TRUST_SECONDS at most.
        logger.warning("Could not stamp a new page cache generation: %r", error)


class Copies:
    """Copies of cache entries, valid while their round is the current one.

    A round ends with every announcement heard and every fault of the
    subscription; a copy made in an earlier round is never used.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[int, float, object]] = OrderedDict()
        self._round = 0
        self._listener: _Listener | None = None
        self._stamp: tuple[int, int] | None = None

    def trusted_round(self) -> int | None:
        """The current round, or None when copies cannot be trusted now."""
        if not settings.NEWSROOM_PAGE_CACHE_COPIES:
            return None
        if on_redis():
            listener = self._listening()
            return self._round if listener.subscribed else None
        if in_folder():
            return self._stamped_round()
        return None

    def _stamped_round(self) -> int | None:
        seen = _stamp_state()
        if seen is None:
            stamp()  # the first process to use the folder starts it
            seen = _stamp_state()
            if seen is None:
                return None
        if seen != self._stamp:
            self.changed()
            self._stamp = seen
        return self._round

    def get(self, key: str, in_round: int):
        with self._lock:
            found = self._entries.get(key)
            if found is None or found[0] != in_round:
                return None
            if time.monotonic() - found[1] > TRUST_SECONDS:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return found[2]

    def put(self, key: str, value, in_round: int) -> None:
        """Keep `value`, read from Redis in `in_round` (unless that has ended)."""
        if value is None:
            return
        with self._lock:
            if in_round != self._round:
                return
            self._entries[key] = (in_round, time.monotonic(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > settings.NEWSROOM_PAGE_CACHE_COPIES:
                self._entries.popitem(last=False)

    def changed(self) -> None:
        """Something may have changed: no copy is used again."""
        with self._lock:
            self._round += 1
            self._entries.clear()

    def after_fork(self) -> None:
        """A forked worker has none of its parent's threads: it starts its own."""
        self._lock = threading.Lock()
        self._entries.clear()
        self._listener = None
        self._stamp = None

    def _listening(self) -> _Listener:
        """This process's listener on the current Redis, started if need be."""
        wanted = (_location(), channel())
        listener = self._listener
        if listener is not None and listener.serves == wanted:
            return listener
        with self._lock:
            if self._listener is None or self._listener.serves != wanted:
                if self._listener is not None:
                    self._listener.stop()
                self._listener = _Listener(self, wanted)
                self._listener.start()
            return self._listener


class _Listener(threading.Thread):
    """Hears announcements; ends the round on each, and on any fault."""

    def __init__(self, copies: Copies, serves: tuple[str, str]):
        super().__init__(name="page-cache-copies", daemon=True)
        self.copies, self.serves = copies, serves
        self.subscribed = False
        self._stopped = threading.Event()

    def stop(self) -> None:
        self._stopped.set()
        self.subscribed = False

    def run(self) -> None:
        location, name = self.serves
        failing = False
        while not self._stopped.is_set():
            client = redis.Redis.from_url(
                location, socket_connect_timeout=0.5, socket_timeout=5
            )
            pubsub = client.pubsub()
            try:
                pubsub.subscribe(name)
                self._listen(pubsub)
            except (redis.RedisError, OSError) as error:
                if not failing:
                    logger.warning(
                        "Page cache copies off until Redis answers again: %r", error
                    )
                failing = True
            else:
                failing = False
            finally:
                self.subscribed = False
                self.copies.changed()
                pubsub.close()
                client.close()
            self._stopped.wait(RECONNECT_SECONDS)

    def _listen(self, pubsub) -> None:
        heard = time.monotonic()
        while not self._stopped.is_set():
            message = pubsub.get_message(timeout=HEALTH_CHECK_SECONDS)
            now = time.monotonic()
            if message is None:
                if now - heard > 3 * HEALTH_CHECK_SECONDS:
                    raise redis.ConnectionError("no answer to health checks")
                if now - heard > HEALTH_CHECK_SECONDS:
                    pubsub.ping()
                continue
            heard = now
            if message["type"] == "subscribe":
                self.copies.changed()  # what was read before may be stale
                self.subscribed = True
            elif message["type"] == "message":
                self.copies.changed()


copies = Copies()
os.register_at_fork(after_in_child=copies.after_fork)
