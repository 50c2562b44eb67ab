"""The editors' admin, one module per part of the newsroom."""

from articles.admin import articles, people, photos, tags, tasks, team  # noqa: F401
