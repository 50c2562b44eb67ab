"""What the API answers: pydantic schemas, read from the models as readers see them."""

import copy
from datetime import datetime

from django.core.files.storage import default_storage
from ninja import Schema
from pydantic import Field

from articles.body import photo_ids, render_body
from articles.models import Photo
from articles.photos.renditions import ENCODINGS


def _absolute(context, path: str) -> str:
    request = (context or {}).get("request")
    return request.build_absolute_uri(path) if request else path


class Credit(Schema):
    photographer: str
    agency: str
    distributor: str
    line: str = Field(
        description='As printed: "Photo: Feng Fei / Imaginechina via AFP".'
    )


class Rendition(Schema):
    format: str = Field(description="`jpeg` or `webp`.")
    width: int
    height: int
    url: str


class PhotoOut(Schema):
    id: int
    width: int | None
    height: int | None
    caption: str
    alt_text: str
    credit: Credit | None
    copyright_holder: str = Field(description="Who owns the rights.")
    renditions: list[Rendition] = Field(
        description="Resized copies, smallest first; link these, never the original."
    )
    social_card: Rendition | None = Field(description="1200×630 crop for link cards.")

    @staticmethod
    def resolve_credit(photo: Photo):
        credit = photo.credit
        if credit is None:
            return None
        return {
            "photographer": credit.photographer,
            "agency": credit.agency,
            "distributor": credit.distributor,
            "line": credit.line,
        }

    @staticmethod
    def resolve_copyright_holder(photo: Photo) -> str:
        return photo.rights_holder

    @staticmethod
    def resolve_renditions(photo: Photo, context) -> list[dict]:
        renditions = photo.renditions or {}
        # Renditions live in the default storage; the original has no address.
        storage = default_storage
        return [
            {
                "format": kind,
                "width": item["width"],
                "height": item["height"],
                "url": _absolute(context, storage.url(item["name"])),
            }
            for kind in ENCODINGS
            for item in renditions.get(kind, [])
        ]

    @staticmethod
    def resolve_social_card(photo: Photo, context):
        card = (photo.renditions or {}).get("social")
        if not card:
            return None
        url = default_storage.url(card["name"])
        return {
            "format": "jpeg",
            "width": card["width"],
            "height": card["height"],
            "url": _absolute(context, url),
        }


class SectionOut(Schema):
    slug: str
    name: str
    description: str
    url: str

    @staticmethod
    def resolve_url(section, context) -> str:
        return _absolute(context, section.get_absolute_url())


class SectionRef(Schema):
    slug: str
    name: str


class AuthorOut(Schema):
    slug: str
    name: str
    bio: str
    url: str

    @staticmethod
    def resolve_url(author, context) -> str:
        return _absolute(context, author.get_absolute_url())


class AuthorRef(Schema):
    slug: str
    name: str


class TagOut(Schema):
    slug: str
    name: str
    url: str

    @staticmethod
    def resolve_url(tag, context) -> str:
        return _absolute(context, f"/tags/{tag.slug}/")


class TagRef(Schema):
    slug: str
    name: str


class ArticleSummary(Schema):
    id: int
    slug: str
    url: str
    headline: str
    standfirst: str
    section: SectionRef
    authors: list[AuthorRef]
    tags: list[TagRef]
    published_at: datetime = Field(description="When readers first could see it.")
    updated_at: datetime | None = Field(
        description="When a change to the live article was last published."
    )
    modified_at: datetime = Field(
        description="When readers last saw it change: published, updated or "
        "corrected; see `updated_since`."
    )
    hero_photo: PhotoOut | None

    @staticmethod
    def resolve_url(article, context) -> str:
        return _absolute(context, article.get_absolute_url())

    @staticmethod
    def resolve_published_at(article) -> datetime:
        return article.publish_at

    @staticmethod
    def resolve_modified_at(article) -> datetime:
        return article.modified_at

    @staticmethod
    def resolve_authors(article):
        return article.byline_authors

    @staticmethod
    def resolve_tags(article):
        return article.sorted_tags

    @staticmethod
    def resolve_hero_photo(article):
        """The photo with this story's own caption and alt text."""
        photo = article.public_hero_photo
        if photo is None:
            return None
        photo = copy.copy(photo)
        photo.caption = article.hero_photo_caption
        photo.alt_text = article.hero_photo_alt_text
        return photo


class CorrectionOut(Schema):
    kind: str = Field(description="`correction` or `clarification`.")
    text: str
    published_at: datetime
    withdrawn_at: datetime | None = Field(
        description="A withdrawn correction stays on the page, marked."
    )
    withdrawal_reason: str


class ArticleDetail(ArticleSummary):
    body_html: str = Field(
        description="The body as readers see it, library photos included."
    )
    body_photos: list[PhotoOut] = Field(description="The photos placed in the body.")
    seo_title: str
    seo_description: str
    corrections: list[CorrectionOut] = Field(description="Newest first.")

    @staticmethod
    def resolve_corrections(article) -> list:
        return list(article.corrections.order_by("-published_at", "-pk"))

    @staticmethod
    def resolve_body_html(article) -> str:
        return str(render_body(article.body))

    @staticmethod
    def resolve_body_photos(article) -> list[Photo]:
        ids = photo_ids(article.body)
        photos = Photo.objects.select_related("credit").in_bulk(ids)
        return [
            photos[pk]
            for pk in dict.fromkeys(ids)
            if pk in photos and photos[pk].is_shown_to_readers
        ]


class _Page(Schema):
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )
    next: str | None = Field(description="The next page's full URL, or null.")


class ArticlePage(_Page):
    items: list[ArticleSummary]


class TagPage(_Page):
    items: list[TagOut]


class AuthorPage(_Page):
    items: list[AuthorOut]


class PhotoPage(_Page):
    items: list[PhotoOut]
