"""JSON import and export of articles (format documented in docs/interchange.md).

Import is idempotent by slug and all-or-nothing per file: every article is
checked before anything is written, each is written through the workflow
(`workflow.import_article`, so the publishing rules apply and the import is
recorded), and a failure while writing rolls the database back and removes the
files it stored.
"""

import json
import shutil
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.text import slugify

from articles import workflow
from articles.models import (
    Article,
    Author,
    Photo,
    PhotoCredit,
    Section,
    validate_section_slug,
)
from articles.photos.renditions import update_renditions
from articles.photos.storage import attach_image
from articles.photos.validation import prepare_image
from articles.workflow import ArticleContent

FORMAT = "newsroom-articles"
VERSION = 1
STATUSES = {choice.value for choice in Article.Status}
CREDIT_PARTS = ("photographer", "agency", "distributor")


class InterchangeError(Exception):
    """A file that cannot be imported; `errors` name each article and field at fault."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    # What an editor should know: credits that differ from the library's, live
    # stories let in although they break the publishing rules.
    notes: list[str] = field(default_factory=list)


@dataclass
class PhotoData:
    path: Path
    caption: str
    alt_text: str
    credit: dict[str, str]
    # Optional fields: None when the file leaves them out, keeping what the
    # photo library already says.
    copyright_holder: str | None = None
    licence_terms: str | None = None
    licence_expires_on: date | None = None
    has_licence_expiry: bool = False


@dataclass
class ArticleData:
    slug: str
    headline: str
    standfirst: str
    section: str
    authors: list[str]
    published_at: datetime | None
    status: str
    body_html: str
    hero_photo: PhotoData | None
    tags: list[str]
    related: list[str]
    seo_title: str
    seo_description: str


class _Checker:
    """Reads one article's raw dict, collecting every problem instead of stopping."""

    def __init__(self, raw: dict, where: str, errors: list[str]):
        self.raw, self.where, self.errors = raw, where, errors

    def fail(self, name: str, message: str) -> None:
        self.errors.append(f"{self.where}: field '{name}': {message}")

    def text(self, name: str, *, required=False, max_length=None, default="") -> str:
        value = self.raw.get(name, default)
        if value is None and not required:
            value = default
        if not isinstance(value, str):
            self.fail(name, "must be a string")
            return default
        value = value.strip()
        if required and not value:
            self.fail(name, "is required")
        if max_length and len(value) > max_length:
            self.fail(name, f"is longer than {max_length} characters")
        return value

    def names(self, name: str, *, max_length: int) -> list[str]:
        value = self.raw.get(name) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(name, "must be a list of strings")
            return []
        names = [v.strip() for v in value if v.strip()]
        for item in names:
            if len(item) > max_length:
                self.fail(
                    name, f"'{item[:30]}…' is longer than {max_length} characters"
                )
        return list(dict.fromkeys(names))


def _parse_datetime(checker: _Checker, status: str) -> datetime | None:
    value = checker.raw.get("published_at")
    if value is None:
        if status in Article.LIVE_STATUSES:
            checker.fail("published_at", f"is required for status '{status}'")
        return None
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        checker.fail(
            "published_at",
            f"{value!r} is not an ISO 8601 date-time with a UTC offset "
            "(like 2026-03-26T08:30:00+00:00)",
        )
        return None
    return parsed


def _parse_photo(checker: _Checker, base_dir: Path) -> PhotoData | None:
    raw = checker.raw.get("hero_photo")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        checker.fail("hero_photo", "must be an object")
        return None
    sub = _Checker(raw, checker.where, checker.errors)
    file_name = sub.text("file", required=True)
    caption = sub.text("caption")
    alt_text = sub.text("alt_text", max_length=250)
    credit_raw = raw.get("credit") or {}
    credit: dict[str, str] = {}
    if not isinstance(credit_raw, dict):
        checker.fail("hero_photo.credit", "must be an object")
    else:
        credit_checker = _Checker(credit_raw, checker.where, checker.errors)
        credit = {
            part: credit_checker.text(part, max_length=120) for part in CREDIT_PARTS
        }
    copyright_holder = (
        sub.text("copyright_holder", max_length=120)
        if "copyright_holder" in raw
        else None
    )
    licence_terms = sub.text("licence_terms") if "licence_terms" in raw else None
    licence_expires_on = None
    expires = raw.get("licence_expires_on")
    if expires is not None:
        try:
            licence_expires_on = date.fromisoformat(expires)
        except (TypeError, ValueError):
            checker.fail(
                "hero_photo.licence_expires_on",
                f"{expires!r} is not a date like 2026-12-31",
            )
    if not file_name:
        return None
    path = (base_dir / file_name).resolve()
    if not path.is_file():
        checker.fail("hero_photo.file", f"'{file_name}' does not exist")
        return None
    try:
        # The same checks as an upload in the admin; the result is not kept, so
        # that a large file does not hold every picture in memory at once.
        prepare_image(path, path.name)
    except ValidationError as error:
        checker.fail("hero_photo.file", f"'{file_name}' was refused: {error.message}")
        return None
    return PhotoData(
        path,
        caption,
        alt_text,
        credit,
        copyright_holder=copyright_holder,
        licence_terms=licence_terms,
        licence_expires_on=licence_expires_on,
        has_licence_expiry="licence_expires_on" in raw,
    )


