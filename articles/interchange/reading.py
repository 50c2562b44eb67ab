"""Reading an interchange file: every article checked before anything is written."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils import timezone
from django.utils.text import slugify

from articles.models import (
    Article,
    Correction,
    LiveUpdate,
    validate_section_slug,
)
from articles.photos.validation import prepare_image
from articles.workflow.importing import CORRECTABLE

FORMAT = "newsroom-articles"
VERSION = 1
STATUSES = {choice.value for choice in Article.Status}
CREDIT_PARTS = ("photographer", "agency", "distributor")
CORRECTION_KINDS = {choice.value for choice in Correction.Kind}
UPDATE_STATUSES = {choice.value for choice in LiveUpdate.Status}


# Told a stage's name and how many stories it has, returns what to call with
# the number of stories done since the last call (a progress bar's update).
Progress = Callable[[str, int], Callable[[int], None]]


def no_progress(stage: str, total: int) -> Callable[[int], None]:
    return lambda done: None


class InterchangeError(Exception):
    """A file that cannot be imported; `errors` name each article and field at fault."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


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
class CorrectionData:
    kind: str
    text: str
    published_at: datetime
    withdrawn_at: datetime | None = None
    withdrawal_reason: str = ""


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
    embargo_until: datetime | None = None
    corrections: list[CorrectionData] = field(default_factory=list)
    takedown_reason: str = ""
    # The slug of the earlier story this one follows up.
    follows: str | None = None
    live_coverage: "LiveCoverageData | None" = None


@dataclass
class LiveUpdateData:
    published_at: datetime
    body_html: str
    headline: str = ""
    authors: list[str] = field(default_factory=list)
    is_key_event: bool = False
    is_pinned: bool = False
    status: str = LiveUpdate.Status.PUBLISHED
    photo: PhotoData | None = None
    corrections: list[CorrectionData] = field(default_factory=list)


@dataclass
class LiveCoverageData:
    started_at: datetime
    ended_at: datetime | None
    updates: list[LiveUpdateData]


class _Checker:
    """Reads one article's raw dict, collecting every problem instead of stopping."""

    def __init__(self, raw: dict, where: str, errors: list[str], prefix: str = ""):
        self.raw, self.where, self.errors = raw, where, errors
        self.prefix = prefix  # where in the article the raw dict is

    def fail(self, name: str, message: str) -> None:
        self.errors.append(f"{self.where}: field '{self.prefix}{name}': {message}")

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
    if checker.raw.get("published_at") is None:
        if status in Article.LIVE_STATUSES:
            checker.fail("published_at", f"is required for status '{status}'")
        return None
    return _moment(checker, "published_at")


def _moment(checker: _Checker, name: str, label: str = "") -> datetime | None:
    """An ISO 8601 date-time with its UTC offset, or None (and a fault)."""
    value = checker.raw.get(name)
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        checker.fail(
            label or name,
            f"{value!r} is not an ISO 8601 date-time with a UTC offset "
            "(like 2026-03-26T08:30:00+00:00)",
        )
        return None
    return parsed


class _PictureChecks:
    """Each picture file of an interchange file checked once, however many
    stories use it: the reason it was refused, or None."""

    def __init__(self):
        self.refused: dict[Path, str | None] = {}

    def problem(self, path: Path) -> str | None:
        if path not in self.refused:
            try:
                # The same checks as an upload in the admin; the result is not
                # kept, so that a large file does not hold every picture in
                # memory at once.
                prepare_image(path, path.name)
                self.refused[path] = None
            except ValidationError as error:
                self.refused[path] = error.message
        return self.refused[path]


def _parse_corrections(
    checker: _Checker, status: str, prefix: str = ""
) -> list[CorrectionData]:
    raw = checker.raw.get("corrections")
    if not raw:
        return []
    if not isinstance(raw, list):
        checker.fail(f"{prefix}corrections", "must be a list")
        return []
    if status and status not in CORRECTABLE:
        checker.fail(
            f"{prefix}corrections",
            f"an article with status '{status}' has never been read, so it cannot "
            "carry corrections (only published, unpublished or taken_down ones can)",
        )
        return []
    found = []
    for number, item in enumerate(raw, start=1):
        where = f"{prefix}corrections[{number}]"
        if not isinstance(item, dict):
            checker.fail(where, "must be an object")
            continue
        sub = _Checker(item, checker.where, checker.errors, f"{prefix}{where}.")
        kind = item.get("kind")
        if kind not in CORRECTION_KINDS:
            checker.fail(
                f"{where}.kind", f"{kind!r} is not correction or clarification"
            )
        text = sub.text("text", required=True)
        published_at = _moment(sub, "published_at")
        withdrawn_at = None
        if item.get("withdrawn_at") is not None:
            withdrawn_at = _moment(sub, "withdrawn_at")
        reason = sub.text("withdrawal_reason")
        if withdrawn_at and not reason:
            checker.fail(
                f"{where}.withdrawal_reason", "is required when withdrawn_at is set"
            )
        if kind in CORRECTION_KINDS and text and published_at:
            found.append(CorrectionData(kind, text, published_at, withdrawn_at, reason))
    return found


