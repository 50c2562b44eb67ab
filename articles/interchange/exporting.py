"""Writing every article to an interchange file."""

import json
import shutil
from datetime import UTC
from pathlib import Path
from typing import Any

from articles.interchange.reading import (
    CREDIT_PARTS,
    FORMAT,
    VERSION,
    Progress,
    no_progress,
)
from articles.models import (
    Article,
    Photo,
)

BATCH = 500


def export_articles(path: Path, progress: Progress | None = None) -> int:
    """Write every article to `path`, with hero photos copied to `photos/` beside it.

    Streamed: articles are read in batches and written one by one, so memory
    stays flat however large the archive; each picture is copied once.
    """
    path = Path(path)
    photo_dir = path.parent / "photos"
    articles = (
        Article.objects.select_related(
            "section", "hero_photo", "hero_photo__credit", "follows"
        )
        .prefetch_related(
            "bylines__author",
            "tags",
            "related_links__to_article",
            "corrections",
            "live_updates__authors",
            "live_updates__corrections",
        )
        .order_by("slug")
    )
    advance = (progress or no_progress)("Exporting", articles.count())
    copied: dict[int, str] = {}
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(f'{{"format": "{FORMAT}", "version": {VERSION}, "articles": [\n')
        for article in articles.iterator(chunk_size=BATCH):
            item = _export_article(article, photo_dir, copied)
            out.write(("" if count == 0 else ",\n") + _indented(item))
            count += 1
            advance(1)
        out.write("\n]}\n")
    return count


def _indented(item: dict) -> str:
    text = json.dumps(item, indent=2, ensure_ascii=False)
    return "\n".join(f"  {line}" for line in text.splitlines())


def _export_article(article: Article, photo_dir: Path, copied: dict) -> dict:
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
            "file": copied.get(photo.pk)
            or _export_photo_file(photo, photo_dir, copied),
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
    if article.follows_id:
        item["follows"] = article.follows.slug
    if article.seo_title:
        item["seo_title"] = article.seo_title
    if article.seo_description:
        item["seo_description"] = article.seo_description
    item["corrections"] = _corrections(
        c for c in article.corrections.all() if c.live_update_id is None
    )
    if article.coverage_start_at:
        item["live_coverage"] = _live_coverage(article)
    return item


def _corrections(corrections) -> list[dict]:
    ordered = sorted(corrections, key=lambda c: (c.published_at, c.pk))
    return [_correction(correction) for correction in ordered]


def _live_coverage(article: Article) -> dict:
    updates = sorted(article.live_updates.all(), key=lambda u: (u.published_at, u.pk))
    return {
        "started_at": _moment(article.coverage_start_at),
        "ended_at": _moment(article.coverage_end_at),
        "updates": [
            {
                "published_at": _moment(update.published_at),
                "headline": update.headline,
                "body_html": update.body,
                "authors": sorted(author.name for author in update.authors.all()),
                "is_key_event": update.is_key_event,
                "is_pinned": update.is_pinned,
                "status": update.status,
                "corrections": _corrections(update.corrections.all()),
            }
            for update in updates
        ],
    }


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


def _export_photo_file(photo: Photo, photo_dir: Path, copied: dict) -> str:
    # Named by content, so exports of the same pictures from any database agree.
    name = f"{photo.sha256[:16]}{Path(photo.image.name).suffix.lower()}"
    photo_dir.mkdir(parents=True, exist_ok=True)
    with photo.image.open("rb") as source, (photo_dir / name).open("wb") as target:
        shutil.copyfileobj(source, target)
    copied[photo.pk] = f"photos/{name}"
    return copied[photo.pk]
