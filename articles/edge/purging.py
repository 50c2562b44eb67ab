"""Purges after a change, written in the change's transaction.

`purge_later` is called where the change is made, inside its transaction: the
keys it affects are held as a task (in the database, or in the outbox for
Redis) that exists exactly when the change commits. After the commit the
committing process sends them at once; the worker's copy of the task runs a
little later and sends them only if that did not happen (the process stopped,
or the edge did not answer), retrying with back-off
(`articles.background.queue`). Every purge is logged; the last failure, until
a later purge succeeds, is shown on `/healthz`.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles.cache import store
from articles.cache.generation import turned_over
from articles.edge import keys as edge_keys
from articles.edge.purgers import PurgeFailed, configured

log = logging.getLogger("articles.edge")

# The worker's copy waits this long, so that it finds the committing
# process's own purge done (and does nothing) unless that process failed.
PURGE_RELAY_DELAY = timedelta(seconds=5)
# More keys than this from one change (an import of thousands of stories):
# the whole site is purged instead, by its one key.
MAX_KEYS_PER_CHANGE = 5_000
DONE_MEMORY = 24 * 60 * 60
STATE_KEY = "edge:purge-state"


def enabled() -> bool:
    return settings.NEWSROOM_PURGER != "none"


def purge_later(
    found: set[str] | None, *, hard: bool = False, turnover: str | None = None
) -> None:
    """Purge `found` (None: the whole site) once the current transaction
    commits; the task that guarantees it is written in the transaction.
    `turnover` names the page cache's turnover for the same change, which must
    happen first (`send_once`)."""
    if not enabled():
        return
    from articles.background.queue import has_worker
    from articles.tasks import enqueue, purge_edge

    if found is not None and not found:
        return
    chosen = sorted(found) if found is not None else [edge_keys.SITE]
    if len(chosen) > MAX_KEYS_PER_CHANGE:
        chosen = [edge_keys.SITE]
    change = secrets.token_hex(8)
    if has_worker():
        run_after = timezone.now() + PURGE_RELAY_DELAY
        enqueue(purge_edge.using(run_after=run_after), change, chosen, hard, turnover)
    transaction.on_commit(
        lambda: send_once(change, chosen, hard=hard, turnover=turnover), robust=True
    )


def _done_key(change: str) -> str:
    return f"edge:purged:{change}"


def send_once(
    change: str, found: list[str], *, hard: bool = False, turnover: str | None = None
) -> bool:
    """Send the purge of `change` unless it was sent already; True when this
    call sent it. Raises PurgeFailed when the edge did not take it.

    The page cache's `turnover` is made first where it has not been (the
    process that committed stopped before it): the edge refetches what it
    purges at once, and must not find the page of before the change."""
    if store.get(_done_key(change)) is not None:
        return False
    if turnover is not None:
        turned_over(turnover)
    send(found, hard=hard)
    store.set(_done_key(change), 1, timeout=DONE_MEMORY)
    return True


def send(found: list[str], *, hard: bool = False) -> None:
    purger = configured()
    soft = settings.NEWSROOM_PURGE_SOFT and not hard
    try:
        requests = purger.purge(list(found), soft=soft)
    except PurgeFailed as error:
        log.error(
            "Purge of %d keys through %s failed: %s", len(found), purger.name, error
        )
        store.set(
            STATE_KEY,
            {"failed_at": timezone.now().isoformat(), "keys": len(found)},
            timeout=None,
        )
        raise
    log.info(
        "Purged %d keys through %s in %d requests (%s): %s",
        len(found),
        purger.name,
        requests,
        "soft" if soft else "hard",
        " ".join(found[:20]) + (" …" if len(found) > 20 else ""),
    )
    store.set(
        STATE_KEY,
        {"failed_at": None, "ok_at": timezone.now().isoformat()},
        timeout=None,
    )


def state() -> dict:
    """For `/healthz`: the purger, and whether the last purge failed."""
    if not enabled():
        return {"purger": "none"}
    last = store.get(STATE_KEY) or {}
    failed_at = last.get("failed_at")
    return {
        "purger": settings.NEWSROOM_PURGER,
        "last_purge_failed": bool(failed_at),
        "failed_at": failed_at,
    }
