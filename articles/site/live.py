"""Readers' live coverage: the updates on a live article's page, the small
fragment its page polls for new ones, and the article's feed of updates.

The fragment is a public page like any other (`articles.cache.public_page`):
kept in the page cache for the content generation, with an ETag, so that a
reader whose copy is current gets a 304 and costs the server a cache read.
Every update announces a change, which turns the page cache over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed

from articles.body import inline_photos, render_body
from articles.edge import keys
from articles.models import Article, Correction, LiveUpdate, Photo

# How often an open live page asks for new updates.
POLL_SECONDS = 15


@dataclass
class Coverage:
    """What a live article's page shows of its updates, read in a fixed
    number of queries however many updates there are."""

    updates: list[LiveUpdate]
    key_events: list[LiveUpdate] = field(default_factory=list)
    since: str = ""


def public_updates(article: Article):
    """The updates readers see, newest first, with what the page shows of each."""
    updates = article.live_updates.public().for_page()
    if article.corrected_at is not None:
        updates = updates.prefetch_related(
            Prefetch("corrections", queryset=Correction.objects.order_by("-pk"))
        )
    return updates


def coverage_of(article: Article, updates=None) -> Coverage:
    """The updates, pinned first then newest first, each with its body rendered."""
    updates = list(public_updates(article) if updates is None else updates)
    prepare(updates, corrected=article.corrected_at is not None)
    newest = max((u.published_at for u in updates), default=None)
    shown = sorted(updates, key=lambda u: not u.is_pinned)  # stable: newest first
    return Coverage(
        updates=shown,
        key_events=[u for u in updates if u.is_key_event],
        since=since_token(newest),
    )


def prepare(updates: list[LiveUpdate], *, corrected: bool) -> None:
    """Render each body and find each update's photos, in one query for all."""
    ids = {use.photo_id for u in updates for use in inline_photos(u.body)}
    photos = Photo.objects.select_related("credit").in_bulk(ids) if ids else {}
    for update in updates:
        update.rendered_body = render_body(update.body, photos)
        update.photos = [
            photos[use.photo_id]
            for use in inline_photos(update.body)
            if use.photo_id in photos and photos[use.photo_id].is_shown_to_readers
        ]
        update.shown_corrections = list(update.corrections.all()) if corrected else []


def attach_public_updates(articles: list[Article]) -> None:
    """Each live-covered article of a list gets `public_live_updates`, newest
    first and rendered, in a fixed number of queries; a list without any costs
    none."""
    covered = {a.pk: a for a in articles if a.has_live_coverage}
    for article in covered.values():
        article.public_live_updates = []
    if not covered:
        return
    updates = list(
        LiveUpdate.objects.public().filter(article__in=list(covered)).for_page()
    )
    prepare(updates, corrected=False)
    for update in updates:
        covered[update.article_id].public_live_updates.append(update)


def since_token(moment: datetime | None) -> str:
    """The newest update's time, in microseconds: what the page asks "since"."""
    if moment is None:
        return "0"
    return str(int(moment.timestamp() * 1_000_000))


def moment_of(token: str) -> datetime:
    if not re.fullmatch(r"[0-9]{1,19}", token or ""):
        raise Http404("No such point in the coverage.")
    return datetime.fromtimestamp(int(token) / 1_000_000, tz=UTC)


def live_article(section: str, slug: str) -> Article:
    article = get_object_or_404(
        Article.objects.live().select_related("section"),
        slug=slug,
        section__slug=section,
        coverage_start_at__isnull=False,
    )
    keys.shows(keys.article(article.pk))
    return article


def new_updates(request, section: str, slug: str):
    """The updates published since `?since=` (see `since_token`), as a small
    fragment the live page inserts; it names how many there are."""
    article = live_article(section, slug)
    since = moment_of(request.GET.get("since", ""))
    updates = list(
        public_updates(article)
        .filter(published_at__gt=since)
        .order_by("-published_at", "-pk")
    )
    prepare(updates, corrected=article.corrected_at is not None)
    newest = max((u.published_at for u in updates), default=None)
    context = {
        "article": article,
        "updates": updates,
        "since": since_token(newest) if updates else request.GET["since"],
        "is_live_coverage": article.is_live_coverage,
    }
    return TemplateResponse(request, "articles/includes/live_new_updates.html", context)


class LiveUpdatesFeed(Feed):
    """RSS of one live article's updates, newest first; each links to its
    permalink on the article's page."""

    feed_type = Rss201rev2Feed

    def get_object(self, request, slug):
        article = get_object_or_404(
            Article.objects.live().select_related("section"),
            slug=slug,
            coverage_start_at__isnull=False,
        )
        keys.shows(keys.article(article.pk))
        return article

    def title(self, article):
        return f"{article.headline}: live | {settings.NEWSROOM_SITE_NAME}"

    def link(self, article):
        return article.get_absolute_url()

    def description(self, article):
        return article.standfirst

    def items(self, article):
        updates = list(article.live_updates.public().for_page()[:100])
        prepare(updates, corrected=False)
        for update in updates:
            update.article = article
        return updates

    def item_title(self, update):
        local = timezone.localtime(update.published_at)
        return update.headline or f"Update at {local:%H:%M}"

    def item_description(self, update):
        return update.rendered_body

    def item_link(self, update):
        return update.get_absolute_url()

    def item_guid(self, update):
        return f"live-update-{update.pk}"

    def item_pubdate(self, update):
        return update.published_at

    def item_author_name(self, update):
        return ", ".join(author.name for author in update.authors.all()) or None
