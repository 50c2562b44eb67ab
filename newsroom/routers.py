"""Read replicas: public page reads go to a replica, everything else to the primary.

With DATABASE_REPLICA_URL set (see settings), `ReplicaMiddleware` marks a
request as a public read when it is a GET or HEAD of the public site by a
visitor without a session: readers, crawlers, the CDN. Only then does
`ReplicaRouter` send reads to a replica. The admin, previews, anyone logged in
(an editor who has just published sees the article at once), commands, the task
worker and every read inside a transaction use the primary; and once a request
has written anything, its later reads stay on the primary too, so it never
reads older data than it wrote.

A replica lags the primary by a moment. The page cache's generation is started
after a change commits on the primary and carries the primary's log position
then (`primary_position`); a page read from a replica is kept under it only if
the replica has replayed that far (`has_replayed`), so a page rendered from the
old data is served to that one reader but never kept as current.
"""

import random
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router

# None: not a public read. Otherwise the replica chosen for this request.
_replica: ContextVar[str | None] = ContextVar("newsroom_replica", default=None)
PRIVATE_PREFIXES = ("/admin/", "/accounts/", "/preview/")


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        alias = _replica.get()
        if alias is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints):
        _replica.set(None)  # this request's later reads follow its write
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Replicas are copies of the primary: migrations reach them by replication.
        return db == DEFAULT_DB_ALIAS


def is_public_read(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(PRIVATE_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class ReplicaMiddleware:
    """Sends a public read request's queries to one replica, chosen at random."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.replicas = replica_aliases()

    def __call__(self, request):
        alias = random.choice(self.replicas) if self.replicas else None
        token = _replica.set(alias if alias and is_public_read(request) else None)
        try:
            return self.get_response(request)
        finally:
            _replica.reset(token)


def primary_position() -> str | None:
    """Where the primary's write-ahead log stands now (PostgreSQL with read
    replicas), or None when there are no replicas to compare with."""
    primary = connections[DEFAULT_DB_ALIAS]
    if not replica_aliases() or primary.vendor != "postgresql":
        return None
    with primary.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        return str(cursor.fetchone()[0])


def has_replayed(position: str | None) -> bool:
    """Whether this request's reads are at least as new as `position` on the
    primary: always, unless it reads from a replica that has not replayed that
    far yet (or cannot say)."""
    alias = _replica.get()
    if alias is None or position is None:
        return True
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= %s",
                [position],
            )
            return bool(cursor.fetchone()[0])
    except DatabaseError:
        return False


def connection_for_reading(model):
    """The connection the router reads `model` from, for raw SQL reads."""
    return connections[router.db_for_read(model)]
