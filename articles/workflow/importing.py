"""Bringing articles in from an interchange file, through the same rules.

The importer may set any state (an archive arrives with published, scheduled and
unpublished stories), but nothing else: the article is locked, its content goes
through `ArticleContent`, content that goes live must pass the publishing rules,
and the import is recorded as an event and a revision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from articles.models import Article, ArticleEvent, PendingChange
from articles.workflow import recording
from articles.workflow.content import ArticleContent
from articles.workflow.rules import InvalidTransition, publish_problems

Status = Article.Status
Action = ArticleEvent.Action


@dataclass
class Imported:
    article: Article
    created: bool
    # Publishing rules the article breaks but was let in with (see below).
    rule_breaks: list[str] = field(default_factory=list)


def import_article(
    content: ArticleContent,
    *,
    status: str,
    publish_at: datetime | None,
    allow_rule_breaks: bool = False,
) -> Imported:
    """Create or update the article with `content.slug` as the file says.

    A live article that breaks the publishing rules (an archive story without
    alt text) is refused, unless `allow_rule_breaks`: it then comes in with the
    problems recorded on it (`imported_rule_breaks`), for editors to fix.
    An article with pending changes is refused, so no editor's work is lost.
    """
    content = content.normalised()
    with transaction.atomic():
        existing = Article.objects.filter(slug=content.slug).first()
        article = recording.lock(existing) if existing else Article()
        created = existing is None
        if not created and PendingChange.objects.filter(article=article).exists():
            pending = PendingChange.objects.select_related("created_by").get(
                article=article
            )
            who = pending.created_by.get_username() if pending.created_by else "?"
            raise InvalidTransition(
                f"it has pending changes by {who} that are not published yet; "
                "publish or discard them before importing over it"
            )
        problems = publish_problems(content) if status in Article.LIVE_STATUSES else []
        if problems and not allow_rule_breaks:
            raise InvalidTransition(
                f"cannot go live: {'; '.join(problems)} (fix the file, or import "
                "with --allow-rule-breaks to bring it in as work for editors)"
            )
        source = article.status if not created else Status.DRAFT
        article.status = status
        article.publish_at = publish_at
        # Content that has been public keeps the time it first went out; a
        # scheduled article gets it when it goes live.
        if status in {Status.PUBLISHED, Status.UNPUBLISHED}:
            article.first_published_at = article.first_published_at or publish_at
        article.imported_rule_breaks = problems
        old_path = None if created else recording.public_path(article)
        content.write_to(article)
        recording.event(article, Action.IMPORT, None, from_status=source)
        recording.saved(article, None, comment="Imported", old_path=old_path)
    return Imported(article=article, created=created, rule_breaks=problems)


def import_links(article: Article, related: list[int]) -> None:
    """Pin the related stories of an imported article, once every article of the
    file exists (they may point at each other)."""
    with transaction.atomic():
        locked = recording.lock(article)
        content = ArticleContent.of(locked)
        if content.related == related:
            return
        content.related = related
        content.write_to(locked)
        recording.saved(locked, None, comment="Imported", old_path=None)
