"""The article page: what readers see of a story, and its preview.

Everything on the page but the site's shell is the same for every reader
until content changes: the header with its byline, the hero photo, the body
with its photos, corrections, live updates, related stories, tags and the
JSON-LD. Readers' pages keep that rendered for the content generation
(`articles.cache.fragments`), like the related stories list, so a request
that misses the page cache reads the article's row, checks it may be shown,
and renders the shell around what was kept. The page names the same surrogate
keys whether its parts were kept or not. A preview renders every part afresh,
with the pending changes, and keeps nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import SafeString
from taggit.models import Tag

from articles import workflow
from articles.body import photo_ids, render_body
from articles.cache.fragments import remember
from articles.edge import keys
from articles.models import Article
from articles.related import related_articles
from articles.site import live


@dataclass(frozen=True)
class Parts:
    """An article page's parts, rendered: what goes in <head>, the <article>
    element, and the surrogate keys of what they show."""

    head: str
    body: str
    keys: tuple[str, ...]


def render_article(request, article: Article, *, preview: bool = False):
    """The article page as readers see it; a preview shows pending changes too.

    `article` needs only its row and section: the rest is read when its parts
    are rendered. A preview reads the pending changes and writes nothing; it
    is marked never-cache and noindex.
    """
    if preview:
        article = workflow.preview(article)
        parts = render_parts(request, article, preview=True)
    else:
        address = f"{request.scheme}://{request.get_host()}"
        parts = remember(
            f"article-page:{article.pk}:{address}",
            lambda: render_parts(
                request, Article.objects.for_page().get(pk=article.pk)
            ),
        )
        keys.shows(*parts.keys)
    context = {
        "article": article,
        "object": article,
        "parts": {"head": SafeString(parts.head), "body": SafeString(parts.body)},
        "current_section": article.section.slug,
        "preview": preview,
        "is_live": article.is_live(),
        "polls_updates": article.is_live_coverage and not preview,
    }
    response = TemplateResponse(request, "articles/article_detail.html", context)
    if preview:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def render_parts(request, article: Article, *, preview: bool = False) -> Parts:
    """Every part of the page but the shell, with the keys of what it shows.

    `article` comes from `Article.objects.for_page()` (or is a preview)."""
    shown = [keys.article(article.pk)]
    # The thread's other pages: a change to any of them changes this one.
    shown += [keys.article(story.pk) for story in article.thread.stories]
    shown += [
        keys.photo(pk) for pk in (article.hero_photo_id, *photo_ids(article.body)) if pk
    ]
    coverage = live.coverage_of(article) if article.has_live_coverage else None
    if coverage:
        shown += [keys.photo(p.pk) for u in coverage.updates for p in u.photos]
    tags = article.sorted_tags
    related, related_ids = _related_stories(article, tags, preview=preview)
    shown += [keys.article(pk) for pk in related_ids]
    context = {
        "article": article,
        "coverage": coverage,
        "poll_seconds": live.POLL_SECONDS,
        "body": render_body(article.body),
        "tags": tags,
        "related_stories": SafeString(related),
    }
    return Parts(
        head=render_to_string("articles/includes/article_head.html", context, request),
        body=render_to_string("articles/includes/article.html", context, request),
        keys=tuple(dict.fromkeys(shown)),
    )


def _for_page(article: Article) -> Article:
    return Article.objects.for_page().get(pk=article.pk)


def _related_stories(
    article: Article, tags: list[Tag], *, preview: bool
) -> tuple[str, list[int]]:
    """The "Related stories" list, rendered, and the stories on it. Readers'
    copy is kept for the content generation: its choice is the costliest part
    of the page, and other pages of the same story (another host) share it.
    The page names each story on it, so that a change of one of them purges
    this page at the edge too."""

    def render() -> tuple[str, list[int]]:
        # Newer stories of the thread first: readers of an older story are
        # pointed to how it went on.
        newer = article.thread.newer
        related = related_articles(article, tags=tags)
        related = newer + [story for story in related if story not in newer]
        related = related[: max(len(newer), settings.NEWSROOM_RELATED_COUNT)]
        html = render_to_string(
            "articles/includes/related_articles.html", {"related": related}
        )
        return html, [story.pk for story in related]

    if preview:
        return render()
    return remember(f"related-list:{article.pk}", render)
