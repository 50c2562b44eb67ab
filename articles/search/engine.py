"""Which full-text engine answers: the database's own."""

from dataclasses import dataclass

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Around matched words in snippets; never in indexed text (see query.plain).
START, STOP = "\x02", "\x03"


@dataclass
class Hit:
    article_id: int
    snippet: SafeString


@dataclass
class Found:
    """How many live articles match (`approximate` when it is the database's
    estimate), and the hits of the page asked for, best first."""

    total: int
    hits: list[Hit]
    approximate: bool = False


def for_connection(db):
    if db.vendor == "postgresql":
        from articles.search import postgres

        return postgres
    from articles.search import sqlite

    return sqlite


def search(query: str, *, offset: int, limit: int) -> Found:
    """The live articles matching `query`, the page from `offset`."""
    from articles.search.query import words

    if not words(query):
        return Found(0, [])
    engine = for_connection(connection)
    total, rows, approximate = engine.search(query, offset=offset, limit=limit)
    hits = [Hit(pk, highlighted(snippet)) for pk, snippet in rows]
    return Found(total, hits, approximate)


def highlighted(snippet: str) -> SafeString:
    """The engine's snippet, escaped, with matched words in <mark>."""
    text = escape(snippet or "")
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))