def _parse_live_coverage(
    checker: _Checker, status: str, base_dir: Path, pictures: _PictureChecks
) -> LiveCoverageData | None:
    raw = checker.raw.get("live_coverage")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        checker.fail("live_coverage", "must be an object")
        return None
    sub = _Checker(raw, checker.where, checker.errors)
    if raw.get("started_at") is None:
        checker.fail("live_coverage.started_at", "is required")
        started_at = None
    else:
        started_at = _moment(sub, "started_at", "live_coverage.started_at")
    ended_at = None
    if raw.get("ended_at") is not None:
        ended_at = _moment(sub, "ended_at", "live_coverage.ended_at")
        if started_at and ended_at and ended_at < started_at:
            checker.fail("live_coverage.ended_at", "is before started_at")
    # Coverage starts and ends as it happens; a time to come would need the
    # page cache to turn over then.
    now = timezone.now()
    for name, moment in (("started_at", started_at), ("ended_at", ended_at)):
        if moment and moment > now:
            checker.fail(f"live_coverage.{name}", "is in the future")
    items = raw.get("updates") or []
    if not isinstance(items, list):
        checker.fail("live_coverage.updates", "must be a list")
        items = []
    updates = []
    for number, item in enumerate(items, start=1):
        where = f"live_coverage.updates[{number}]"
        if not isinstance(item, dict):
            checker.fail(where, "must be an object")
            continue
        update = _parse_update(
            _Checker(item, checker.where, checker.errors, f"{where}."),
            started_at,
            base_dir,
            pictures,
        )
        if update:
            updates.append(update)
    if sum(update.is_pinned for update in updates) > 1:
        checker.fail("live_coverage.updates", "only one update can be pinned")
    if started_at is None:
        return None
    return LiveCoverageData(started_at, ended_at, updates)


def _parse_update(
    check: _Checker,
    started_at: datetime | None,
    base_dir: Path,
    pictures: _PictureChecks,
) -> LiveUpdateData | None:
    raw = check.raw
    if raw.get("published_at") is None:
        check.fail("published_at", "is required")
        published_at = None
    else:
        published_at = _moment(check, "published_at")
    if published_at and published_at > timezone.now():
        check.fail("published_at", "is in the future")
    if published_at and started_at and published_at < started_at:
        check.fail(
            "published_at",
            f"{raw['published_at']} is before the coverage started "
            f"({started_at.isoformat()})",
        )
    status = raw.get("status", LiveUpdate.Status.PUBLISHED)
    if status not in UPDATE_STATUSES:
        check.fail("status", f"{status!r} is not published or in_review")
    flags = {}
    for name in ("is_key_event", "is_pinned"):
        flags[name] = raw.get(name, False)
        if not isinstance(flags[name], bool):
            check.fail(name, "must be true or false")
    body_html = check.text("body_html")
    photo = _parse_photo(check, base_dir, pictures, "photo")
    if not body_html and photo is None:
        check.fail("body_html", "is required")
    headline = check.text("headline", max_length=200)
    authors = check.names("authors", max_length=120)
    corrections = _parse_corrections(
        check, Article.Status.PUBLISHED if status == "published" else ""
    )
    if published_at is None or status not in UPDATE_STATUSES:
        return None
    return LiveUpdateData(
        published_at=published_at,
        body_html=body_html,
        headline=headline,
        authors=authors,
        is_key_event=flags["is_key_event"] is True,
        is_pinned=flags["is_pinned"] is True,
        status=status,
        photo=photo,
        corrections=corrections,
    )


def _parse_takedown(checker: _Checker, status: str) -> str:
    reason = checker.text("takedown_reason")
    if status == Article.Status.TAKEN_DOWN and not reason:
        checker.fail("takedown_reason", "is required for status 'taken_down'")
    elif reason and status != Article.Status.TAKEN_DOWN:
        checker.fail("takedown_reason", "is only for status 'taken_down'")
    return reason


