"""Bringing articles in from an interchange file, through the same rules.

The importer may set any state (an archive arrives with published, scheduled and
unpublished stories), but nothing else: the article is locked, its content goes
through `ArticleContent`, content that goes live must pass the publishing rules,
and the import is recorded as an event and a revision.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from articles import related
from articles.models import Article, ArticleEvent, Correction, PendingChange
from articles.signals import announcing_together
from articles.workflow import recording
from articles.workflow.content import ArticleContent
from articles.workflow.rules import (
    InvalidTransition,
    publish_problems,
    rules_read_once,
)

Status = Article.Status
Action = ArticleEvent.Action
CORRECTABLE = {Status.PUBLISHED, Status.UNPUBLISHED, Status.TAKEN_DOWN}


@dataclass
class Imported:
    article: Article
    created: bool
    # Publishing rules the article breaks but was let in with (see below).
    rule_breaks: list[str] = field(default_factory=list)


@contextmanager
def importing_many() -> Iterator[None]:
    """Around the import of a whole file: the checklist's rules are read once;
    the related-stories and search indexes are refreshed, and the change
    announced to the site, once at the end of the block, not for every article."""
    with rules_read_once(), announcing_together(), related.refreshing_together():
        yield


def import_article(
    content: ArticleContent,
    *,
    status: str,
    publish_at: datetime | None,
    allow_rule_breaks: bool = False,
    embargo_until: datetime | None = None,
    corrections: list[dict] = (),
    takedown_reason: str = "",
) -> Imported:
    """Create or update the article with `content.slug` as the file says.

    A live article that breaks the publishing rules (an archive story without
    alt text) is refused, unless `allow_rule_breaks`: it then comes in with the
    problems recorded on it (`imported_rule_breaks`), for editors to fix.
    An article with pending changes is refused, so no editor's work is lost.
    `corrections` (kind, text, published_at, optional withdrawn_at and
    withdrawal_reason) are added where missing and never removed; a
    taken-down article needs its `takedown_reason`.
    """
    if status == Status.TAKEN_DOWN and not takedown_reason.strip():
        raise InvalidTransition("a taken-down article needs its takedown reason")
    if corrections and status not in CORRECTABLE:
        raise InvalidTransition(
            f"an article with status '{status}' cannot carry corrections"
        )
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
        problems = (
            publish_problems(content, existing)
            if status in Article.LIVE_STATUSES
            else []
        )
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
        if status in {Status.PUBLISHED, Status.UNPUBLISHED, Status.TAKEN_DOWN}:
            article.first_published_at = article.first_published_at or publish_at
        article.imported_rule_breaks = problems
        article.embargo_until = embargo_until
        _take_down(article, status, takedown_reason)
        old_path = None if created else recording.public_path(article)
        content.write_to(article)
        _add_corrections(article, corrections, created=created)
        recording.event(article, Action.IMPORT, None, from_status=source)
        recording.saved(article, None, comment="Imported", old_path=old_path)
    return Imported(article=article, created=created, rule_breaks=problems)


def _take_down(article: Article, status: str, reason: str) -> None:
    if status != Status.TAKEN_DOWN:
        article.taken_down_at = article.taken_down_by = None
        article.takedown_reason = ""
        return
    article.taken_down_at = article.taken_down_at or timezone.now()
    article.takedown_reason = reason.strip()


def _add_corrections(
    article: Article, corrections: list[dict], *, created: bool
) -> None:
    """Add the file's corrections the article lacks, and withdrawals it lacks."""
    if created and not corrections:
        return
    existing = {
        (c.kind, c.text, c.published_at): c
        for c in Correction.objects.filter(article=article)
    }
    for item in corrections:
        key = (item["kind"], item["text"], item["published_at"])
        correction = existing.get(key)
        if correction is None:
            correction = Correction.objects.create(
                article=article,
                kind=item["kind"],
                text=item["text"],
                published_at=item["published_at"],
            )
        if item.get("withdrawn_at") and not correction.is_withdrawn:
            correction.withdrawn_at = item["withdrawn_at"]
            correction.withdrawal_reason = item.get("withdrawal_reason", "")
            correction.save(update_fields=["withdrawn_at", "withdrawal_reason"])
    moments = Correction.objects.filter(article=article).values_list(
        "published_at", "withdrawn_at"
    )
    latest = max((m for pair in moments for m in pair if m), default=None)
    if latest != article.corrected_at:
        article.corrected_at = latest
        article.save(update_fields=["corrected_at"])


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


def import_follows(article: Article, earlier_id: int) -> None:
    """Make an imported article follow the story with `earlier_id`, once every
    article of the file exists (a follow-up may come before its story)."""
    with transaction.atomic():
        locked = recording.lock(article)
        content = ArticleContent.of(locked)
        if content.follows == earlier_id:
            return
        content.follows = earlier_id
        content.write_to(locked)
        recording.saved(locked, None, comment="Imported", old_path=None)
