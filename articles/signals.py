"""What the newsroom tells the rest of the site, sent once the change has committed.

- `content_changed`: something readers could see has changed (an article went
  live or away, was edited, retagged; a tag, photo, credit or section changed).
  Page caches listen to it.

It is sent from `transaction.on_commit`, so a receiver never sees a change
that is later rolled back. A process can stop between the commit and those
sends: what must not be lost then is written in the change's own transaction
instead (webhook deliveries, by `articles.webhooks.delivery.queue_for`; the page
cache's turnover, as a task the worker runs if this process did not).
"""

import secrets
import threading
from contextlib import contextmanager
from datetime import timedelta

from django.db import transaction
from django.dispatch import Signal

content_changed = Signal()


def announce_content_changed(
    sender, *, keys: set[str] | None = None, hard: bool = False
) -> None:
    """Send `content_changed` when the current transaction commits; in the same
    transaction, ask the worker to turn the page cache over a little later, in
    case this process stops before it sends, and hold the edge's purge of
    `keys` (`articles.edge.keys`; None: the whole site) the same way; `hard`
    drops the pages at the edge rather than marking them stale."""
    waiting = getattr(_together, "senders", None)
    if waiting is not None:
        waiting.add(sender)
        known = _together.keys
        _together.keys = None if keys is None or known is None else known | keys
        return
    change = secrets.token_hex(8)
    _queue_turnover(change)
    transaction.on_commit(
        lambda: content_changed.send(sender=sender, change=change), robust=True
    )
    from articles.edge.purging import purge_later

    # Registered after the turnover: an edge purged before the page cache turned
    # over would fetch the old page again and keep it.
    purge_later(keys, hard=hard, turnover=change)


# The worker's turnover waits this long, so that it finds the committing
# process's own turnover done (and does nothing) unless that process stopped.
TURNOVER_RELAY_DELAY = timedelta(seconds=5)


def _queue_turnover(change: str) -> None:
    from django.utils import timezone

    from articles.background.queue import has_worker
    from articles.tasks import enqueue, turn_over_pages

    if has_worker():
        run_after = timezone.now() + TURNOVER_RELAY_DELAY
        enqueue(turn_over_pages.using(run_after=run_after), change)


# Per thread: the senders an `announcing_together()` block has collected.
_together = threading.local()


@contextmanager
def announcing_together():
    """Changes made in the block are announced once, when it ends (an import of
    thousands of stories), instead of once each."""
    outer = getattr(_together, "senders", None)
    _together.senders = set() if outer is None else outer
    if outer is None:
        _together.keys = set()
    try:
        yield
        senders = _together.senders
        found = _together.keys
    finally:
        _together.senders = outer
    if outer is None and senders:
        first, *others = senders
        announce_content_changed(first, keys=found)
        for sender in others:
            announce_content_changed(sender, keys=set())