def _parse_photo(
    checker: _Checker,
    base_dir: Path,
    pictures: _PictureChecks,
    name: str = "hero_photo",
) -> PhotoData | None:
    label = name
    raw = checker.raw.get(name)
    if raw is None:
        return None
    if not isinstance(raw, dict):
        checker.fail(label, "must be an object")
        return None
    sub = _Checker(raw, checker.where, checker.errors)
    file_name = sub.text("file", required=True)
    caption = sub.text("caption")
    alt_text = sub.text("alt_text", max_length=250)
    credit_raw = raw.get("credit") or {}
    credit: dict[str, str] = {}
    if not isinstance(credit_raw, dict):
        checker.fail(f"{label}.credit", "must be an object")
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
                f"{label}.licence_expires_on",
                f"{expires!r} is not a date like 2026-12-31",
            )
    if not file_name:
        return None
    path = _photo_path(base_dir, file_name)
    if path is None:
        checker.fail(
            f"{label}.file",
            f"'{file_name[:120]}' must name a file in the import file's folder",
        )
        return None
    if not path.is_file():
        checker.fail(f"{label}.file", f"'{file_name}' does not exist")
        return None
    if problem := pictures.problem(path):
        checker.fail(f"{label}.file", f"'{file_name}' was refused: {problem}")
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


def _photo_path(base_dir: Path, file_name: str) -> Path | None:
    """The photo file, if the name stays inside the import folder and is usable."""
    if "\x00" in file_name:
        return None
    try:
        path = (base_dir / file_name).resolve()
        path.is_file()  # a name too long for the file system raises here
    except (OSError, ValueError):
        return None
    return path if path.is_relative_to(base_dir.resolve()) else None


def parse_article(
    raw: Any, index: int, base_dir: Path, errors: list[str], pictures: _PictureChecks
):
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
        hero_photo=_parse_photo(check, base_dir, pictures),
        tags=check.names("tags", max_length=100),
        related=check.names("related", max_length=200),
        seo_title=check.text("seo_title", max_length=70),
        seo_description=check.text("seo_description", max_length=160),
        embargo_until=(
            _moment(check, "embargo_until")
            if raw.get("embargo_until") is not None
            else None
        ),
        corrections=_parse_corrections(check, status),
        takedown_reason=_parse_takedown(check, status),
        follows=check.text("follows", max_length=200) or None,
        live_coverage=_parse_live_coverage(check, status, base_dir, pictures),
    )


def read_file(path: Path, progress: Progress | None = None) -> list[ArticleData]:
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
    pictures = _PictureChecks()
    advance = (progress or no_progress)("Checking", len(data["articles"]))
    articles = []
    for index, raw in enumerate(data["articles"]):
        articles.append(parse_article(raw, index, base_dir, errors, pictures))
        advance(1)
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
    errors += _follows_problems(articles, seen)
    if errors:
        raise InterchangeError(errors)
    return articles


def _follows_problems(articles: list[ArticleData | None], seen: set[str]) -> list[str]:
    """What is wrong with the stories the file's follow-ups name: each must be
    another story, in the file or the database, and no chain may loop."""
    wanted = {a.follows for a in articles if a and a.follows} - seen
    stored = dict(
        Article.objects.filter(slug__in=wanted).values_list("slug", "follows__slug")
    )
    follows = {a.slug: a.follows for a in articles if a}
    problems = []
    for index, article in enumerate(articles):
        if not (article and article.follows):
            continue
        where = f"article {index + 1} ({article.slug!r}): field 'follows'"
        if article.follows == article.slug:
            problems.append(f"{where}: an article cannot follow itself")
        elif article.follows not in seen and article.follows not in stored:
            problems.append(
                f"{where}: no article with slug '{article.follows}' in the file "
                "or the database"
            )
        elif _loops(article.slug, follows, stored):
            problems.append(
                f"{where}: '{article.follows}' follows this article already; a "
                "chain of follow-ups cannot loop"
            )
    return problems


def _loops(slug: str, in_file: dict, stored: dict) -> bool:
    """Whether walking back from `slug` along `follows` comes back to it (the
    file's links first; a story the file leaves out as it is stored). A loop
    further into the database is refused when the story is written."""
    earlier, steps = in_file.get(slug), 0
    while earlier and steps < 1000:
        if earlier == slug:
            return True
        if earlier in in_file:
            earlier = in_file[earlier]
        elif earlier in stored:
            earlier = stored[earlier]
        else:
            return False
        steps += 1
    return False
