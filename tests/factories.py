"""Plain factory functions with keyword defaults, for readable tests."""

import io
import itertools
import struct
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags, Image

from articles import workflow
from articles.models import Article, Author, Photo, PhotoCredit, Section
from articles.photos.renditions import update_renditions
from articles.photos.storage import save_photo
from articles.photos.validation import prepare_image
from articles.workflow import ArticleContent

_counter = itertools.count(1)
_UNSET = object()
# Statuses an article has only after it was published.
EVER_PUBLISHED = {Article.Status.UNPUBLISHED, Article.Status.TAKEN_DOWN}


def jpeg_bytes(width=800, height=450, color=(40, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


def photo_bytes(
    width=1200,
    height=800,
    *,
    format="JPEG",
    orientation=None,
    gps=False,
    artist="",
    iptc=None,
    xmp=None,
) -> bytes:
    """A real picture drawn by Pillow, with the metadata a camera or agency adds.

    The picture is a gradient with a mark in its top-left corner, so that tests
    can tell which way up it is. `iptc` maps IPTC dataset numbers of record 2
    (80 By-line, 110 Credit, 115 Source, 116 Copyright, 120 Caption) to text.
    """
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image.paste((220, 30, 30), (0, 0, width // 4, height // 4))
    exif = Image.Exif()
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if artist:
        exif[ExifTags.Base.Artist] = artist
    if gps:
        exif[ExifTags.Base.Make] = "PhoneMaker"
        exif[ExifTags.Base.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (28.0, 13.0, 42.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (112.0, 56.0, 20.0),
        }
    options = {"exif": exif} if len(exif) else {}
    if xmp:
        options["xmp"] = xmp.encode()
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    data = buffer.getvalue()
    if iptc:
        data = with_iptc(data, iptc)
    return data


def with_iptc(jpeg: bytes, fields: dict[int, str]) -> bytes:
    """Insert an IPTC block (Photoshop APP13 segment) after a JPEG's SOI marker,
    as agencies and photo editors write it; Pillow reads but does not write it."""
    records = b"\x1c\x01\x5a\x00\x03\x1b%G"  # coded character set: UTF-8
    for number, text in fields.items():
        value = text.encode()
        records += struct.pack(">BBBH", 0x1C, 2, number, len(value)) + value
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(records)) + records
    if len(records) % 2:
        resource += b"\x00"
    payload = b"Photoshop 3.0\x00" + resource
    segment = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def upload(data: bytes, name="photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def make_section(**over) -> Section:
    n = next(_counter)
    fields = {"name": f"Section {n}", "slug": f"section-{n}", **over}
    return Section.objects.create(**fields)


def make_author(**over) -> Author:
    n = next(_counter)
    fields = {"name": f"Reporter {n}", "slug": f"reporter-{n}", **over}
    return Author.objects.create(**fields)


def make_photo(credit=None, renditions=True, **over) -> Photo:
    n = next(_counter)
    color = (n * 37 % 256, n * 91 % 256, n * 53 % 256)
    fields = {
        "image": SimpleUploadedFile(f"photo-{n}.jpg", jpeg_bytes(color=color)),
        "alt_text": f"Picture {n}",
        "caption": f"Caption {n}",
        "credit": credit,
        **over,
    }
    photo = Photo.objects.create(**fields)
    # Readers only ever get renditions, so a library photo has them.
    if renditions:
        update_renditions(photo)
    return photo


def make_rendered_photo(data=None, name="picture.jpg", **over) -> Photo:
    """A photo stored the way the admin stores an upload, renditions and all."""
    prepared = prepare_image(upload(data or photo_bytes(), name), name)
    fields = {"alt_text": "A picture", "caption": "A caption", **over}
    photo = Photo(**fields)
    save_photo(photo, prepared)
    photo.refresh_from_db()  # renditions are made by a task (at once in tests)
    return photo


def make_credit(**parts) -> PhotoCredit:
    return PhotoCredit.objects.create(**parts)


# What an article says, as `ArticleContent` takes it.
CONTENT_FIELDS = {
    "headline",
    "slug",
    "standfirst",
    "body",
    "hero_caption",
    "hero_alt_text",
    "seo_title",
    "seo_description",
}


def make_article(
    *,
    tags=(),
    authors=None,
    section=None,
    hero_photo=None,
    status=Article.Status.PUBLISHED,
    publish_at=_UNSET,
    created_by=None,
    embargo_until=None,
    first_published_at=None,
    updated_at=None,
    follows=None,
    **content,
) -> Article:
    """An article made as the newsroom makes one, through the workflow.

    A writer's article (`created_by`) is created as they create it; a state
    other than their draft or submission, and any article without a writer, is
    then brought about with `workflow.import_article`, the workflow's way in for
    an article in any state with its dates (a story published three hours ago
    cannot be published now). Either way the content is normalised and stored
    as editors' saves store it (clean body, photo captions written into the
    body, tags as spelt), with its event, revision and indexes. With no
    `authors` given, a staff reporter's byline, as the publishing checklist
    asks of a story going live.
    """
    n = next(_counter)
    if authors is None:
        authors = [staff_reporter()]
    unknown = set(content) - CONTENT_FIELDS
    if unknown:
        raise TypeError(f"make_article() cannot set {', '.join(sorted(unknown))}")
    fields = {
        "headline": f"Headline {n}",
        "slug": f"headline-{n}",
        "standfirst": f"Standfirst {n}.",
        "body": f"<p>Body {n}.</p>",
        **content,
    }
    if publish_at is _UNSET:
        publish_at = (
            timezone.now() - timedelta(hours=n)
            if status in Article.LIVE_STATUSES or status in EVER_PUBLISHED
            else None
        )
    article_content = ArticleContent(
        **fields,
        section=(section or make_section()).pk,
        hero_photo=hero_photo.pk if hero_photo else None,
        tags=[getattr(tag, "name", tag) for tag in tags],
        authors=[author.pk for author in authors],
        follows=follows.pk if follows else None,
    )
    if created_by is not None:
        article = workflow.create(article_content, by=created_by)
        if not (publish_at or embargo_until):
            if status == Article.Status.IN_REVIEW:
                workflow.submit(article, by=created_by)
            if status in {Article.Status.DRAFT, Article.Status.IN_REVIEW}:
                status = None
    if status is not None:
        # Over the writer's draft, if any: its slug names it.
        article = workflow.import_article(
            article_content,
            status=status,
            publish_at=publish_at,
            allow_rule_breaks=True,
            embargo_until=embargo_until,
            takedown_reason="Taken down in a test."
            if status == Article.Status.TAKEN_DOWN
            else "",
        ).article
    # The workflow stamps these with the moment of the change; tests of what
    # is shown or sorted by them need other moments, set here below it.
    stamps = {
        name: value
        for name, value in {
            "first_published_at": first_published_at,
            "updated_at": updated_at,
        }.items()
        if value is not None
    }
    if stamps:
        Article.objects.filter(pk=article.pk).update(**stamps)
    return Article.objects.select_related("section").get(pk=article.pk)


def staff_reporter() -> Author:
    author, _ = Author.objects.get_or_create(
        slug="staff-reporter", defaults={"name": "Staff Reporter"}
    )
    return author


def make_user(username=None, **over):
    username = username or f"user{next(_counter)}"
    return get_user_model().objects.create_user(
        username=username, password="correct horse battery", **over
    )


def make_role_user(role: str, username=None, **over):
    """A user whose only rights come from the named role (Writer, Editor, Admin)."""
    from django.contrib.auth.models import Group

    user = make_user(username, **over)
    user.groups.add(Group.objects.get(name=role))
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


def change_form_data(article, **changes) -> dict:
    """What the admin change form posts for `article`, with `changes` applied."""
    article.refresh_from_db()
    bylines = list(article.bylines.all())
    links = list(article.related_links.all())
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "section": article.section_id,
        "standfirst": article.standfirst,
        "body": article.body,
        "hero_photo": article.hero_photo_id or "",
        "hero_caption": article.hero_caption,
        "hero_alt_text": article.hero_alt_text,
        "tags": [t.name for t in article.tags.all()],
        "seo_title": article.seo_title,
        "seo_description": article.seo_description,
        "follows": article.follows_id or "",
        "loaded_version": article.version,
        "bylines-TOTAL_FORMS": len(bylines),
        "bylines-INITIAL_FORMS": len(bylines),
        "related_links-TOTAL_FORMS": len(links),
        "related_links-INITIAL_FORMS": len(links),
    }
    for i, byline in enumerate(bylines):
        data |= {
            f"bylines-{i}-id": byline.pk,
            f"bylines-{i}-article": article.pk,
            f"bylines-{i}-author": byline.author_id,
            f"bylines-{i}-position": byline.position,
        }
    for i, link in enumerate(links):
        data |= {
            f"related_links-{i}-id": link.pk,
            f"related_links-{i}-from_article": article.pk,
            f"related_links-{i}-to_article": link.to_article_id,
            f"related_links-{i}-position": link.position,
        }
    return {**data, **changes}
