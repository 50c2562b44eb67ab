"""SQLite full-text search: an FTS5 table beside the search index, ranked by bm25."""

from django.conf import settings
from django.db import connection
from django.utils import timezone

from articles.search.engine import START, STOP
from articles.search.query import words

TABLE = "articles_search_fts"
# bm25 weights of headline, standfirst, tags and body.
WEIGHTS = (10.0, 4.0, 2.0, 1.0)


def tokenizer() -> str:
    # FTS5's stemmer is Porter's, for English; other languages match whole words.
    stem = settings.NEWSROOM_SEARCH_LANGUAGE == "english"
    return ("porter " if stem else "") + "unicode61 remove_diacritics 2"


def create_schema() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
            f"headline, standfirst, tags, body, tokenize='{tokenizer()}')"
        )


def drop_schema() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def written(entries) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TABLE} (rowid, headline, standfirst, tags, body) "
            "VALUES (%s, %s, %s, %s, %s)",
            [(e.pk, e.headline, e.standfirst, e.tags, e.body) for e in entries],
        )


def deleted(ids) -> None:
    ids = list(ids)
    if not ids:
        return
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({marks})", ids)


def match_expression(query: str) -> str:
    """Every word, each as an FTS5 string: the reader's text is never syntax."""
    return " ".join(f'"{word}"' for word in words(query))


def search(query: str, *, offset: int, limit: int):
    match = match_expression(query)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    weights = ", ".join(str(w) for w in WEIGHTS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {TABLE}.rowid, snippet({TABLE}, 3, %s, %s, ' … ', 24) "
            f"FROM {TABLE} JOIN articles_searchentry e "
            f"ON e.article_id = {TABLE}.rowid "
            f"WHERE {TABLE} MATCH %s AND e.publish_at <= %s "
            f"ORDER BY bm25({TABLE}, {weights}), e.publish_at DESC "
            "LIMIT %s OFFSET %s",
            [START, STOP, match, now, limit, offset],
        )
        page = cursor.fetchall()
        # The last page (one not full) says how many there are, with no count.
        if len(page) < limit and (page or not offset):
            return offset + len(page), page, False
        cursor.execute(
            f"SELECT COUNT(*) FROM {TABLE} JOIN articles_searchentry e "
            f"ON e.article_id = {TABLE}.rowid "
            f"WHERE {TABLE} MATCH %s AND e.publish_at <= %s",
            [match, now],
        )
        return cursor.fetchone()[0], page, False
