"""The editors' admin, one module per part of the newsroom."""

from articles.admin import (  # noqa: F401
    api_tokens,
    articles,
    checklist,
    credits,
    people,
    photos,
    tags,
    tasks,
    team,
    webhooks,
)