def parse_article(raw: Any, index: int, base_dir: Path, errors: list[str]):
    slug_hint = raw.get("slug") if isinstance(raw, dict) else None
    where = f"article {index + 1}" + (f" ({slug_hint!r})" if slug_hint else "")
    if not isinstance(raw, dict):
        errors.append(f"{where}: must be an object")
        return None
    check = _Checker(raw, where, errors)
    slug = check.text("slug", required=True, max_length=200)
    if slug:
        try:
            validate_slug(slug)
        except ValidationError:
            check.fail(
                "slug", "may contain only letters, numbers, hyphens, underscores"
            )
    status = check.text("status", required=True)
    if status and status not in STATUSES:
        check.fail("status", f"'{status}' is not one of {', '.join(sorted(STATUSES))}")
    section = check.text("section", required=True, max_length=80)
    if section:
        try:
            validate_section_slug(slugify(section))
        except ValidationError as error:
            check.fail("section", error.messages[0])
    return ArticleData(
        slug=slug,
        headline=check.text("headline", required=True, max_length=200),
        standfirst=check.text("standfirst"),
        section=section,
        authors=check.names("authors", max_length=120),
        published_at=_parse_datetime(check, status),
        status=status,
        body_html=check.text("body_html"),
        hero_photo=_parse_photo(check, base_dir),
        tags=check.names("tags", max_length=100),
        related=check.names("related", max_length=200),
        seo_title=check.text("seo_title", max_length=70),
        seo_description=check.text("seo_description", max_length=160),
    )


