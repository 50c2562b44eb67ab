"""Cursor pagination over a (value, id) keyset, newest or first first.

django-ninja's own CursorPagination positions on one field plus an offset among
items with equal values, so an article published meanwhile at the same instant
shifts the offset and a client skips or repeats one. Here the cursor is the last
item's (value, id) pair and the next page is everything strictly after it: what is
published, edited or taken away while a client pages never moves the boundary.
"""

import base64
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

from articles.api.errors import ApiError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


MAX_ID = 2**63 - 1


def iso_8601_only(value):
    """Times are ISO 8601 text; pydantic would also take a number of seconds."""
    if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value):
        return value
    if isinstance(value, datetime):
        return value
    raise ValueError("must be an ISO 8601 date-time, like 2026-03-26T08:30:00Z")


def in_range(moment: datetime) -> bool:
    """Whether a time with an offset is one the database can compare with."""
    try:
        moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return False
    return True


def encode(value: Any, pk: int) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    raw = json.dumps([value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, *, is_time: bool) -> tuple[Any, int]:
    """The (value, id) in a cursor; a cursor not made here is a 400."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, pk = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if type(pk) is not int or not 0 < pk <= MAX_ID:
            raise ValueError
        if is_time:
            value = parse_datetime(value) if isinstance(value, str) else None
            if value is None or value.tzinfo is None or not in_range(value):
                raise ValueError
        elif not isinstance(value, str) or "\x00" in value:
            raise ValueError
    except (ValueError, TypeError, UnicodeError):
        raise ApiError(
            400,
            "This cursor was not given by the API; start again without one.",
            code="bad_cursor",
            fields={"cursor": ["Not a cursor given by the API."]},
        ) from None
    return value, pk


def page(
    queryset: QuerySet,
    *,
    field: str,
    descending: bool,
    cursor: str | None,
    limit: int,
    value_of: Callable[[Any], Any] | None = None,
) -> tuple[list, str | None]:
    """One page of `queryset` ordered by (`field`, id), and the next cursor."""
    value_of = value_of or (lambda item: getattr(item, field))
    is_time = queryset.model._meta.get_field(field).get_internal_type() in {
        "DateTimeField"
    }
    sign = "-" if descending else ""
    queryset = queryset.order_by(f"{sign}{field}", f"{sign}pk")
    if cursor:
        value, pk = decode(cursor, is_time=is_time)
        beyond = "lt" if descending else "gt"
        queryset = queryset.filter(
            Q(**{f"{field}__{beyond}": value})
            | Q(**{field: value, f"pk__{beyond}": pk})
        )
    items = list(queryset[: limit + 1])
    if len(items) <= limit:
        return items, None
    items = items[:limit]
    last = items[-1]
    return items, encode(value_of(last), last.pk)
