"""Writing every article to an interchange file."""

import json
import shutil
from datetime import UTC
from pathlib import Path
from typing import Any

from articles.interchange.reading import CREDIT_PARTS, FORMAT, VERSION
from articles.models import (
    Article,
    Photo,
)


def export_articles(path: Path) -> int:
    """Write every article to `path`, with hero photos copied to `photos/` beside it."""
    path = Path(path)
    photo_dir = path.parent / "photos"
    articles = (
        Article.objects.select_related("section", "hero_photo", "hero_photo__credit")
        .prefetch_related(
            "bylines__author", "tags", "related_links__to_article", "corrections"
        )
        .order_by("slug")
    )
    items = [_export_article(article, photo_dir) for article in articles]
    document = {"format": FORMAT, "version": VERSION, "articles": items}
    path.write_text(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return len(items)


def _export_article(article: Article, photo_dir: Path) -> dict:
    item: dict[str, Any] = {
        "slug": article.slug,
        "headline": article.headline,
        "standfirst": article.standfirst,
        "section": article.section.name,
        "authors": [author.name for author in article.byline_authors],
        "published_at": _moment(article.publish_at),
        "status": article.status,
        "body_html": article.body,
        "embargo_until": _moment(article.embargo_until),
    }
    if article.is_taken_down:
        item["takedown_reason"] = article.takedown_reason
    photo = article.hero_photo
    if photo:
        item["hero_photo"] = {
            "file": _export_photo_file(photo, photo_dir),
            "caption": article.hero_photo_caption,
            "alt_text": article.hero_photo_alt_text,
            "credit": {
                part: getattr(photo.credit, part) if photo.credit else ""
                for part in CREDIT_PARTS
            },
        }
        if photo.copyright_holder:
            item["hero_photo"]["copyright_holder"] = photo.copyright_holder
        if photo.licence_terms:
            item["hero_photo"]["licence_terms"] = photo.licence_terms
        if photo.licence_expires_on:
            item["hero_photo"]["licence_expires_on"] = (
                photo.licence_expires_on.isoformat()
            )
    item["tags"] = [tag.name for tag in article.sorted_tags]
    item["related"] = [link.to_article.slug for link in article.related_links.all()]
    if article.seo_title:
        item["seo_title"] = article.seo_title
    if article.seo_description:
        item["seo_description"] = article.seo_description
    item["corrections"] = [
        _correction(correction)
        for correction in sorted(
            article.corrections.all(), key=lambda c: (c.published_at, c.pk)
        )
    ]
    return item


def _correction(correction) -> dict:
    data = {
        "kind": correction.kind,
        "text": correction.text,
        "published_at": _moment(correction.published_at),
    }
    if correction.is_withdrawn:
        data["withdrawn_at"] = _moment(correction.withdrawn_at)
        data["withdrawal_reason"] = correction.withdrawal_reason
    return data


def _moment(moment) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def _export_photo_file(photo: Photo, photo_dir: Path) -> str:
    # Named by content, so exports of the same pictures from any database agree.
    name = f"{photo.sha256[:16]}{Path(photo.image.name).suffix.lower()}"
    photo_dir.mkdir(parents=True, exist_ok=True)
    with photo.image.open("rb") as source, (photo_dir / name).open("wb") as target:
        shutil.copyfileobj(source, target)
    return f"photos/{name}"