def read_file(path: Path) -> list[ArticleData]:
    """Parse and check a whole file; raise InterchangeError listing every problem."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InterchangeError([f"{path}: no such file"]) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InterchangeError([f"{path}: not valid JSON ({error})"]) from None
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
        raise InterchangeError([f"{path}: expected an object with an 'articles' list"])
    if data.get("format", FORMAT) != FORMAT or data.get("version", VERSION) != VERSION:
        raise InterchangeError(
            [f"{path}: expected format '{FORMAT}' version {VERSION}"]
        )
    errors: list[str] = []
    base_dir = Path(path).resolve().parent
    articles = [
        parse_article(raw, index, base_dir, errors)
        for index, raw in enumerate(data["articles"])
    ]
    seen: set[str] = set()
    for index, article in enumerate(articles):
        if article and article.slug in seen:
            errors.append(
                f"article {index + 1} ({article.slug!r}): field 'slug': "
                "appears more than once in the file"
            )
        if article:
            seen.add(article.slug)
    wanted = {slug for a in articles if a for slug in a.related} - seen
    known = set(Article.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    for index, article in enumerate(articles):
        for slug in article.related if article else []:
            if slug == article.slug:
                errors.append(
                    f"article {index + 1} ({article.slug!r}): field 'related': "
                    "an article cannot be related to itself"
                )
            elif slug not in seen and slug not in known:
                errors.append(
                    f"article {index + 1} ({article.slug!r}): field 'related': "
                    f"no article with slug '{slug}' in the file or the database"
                )
    if errors:
        raise InterchangeError(errors)
    return articles


def import_articles(path: Path, *, allow_rule_breaks: bool = False) -> ImportResult:
    """Import a whole file through the workflow, all or nothing.

    `allow_rule_breaks` lets in live stories that break the publishing rules
    (an archive's photos without alt text), each recorded as work for editors.
    """
    articles = read_file(path)
    stored: list[str] = []
    try:
        with transaction.atomic():
            return _write(articles, stored, allow_rule_breaks=allow_rule_breaks)
    except BaseException:
        for name in stored:
            Photo.image.field.storage.delete(name)
        raise


def _write(
    articles: list[ArticleData], stored: list[str], *, allow_rule_breaks: bool
) -> ImportResult:
    result = ImportResult()
    photos = _PhotoImporter(stored, result)
    saved: dict[str, Article] = {}
    for index, data in enumerate(articles):
        where = f"article {index + 1} ({data.slug!r})"
        hero = photos.get(data.hero_photo, data.slug) if data.hero_photo else None
        content = ArticleContent(
            headline=data.headline,
            slug=data.slug,
            section=_section(data.section).pk,
            standfirst=data.standfirst,
            body=data.body_html,
            hero_photo=hero.pk if hero else None,
            hero_caption=data.hero_photo.caption if hero else "",
            hero_alt_text=data.hero_photo.alt_text if hero else "",
            seo_title=data.seo_title,
            seo_description=data.seo_description,
            tags=data.tags,
            authors=[_author(name).pk for name in data.authors],
            related=list(
                Article.objects.filter(slug__in=data.related).values_list(
                    "pk", flat=True
                )
            ),
        )
        try:
            imported = workflow.import_article(
                content,
                status=data.status,
                publish_at=data.published_at,
                allow_rule_breaks=allow_rule_breaks,
            )
        except ValidationError as error:
            raise InterchangeError(
                [f"{where}: {message}" for message in error.messages]
            ) from None
        for problem in imported.rule_breaks:
            result.notes.append(
                f"{where}: let in although {problem[0].lower()}{problem[1:]}"
            )
        saved[data.slug] = imported.article
        (result.created if imported.created else result.updated).append(data.slug)
    for data in articles:
        by_slug = {
            **saved,
            **{a.slug: a for a in Article.objects.filter(slug__in=data.related)},
        }
        workflow.import_links(
            saved[data.slug], [by_slug[slug].pk for slug in data.related]
        )
    return result


def _section(name: str) -> Section:
    section = Section.objects.filter(slug=slugify(name)).first()
    if section is None:
        # New sections join the navigation after the existing ones.
        last = Section.objects.order_by("-position").first()
        section = Section.objects.create(
            name=name, slug=slugify(name), position=last.position + 1 if last else 0
        )
    return section


def _author(name: str) -> Author:
    author, _ = Author.objects.get_or_create(
        slug=slugify(name), defaults={"name": name}
    )
    return author


class _PhotoImporter:
    """Each picture of a file stored, and its renditions made, once.

    A picture the library has keeps its caption, alt text and credit: those of
    the file go to the story (caption, alt text), and a different credit is
    reported rather than re-crediting every story that uses the picture.
    """

    def __init__(self, stored: list[str], result: ImportResult):
        self.stored, self.result = stored, result
        self.by_path: dict[Path, Photo] = {}

    def get(self, data: PhotoData, slug: str) -> Photo:
        photo = self.by_path.get(data.path)
        if photo is None:
            photo = self.by_path[data.path] = self._store(data)
        credit = PhotoCredit.objects.for_parts(
            **{part: data.credit.get(part, "") for part in CREDIT_PARTS}
        )
        if credit is not None and credit != photo.credit:
            held = photo.credit_line or "no credit"
            self.result.notes.append(
                f"article {slug!r}: its photo {data.path.name} comes credited "
                f"“{credit.line}”, but the library credits it “{held}”; the "
                "library's credit was kept (change it on the photo's page)"
            )
        return photo

    def _store(self, data: PhotoData) -> Photo:
        prepared = prepare_image(data.path, data.path.name)
        photo = Photo.objects.filter(sha256=prepared.sha256).first()
        if photo is None:
            photo = Photo(caption=data.caption, alt_text=data.alt_text)
            self.stored.append(attach_image(photo, prepared))
            photo.credit = PhotoCredit.objects.for_parts(
                **{part: data.credit.get(part, "") for part in CREDIT_PARTS}
            )
        if data.copyright_holder is not None:
            photo.copyright_holder = data.copyright_holder
        if data.licence_terms is not None:
            photo.licence_terms = data.licence_terms
        if data.has_licence_expiry:
            photo.licence_expires_on = data.licence_expires_on
        photo.save()
        self.stored.extend(update_renditions(photo))
        return photo


def export_articles(path: Path) -> int:
    """Write every article to `path`, with hero photos copied to `photos/` beside it."""
    path = Path(path)
    photo_dir = path.parent / "photos"
    articles = (
        Article.objects.select_related("section", "hero_photo", "hero_photo__credit")
        .prefetch_related("bylines__author", "tags", "related_links__to_article")
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
        "published_at": (
            article.publish_at.astimezone(UTC).isoformat()
            if article.publish_at
            else None
        ),
        "status": article.status,
        "body_html": article.body,
    }
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
    return item


def _export_photo_file(photo: Photo, photo_dir: Path) -> str:
    # Named by content, so exports of the same pictures from any database agree.
    name = f"{photo.sha256[:16]}{Path(photo.image.name).suffix.lower()}"
    photo_dir.mkdir(parents=True, exist_ok=True)
    with photo.image.open("rb") as source, (photo_dir / name).open("wb") as target:
        shutil.copyfileobj(source, target)
    return f"photos/{name}"
