"""What must be true before an article's content reaches readers.

Checked by the workflow, once, on every path that makes content live: publish,
schedule, editing a scheduled article, publishing pending changes, the scheduled
sweep and the importer.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from articles.body import photo_ids
from articles.models import Photo, photo_problems
from articles.workflow.content import ArticleContent


class InvalidTransition(ValidationError):
    """A move or change the workflow does not allow in the article's state."""


def publish_problems(content: ArticleContent) -> list[str]:
    """Why this content cannot go live; empty when it can."""
    # The story's own alt text, else the library's (as the page shows it).
    problems = photo_problems(content.hero(), alt_text=content.hero_alt_text or None)
    inline = Photo.objects.select_related("credit").filter(
        pk__in=photo_ids(content.body)
    )
    for photo in inline:
        problems += [f"In the body: {problem}" for problem in photo_problems(photo)]
    return problems


def require_publishable(content: ArticleContent) -> None:
    if problems := publish_problems(content):
        raise InvalidTransition(f"“{content.headline}” cannot go live: {problems[0]}")
