"""Plain factory functions with keyword defaults, for readable tests."""

import io
import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles import related
from articles.models import Article, Author, Byline, Photo, PhotoCredit, Section

_counter = itertools.count(1)


def jpeg_bytes(width=64, height=36, color=(40, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


def make_section(**over) -> Section:
    n = next(_counter)
    fields = {"name": f"Section {n}", "slug": f"section-{n}", **over}
    return Section.objects.create(**fields)


def make_author(**over) -> Author:
    n = next(_counter)
    fields = {"name": f"Reporter {n}", "slug": f"reporter-{n}", **over}
    return Author.objects.create(**fields)


def make_photo(credit=None, **over) -> Photo:
    n = next(_counter)
    color = (n * 37 % 256, n * 91 % 256, n * 53 % 256)
    fields = {
        "image": SimpleUploadedFile(f"photo-{n}.jpg", jpeg_bytes(color=color)),
        "alt_text": f"Picture {n}",
        "caption": f"Caption {n}",
        "credit": credit,
        **over,
    }
    return Photo.objects.create(**fields)


def make_credit(**parts) -> PhotoCredit:
    return PhotoCredit.objects.create(**parts)


def make_article(*, tags=(), authors=(), **over) -> Article:
    n = next(_counter)
    fields = {
        "headline": f"Headline {n}",
        "slug": f"headline-{n}",
        "standfirst": f"Standfirst {n}.",
        "body": f"<p>Body {n}.</p>",
        "status": Article.Status.PUBLISHED,
        "publish_at": timezone.now() - timedelta(hours=n),
        **over,
    }
    if "section" not in fields:
        fields["section"] = make_section()
    article = Article.objects.create(**fields)
    for position, author in enumerate(authors):
        Byline.objects.create(article=article, author=author, position=position)
    if tags:
        article.tags.add(*tags)
    related.refresh_for(article)
    return article


def make_user(username=None, **over):
    username = username or f"user{next(_counter)}"
    return get_user_model().objects.create_user(
        username=username, password="correct horse battery", **over
    )
