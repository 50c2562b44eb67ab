"""Articles as IPTC ninjs for partners and aggregators (articles/syndication/ninjs.py).

`/api/v1/ninjs/<slug>` is public, as the article page is: a live article, or a
taken-down one as a withdrawal notice, never anything embargoed or unpublished.
`/api/v1/ninjs` is the feed of the latest articles for partners, with a token
carrying the `syndicate` scope; withdrawn stories stay in it, marked.
"""

from typing import Any, Literal

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import conditional_page
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import AwareDatetime, field_validator

from articles.api import pagination
from articles.api.auth import SYNDICATE
from articles.api.errors import ApiError, Error
from articles.api.pagination import iso_8601_only
from articles.api.read import SLUG, PageQuery, _next_url
from articles.edge import keys as edge_keys
from articles.models import Article, LiveUpdate
from articles.syndication import ninjs

router = Router(tags=["ninjs"])

NinjsItem = dict[str, Any]
Version = Literal["3.1", "2.2"]
VERSION = Field(
    ninjs.LATEST,
    description="The ninjs version: 3.1 (the default) or 2.2.",
)
ITEM_DESCRIPTION = (
    "An IPTC ninjs object (http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json, "
    "or ninjs-schema_2.2.json with version=2.2)."
)


class VersionQuery(Schema):
    version: Version = VERSION


class FeedQuery(PageQuery):
    version: Version = VERSION
    updated_since: AwareDatetime | None = Field(
        None,
        description="Only articles published, updated, corrected or withdrawn at "
        "or after this time (ISO 8601 with a UTC offset).",
    )

    _iso_time = field_validator("updated_since", mode="before")(iso_8601_only)


class NinjsFeed(Schema):
    items: list[NinjsItem] = Field(description=f"Newest first. {ITEM_DESCRIPTION}")
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )
    next: str | None = Field(description="The next page's full URL, or null.")


def syndicated():
    """Live articles, and taken-down ones that readers once saw (a withdrawal
    notice carries nothing of them); never an embargo still running."""
    now = timezone.now()
    withdrawn = Article.objects.filter(
        Q(embargo_until__isnull=True) | Q(embargo_until__lte=now),
        status=Article.Status.TAKEN_DOWN,
        publish_at__lte=now,
    )
    return Article.objects.live() | withdrawn


def _for_items(articles):
    """With everything an item says, in a fixed number of queries."""
    return articles.for_page().prefetch_related(
        "tags",
        "corrections",
        Prefetch(
            "live_updates",
            queryset=LiveUpdate.objects.public().for_page(),
            to_attr="public_live_updates",
        ),
    )


def _context(request) -> ninjs.Context:
    return ninjs.Context(absolute=request.build_absolute_uri)


@router.get(
    "/ninjs/{slug}",
    response={200: NinjsItem, 404: Error, 422: Error},
    operation_id="getNinjsItem",
    summary="An article as IPTC ninjs",
    description=ITEM_DESCRIPTION
    + " A taken-down article answers with `pubStatus` `canceled` and nothing "
    "of what it said.",
)
@decorate_view(edge_keys.names_api)
@decorate_view(conditional_page)
def get_ninjs_item(request, query: Query[VersionQuery], slug: str = SLUG):
    article = _for_items(syndicated()).filter(slug=slug).first()
    if article is None:
        raise ApiError(404, "No live article has this slug.")
    return ninjs.in_version(ninjs.item(article, _context(request)), query.version)


@router.get(
    "/ninjs",
    response={200: NinjsFeed, 400: Error, 401: Error, 403: Error, 422: Error},
    auth=SYNDICATE,
    operation_id="listNinjsItems",
    summary="The latest articles as IPTC ninjs, for partners",
)
@decorate_view(cache_control(private=True))
@decorate_view(conditional_page)
def list_ninjs_items(request, query: Query[FeedQuery]):
    """Live articles newest first (by publish time, then id), and withdrawn
    ones in their place, marked `canceled`. Needs a token with the
    `syndicate` scope."""
    articles = syndicated()
    if query.updated_since:
        since = query.updated_since
        if not pagination.in_range(since):
            raise ApiError(
                422,
                "Give updated_since with a UTC offset, like 2026-03-26T08:30:00Z.",
                fields={"updated_since": ["Needs a UTC offset."]},
            )
        articles = articles.filter(
            Q(publish_at__gte=since)
            | Q(updated_at__gte=since)
            | Q(corrected_at__gte=since)
            | Q(taken_down_at__gte=since)
        )
    page, cursor = pagination.page(
        _for_items(articles),
        field="publish_at",
        descending=True,
        cursor=query.cursor,
        limit=query.limit,
    )
    context = _context(request)
    context.read_photos(page)
    items = [ninjs.in_version(ninjs.item(a, context), query.version) for a in page]
    return {"items": items, "next_cursor": cursor, "next": _next_url(request, cursor)}
