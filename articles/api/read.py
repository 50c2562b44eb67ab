"""The read API: live articles, sections, tags, authors and photos, as readers see them.

Everything starts from `Article.objects.live()`; what is not live is a 404 here as
on the site. Lists are cursor-paginated (see pagination.py).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.views.decorators.http import conditional_page
from ninja import Field, Path, Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import AwareDatetime, field_validator
from taggit.models import Tag, TaggedItem

from articles.api import pagination
from articles.api.errors import ApiError, Error
from articles.api.pagination import iso_8601_only
from articles.api.schemas import (
    ArticleDetail,
    ArticlePage,
    AuthorOut,
    AuthorPage,
    PhotoOut,
    PhotoPage,
    SectionOut,
    TagOut,
    TagPage,
)
from articles.edge import keys as edge_keys
from articles.models import Article, Author, Photo, PhotoUsage, Section

router = Router(tags=["Read"])
router.add_decorator(edge_keys.names_api, mode="view")

ERRORS = {400: Error, 404: Error, 422: Error}
conditional = decorate_view(conditional_page)
MAX_ID = 2**63 - 1
SLUG_PATTERN = r"^[-\w]+$"
SLUG = Path(..., max_length=200, pattern=SLUG_PATTERN)


class PageQuery(Schema):
    cursor: str | None = Field(
        None, max_length=200, description="From the previous page's answer."
    )
    limit: int = Field(
        pagination.DEFAULT_LIMIT, ge=1, le=pagination.MAX_LIMIT, description="Items."
    )


class ArticleFilters(PageQuery):
    section: str | None = Field(
        None, max_length=200, pattern=SLUG_PATTERN, description="A section's slug."
    )
    tag: str | None = Field(
        None, max_length=200, pattern=SLUG_PATTERN, description="A tag's slug."
    )
    author: str | None = Field(
        None, max_length=200, pattern=SLUG_PATTERN, description="An author's slug."
    )
    updated_since: AwareDatetime | None = Field(
        None,
        description="Only articles published, updated or corrected at or after "
        "this time (ISO 8601 with a UTC offset).",
    )

    _iso_time = field_validator("updated_since", mode="before")(iso_8601_only)


def _next_url(request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _page(request, queryset, query: PageQuery, **options) -> dict:
    items, cursor = pagination.page(
        queryset, cursor=query.cursor, limit=query.limit, **options
    )
    return {"items": items, "next_cursor": cursor, "next": _next_url(request, cursor)}


def _one(model, message: str, **lookup):
    found = model.objects.filter(**lookup).first()
    if found is None:
        raise ApiError(404, message)
    return found


def live_articles():
    """Live articles with what a list item shows, in a fixed number of queries."""
    return Article.objects.live().for_cards().prefetch_related("tags")


@router.get(
    "/articles",
    response={200: ArticlePage, **ERRORS},
    operation_id="listArticles",
    summary="Live articles",
)
@conditional
def list_articles(request, filters: Query[ArticleFilters]):
    """Live articles, newest first (by publish time, then id)."""
    articles = live_articles()
    if filters.section:
        section = _one(Section, "No such section.", slug=filters.section)
        articles = articles.filter(section=section)
    if filters.tag:
        tag = _one(Tag, "No such tag.", slug=filters.tag)
        articles = articles.filter(tags=tag)
    if filters.author:
        author = _one(Author, "No such author.", slug=filters.author)
        articles = articles.filter(authors=author)
    if filters.updated_since:
        since = filters.updated_since
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
        )
    return _page(request, articles, filters, field="publish_at", descending=True)


@router.get(
    "/articles/{slug}",
    response={200: ArticleDetail, **ERRORS},
    operation_id="getArticle",
    summary="An article",
)
@conditional
def get_article(request, slug: str = SLUG):
    return get_object_or_404(Article.objects.live().for_page(), slug=slug)


@router.get(
    "/sections",
    response={200: list[SectionOut], **ERRORS},
    operation_id="listSections",
    summary="Sections",
)
@conditional
def list_sections(request):
    """Every section, in the site's navigation order."""
    return Section.objects.all()


@router.get(
    "/sections/{slug}",
    response={200: SectionOut, **ERRORS},
    operation_id="getSection",
    summary="A section",
)
@conditional
def get_section(request, slug: str = SLUG):
    return get_object_or_404(Section, slug=slug)


def _live_tags():
    """Tags carried by at least one live article: a draft's topics stay private."""
    article_type = ContentType.objects.get_for_model(Article)
    live_ids = Article.objects.live().values("pk")
    used = TaggedItem.objects.filter(content_type=article_type, object_id__in=live_ids)
    return Tag.objects.filter(pk__in=used.values("tag_id"))


@router.get(
    "/tags", response={200: TagPage, **ERRORS}, operation_id="listTags", summary="Tags"
)
@conditional
def list_tags(request, query: Query[PageQuery]):
    """Tags of live articles, by slug."""
    return _page(request, _live_tags(), query, field="slug", descending=False)


@router.get(
    "/tags/{slug}",
    response={200: TagOut, **ERRORS},
    operation_id="getTag",
    summary="A tag",
)
@conditional
def get_tag(request, slug: str = SLUG):
    return get_object_or_404(_live_tags(), slug=slug)


@router.get(
    "/authors",
    response={200: AuthorPage, **ERRORS},
    operation_id="listAuthors",
    summary="Authors",
)
@conditional
def list_authors(request, query: Query[PageQuery]):
    """Every author, by slug (each has a public author page)."""
    return _page(request, Author.objects.all(), query, field="slug", descending=False)


@router.get(
    "/authors/{slug}",
    response={200: AuthorOut, **ERRORS},
    operation_id="getAuthor",
    summary="An author",
)
@conditional
def get_author(request, slug: str = SLUG):
    return get_object_or_404(Author, slug=slug)


def _public_photos():
    """Photos readers can see: the hero of a live article, licence in force."""
    heroes = Article.objects.live().filter(hero_photo__isnull=False)
    return (
        Photo.objects.filter(pk__in=heroes.values("hero_photo_id"))
        .exclude(pk__in=Photo.objects.licence_expired().values("pk"))
        .select_related("credit")
    )


@router.get(
    "/photos",
    response={200: PhotoPage, **ERRORS},
    operation_id="listPhotos",
    summary="Photos",
)
@conditional
def list_photos(request, query: Query[PageQuery]):
    """Hero photos of live articles, newest first, with renditions and credits.

    Photos placed in a body are listed with their article (`body_photos`)."""
    return _page(request, _public_photos(), query, field="created_at", descending=True)


@router.get(
    "/photos/{photo_id}",
    response={200: PhotoOut, **ERRORS},
    operation_id="getPhoto",
    summary="A photo",
)
@conditional
def get_photo(request, photo_id: int = Path(..., ge=1, le=MAX_ID)):
    """A hero photo of a live article, or a photo placed in a live article's body."""
    photo = _public_photos().filter(pk=photo_id).first()
    if photo is None:
        placed = PhotoUsage.objects.filter(
            photo_id=photo_id,
            in_body=True,
            pending=False,
            article__in=Article.objects.live(),
        )
        if placed.exists():
            photo = Photo.objects.select_related("credit").filter(pk=photo_id).first()
    if photo is None or not photo.is_shown_to_readers:
        raise ApiError(404, "No photo that readers can see has this id.")
    return photo
