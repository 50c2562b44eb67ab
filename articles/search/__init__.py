"""Ranked full-text search over live articles.

- `query`: what is searched for, from whatever a reader typed.
- `index`: the search index (`SearchEntry`), refreshed with the related index.
- `engine`: the database's own full-text search, `postgres` (a weighted,
  GIN-indexed tsvector, `ts_rank`, `ts_headline`) or `sqlite` (FTS5, `bm25`,
  `snippet`).

Weights: headline above standfirst above tags above body (PostgreSQL's A, B,
C, D; the same order of bm25 column weights on SQLite).
"""

from articles.search.engine import Found, Hit, search
from articles.search.index import rebuild, refresh
from articles.search.query import clean_query

__all__ = ["Found", "Hit", "clean_query", "rebuild", "refresh", "search"]
