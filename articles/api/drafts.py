"""The write API's schemas: an article as its writer sends and reads it."""

from datetime import datetime
from typing import Annotated

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import AwareDatetime, Field, field_validator, model_validator

from articles.api.errors import Error
from articles.api.pagination import iso_8601_only
from articles.models import Article, Author, Section
from articles.workflow import ArticleContent, allowed_actions, has_pending_changes

SLUG = r"^[-a-zA-Z0-9_]+$"
TagName = Annotated[str, Field(min_length=1, max_length=100)]
Slug = Annotated[str, Field(max_length=200, pattern=SLUG)]


def _storable(value: str) -> str:
    """Text every database keeps as sent: no NUL characters, no lone surrogates."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("is not valid Unicode text") from None
    return value


class JsonObject(Schema):
    """A request body: a JSON object (a list or a number is not one)."""

    @model_validator(mode="before")
    @classmethod
    def an_object(cls, data):
        # django-ninja hands over the parsed body wrapped in its DjangoGetter.
        parsed = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(parsed, dict):
            raise ValueError("The body must be a JSON object.")
        return data


class DraftFields(JsonObject):
    """Every field is optional on update; on create `headline` and `section` are
    required."""

    headline: str | None = Field(None, max_length=200)
    section: str | None = Field(
        None, max_length=80, pattern=SLUG, description="The section's slug."
    )
    slug: str | None = Field(
        None,
        max_length=200,
        pattern=r"^[-a-zA-Z0-9_]*$",
        description="Empty: made from the headline.",
    )
    standfirst: str | None = Field(None, max_length=5000)
    body: str | None = Field(
        None,
        max_length=500_000,
        description="HTML; cleaned by the same allow-list as the editor's. "
        'A library photo is placed as <figure data-photo="ID"></figure>.',
    )
    hero_photo: int | None = Field(
        None, ge=1, le=2**63 - 1, description="A photo library id."
    )
    hero_caption: str | None = Field(None, max_length=5000)
    hero_alt_text: str | None = Field(None, max_length=250)
    seo_title: str | None = Field(None, max_length=70)
    seo_description: str | None = Field(None, max_length=160)
    tags: list[TagName] | None = Field(None, max_length=100)
    authors: list[Slug] | None = Field(
        None, max_length=20, description="Author slugs in byline order."
    )
    related: list[Slug] | None = Field(
        None, max_length=20, description="Slugs of pinned related articles, in order."
    )
    follows: Slug | None = Field(
        None,
        description="The slug of the earlier story this one follows up; null for none.",
    )

    @field_validator(
        "headline",
        "standfirst",
        "body",
        "hero_caption",
        "hero_alt_text",
        "seo_title",
        "seo_description",
        "tags",
    )
    @classmethod
    def storable(cls, value):
        if isinstance(value, list):
            return [_storable(item) for item in value]
        return value if value is None else _storable(value)


class DraftCreate(DraftFields):
    headline: str = Field(..., min_length=1, max_length=200)
    section: str = Field(..., max_length=80, pattern=SLUG)


class DraftUpdate(DraftFields):
    version: int = Field(
        ...,
        ge=1,
        le=2**31 - 1,
        description="Required: the version you last read; refused with 409 if "
        "the article was saved since.",
    )


class Move(JsonObject):
    comment: str = Field("", max_length=2000)
    version: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="The version you last read; when given, the move is refused "
        "with 409 if the article was saved since.",
    )

    @field_validator("comment")
    @classmethod
    def storable(cls, value: str) -> str:
        return _storable(value)


class ScheduleMove(Move):
    at: AwareDatetime = Field(..., description="When it goes live (with a UTC offset).")

    _iso_time = field_validator("at", mode="before")(iso_8601_only)


class DraftOut(Schema):
    id: int
    status: str
    version: int
    has_pending_changes: bool = Field(
        description="Edits of a live article wait here until an editor publishes "
        "them; the content fields show them."
    )
    allowed_actions: list[str] = Field(description="What you may do now.")
    publish_at: datetime | None
    url: str | None = Field(description="The public address, once live.")
    headline: str
    slug: str
    section: str
    standfirst: str
    body: str
    hero_photo: int | None
    hero_caption: str
    hero_alt_text: str
    seo_title: str
    seo_description: str
    tags: list[str]
    authors: list[str]
    related: list[str]
    follows: str | None = Field(description="The story this one follows up.")


class ConflictOut(Error):
    """A refused update. When it met someone else's change to the same fields,
    `error.fields` names them and `current` is the article now."""

    current: DraftOut | None = None


def draft_out(article: Article, content: ArticleContent, user, request) -> dict:
    """An article as `user` may see it, with the content it will have."""
    authors = Author.objects.in_bulk(content.authors)
    related = dict(
        Article.objects.filter(pk__in=[*content.related, content.follows]).values_list(
            "pk", "slug"
        )
    )
    section = Section.objects.filter(pk=content.section).values_list("slug", flat=True)
    return {
        "id": article.pk,
        "status": article.status,
        "version": article.version,
        "has_pending_changes": has_pending_changes(article),
        "allowed_actions": [str(action) for action in allowed_actions(user, article)],
        "publish_at": article.publish_at,
        "url": (
            request.build_absolute_uri(article.get_absolute_url())
            if article.is_live()
            else None
        ),
        "headline": content.headline,
        "slug": content.slug,
        "section": section.first() or "",
        "standfirst": content.standfirst,
        "body": content.body,
        "hero_photo": content.hero_photo,
        "hero_caption": content.hero_caption,
        "hero_alt_text": content.hero_alt_text,
        "seo_title": content.seo_title,
        "seo_description": content.seo_description,
        "tags": content.tags,
        "authors": [authors[pk].slug for pk in content.authors if pk in authors],
        "related": [related[pk] for pk in content.related if pk in related],
        "follows": related.get(content.follows),
    }
