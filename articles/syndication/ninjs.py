"""Articles as IPTC ninjs (News in JSON), versions 3.1 and 2.2.

`item(article, context)` is one article as a ninjs 3.1 object, built part by
part: each function in `PARTS` returns the properties it contributes, so a new
kind of content is one more part (lists two parts give, such as
`associations`, are joined in the order of `PARTS`). `in_version(item, "2.2")`
renames it for ninjs 2.2, whose properties are the same ideas in lower case.

Only what readers may see is ever built: callers pass live articles, or taken-down
ones, which become a withdrawal notice (`pubStatus: canceled`) carrying nothing
of the story. Photos are associations (`rel` `hero` or `inline`), each with its
renditions, credit parts and licence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.html import strip_tags

from articles.body import inline_photos, render_body
from articles.models import Article, LiveUpdate, Photo
from articles.photos.renditions import ENCODINGS
from articles.site.addresses import permanent_id

VERSIONS = ("3.1", "2.2")
LATEST = "3.1"
SCHEMAS = {
    version: f"http://www.iptc.org/std/ninjs/ninjs-schema_{version}.json"
    for version in VERSIONS
}
CONTENT_TYPES = {"jpeg": "image/jpeg", "webp": "image/webp"}


@dataclass
class Context:
    """What every part may need: full URLs (`absolute` makes one of a site
    path), and the library photos placed in the bodies being written, read
    once for a whole feed page."""

    absolute: Callable[[str], str]
    library: dict[int, Photo] = field(default_factory=dict)

    def permanent_id(self, article: Article) -> str:
        """The article's `tag:` URI, as its feeds' entries give it."""
        return permanent_id(article, urlsplit(self.absolute("/")).hostname)

    def read_photos(self, articles) -> None:
        bodies = [
            text
            for article in articles
            if not article.is_taken_down
            for text in [
                article.body,
                *(update.body for update in public_updates(article)),
            ]
        ]
        wanted = {use.photo_id for text in bodies for use in inline_photos(text)} - set(
            self.library
        )
        if wanted:
            self.library |= Photo.objects.select_related("credit").in_bulk(wanted)


def item(article: Article, context: Context) -> dict:
    """The article as a ninjs 3.1 object."""
    if article.is_taken_down:
        return withdrawal(article, context)
    context.read_photos([article])
    document: dict = {}
    for part in PARTS:
        for name, value in part(article, context).items():
            if isinstance(value, list) and name in document:
                document[name] = [*document[name], *value]
            else:
                document[name] = value
    return document


def in_version(document: dict, version: str) -> dict:
    """A ninjs 3.1 object as ninjs `version` would write it."""
    if version == LATEST:
        return document
    return _as_2_2(document)


# --- The parts of an item ----------------------------------------------------


def identity(article: Article, context: Context) -> dict:
    return {
        "uri": context.permanent_id(article),
        "type": "text",
        "representationType": "full",
        "version": str(article.version),
        "standard": {"name": "ninjs", "version": LATEST, "schema": SCHEMAS[LATEST]},
        "altIds": [
            {"role": "id", "value": str(article.pk)},
            {"role": "slug", "value": article.slug},
            {"role": "url", "value": context.absolute(article.get_absolute_url())},
        ],
        "language": language(),
        "copyrightHolder": settings.NEWSROOM_SITE_NAME,
    }


def status_and_dates(article: Article, context: Context) -> dict:
    found = {
        "pubStatus": "usable",
        "firstCreated": _time(article.first_published_at or article.publish_at),
        "versionCreated": _time(article.modified_at),
    }
    # Served only once the embargo has lifted: it then tells partners the
    # story was held until this time.
    if article.embargo_until is not None:
        found["embargoedUntil"] = _time(article.embargo_until)
    return found


def headlines(article: Article, context: Context) -> dict:
    lines = [{"role": "main", "contentType": "text/plain", "value": article.headline}]
    if article.standfirst:
        lines.append(
            {
                "role": "subheadline",
                "contentType": "text/plain",
                "value": article.standfirst,
            }
        )
    return {"headlines": lines}


def body(article: Article, context: Context) -> dict:
    html = with_absolute_addresses(
        str(render_body(article.body, context.library)), context.absolute
    )
    text = strip_tags(article.body)
    return {
        "bodies": [
            {
                "role": "main",
                "contentType": "text/html",
                "value": html,
                "charCount": len(text),
                "wordCount": len(text.split()),
            }
        ]
    }


def bylines(article: Article, context: Context) -> dict:
    authors = article.byline_authors
    if not authors:
        return {}
    names = [author.name for author in authors]
    return {
        "by": _joined(names),
        "people": [
            {
                "name": author.name,
                "rel": "author",
                "uri": context.absolute(author.get_absolute_url()),
                "literal": author.slug,
            }
            for author in authors
        ],
    }


def subjects(article: Article, context: Context) -> dict:
    section = article.section
    found = [
        {
            "name": section.name,
            "rel": "section",
            "uri": context.absolute(section.get_absolute_url()),
            "literal": section.slug,
        }
    ]
    found += [
        {
            "name": tag.name,
            "rel": "tag",
            "uri": context.absolute(f"/tags/{tag.slug}/"),
            "literal": tag.slug,
        }
        for tag in article.sorted_tags
    ]
    return {"subjects": found}


def corrections(article: Article, context: Context) -> dict:
    """Corrections and clarifications as readers see them, newest first; a
    withdrawn one stays, marked, as it does on the page."""
    found = []
    for correction in article.shown_corrections:
        kind = correction.get_kind_display()
        text = (
            f"{kind}, {correction.published_at:%Y-%m-%d %H:%M} UTC: {correction.text}"
        )
        role = correction.kind
        if correction.is_withdrawn:
            role = f"{correction.kind}-withdrawn"
            text += f" (Withdrawn {correction.withdrawn_at:%Y-%m-%d %H:%M} UTC"
            text += (
                f": {correction.withdrawal_reason})"
                if correction.withdrawal_reason
                else ")"
            )
        found.append({"role": role, "contentType": "text/plain", "value": text})
    return {"descriptions": found} if found else {}


def photos(article: Article, context: Context) -> dict:
    """The hero photo and every photo placed in the body, as readers see them."""
    found = []
    hero = article.public_hero_photo
    if hero is not None and (
        association := picture(
            hero,
            context,
            name="hero",
            caption=article.hero_photo_caption,
            alt_text=article.hero_photo_alt_text,
        )
    ):
        found.append(association)
    for position, use in enumerate(inline_photos(article.body), start=1):
        photo = context.library.get(use.photo_id)
        if photo is None or not photo.is_shown_to_readers:
            continue
        association = picture(
            photo,
            context,
            name=f"inline-{position}",
            caption=use.caption_for(photo),
            alt_text=use.alt_text_for(photo),
        )
        if association:
            found.append(association)
    return {"associations": found} if found else {}


def public_updates(article: Article) -> list[LiveUpdate]:
    """The live updates readers see, newest first (read with the feed's page
    where `_for_items` prefetched them)."""
    if not article.has_live_coverage:
        return []
    if getattr(article, "public_live_updates", None) is None:
        article.public_live_updates = list(article.live_updates.public().for_page())
    return article.public_live_updates


def live_updates(article: Article, context: Context) -> dict:
    """Each update of live coverage as an associated text item, newest first,
    named `update-<id>` (ninjs 2.2 keeps the name but not `rel`), with its own
    permalink on the article page; the coverage's times in `descriptions`."""
    if not article.has_live_coverage:
        return {}
    page = context.absolute(article.get_absolute_url())
    found = []
    for update in public_updates(article):
        association = {
            "name": f"update-{update.pk}",
            "rel": "liveUpdate",
            "uri": f"{page}#update-{update.pk}",
            "type": "text",
            "representationType": "full",
            "firstCreated": _time(update.published_at),
            "versionCreated": _time(update.edited_at or update.published_at),
            "bodies": [
                {
                    "role": "main",
                    "contentType": "text/html",
                    "value": with_absolute_addresses(
                        str(render_body(update.body, context.library)),
                        context.absolute,
                    ),
                }
            ],
        }
        if update.headline:
            association["headlines"] = [{"role": "main", "value": update.headline}]
        authors = list(update.authors.all())
        if authors:
            association["by"] = _joined([author.name for author in authors])
            association["people"] = [
                {
                    "name": author.name,
                    "rel": "author",
                    "uri": context.absolute(author.get_absolute_url()),
                    "literal": author.slug,
                }
                for author in authors
            ]
        kinds = [
            {"role": role, "contentType": "text/plain", "value": label}
            for role, label, flag in (
                ("key-event", "Key event", update.is_key_event),
                ("pinned", "Pinned at the top", update.is_pinned),
            )
            if flag
        ]
        if kinds:
            association["descriptions"] = kinds
        found.append(association)
    coverage = f"Live coverage from {_time(article.coverage_start_at)}"
    if article.coverage_end_at is not None:
        coverage += f" to {_time(article.coverage_end_at)}"
    description = {"role": "live-coverage", "contentType": "text/plain"}
    result: dict = {"descriptions": [{**description, "value": coverage}]}
    if found:
        result["associations"] = found
    return result


# Each part adds properties to the item, in this order.
PARTS = (
    identity,
    status_and_dates,
    headlines,
    body,
    bylines,
    subjects,
    corrections,
    photos,
    live_updates,
)


# --- Pictures ------------------------------------------------------------------


def picture(
    photo: Photo, context: Context, *, name: str, caption: str, alt_text: str
) -> dict | None:
    """A photo as a ninjs picture association: renditions, credit parts, licence."""
    renditions = [
        {
            "name": f"{kind}-{entry['width']}",
            "href": context.absolute(default_storage.url(entry["name"])),
            "contentType": CONTENT_TYPES[kind],
            "width": entry["width"],
            "height": entry["height"],
        }
        for kind in ENCODINGS
        for entry in (photo.renditions or {}).get(kind, [])
    ]
    if not renditions:
        return None
    association = {
        "name": name,
        "rel": "hero" if name == "hero" else "inline",
        "uri": context.absolute(f"/api/v1/photos/{photo.pk}"),
        "type": "picture",
        "renditions": renditions,
    }
    descriptions = [
        {"role": role, "contentType": "text/plain", "value": value}
        for role, value in (("caption", caption), ("alt", alt_text))
        if value
    ]
    if descriptions:
        association["descriptions"] = descriptions
    association.update(_credit(photo))
    association.update(_licence(photo))
    return association


def _credit(photo: Photo) -> dict:
    if not photo.credit_id:
        return {}
    credit = photo.credit
    found: dict = {}
    if credit.photographer:
        found["by"] = credit.photographer
    sources = [
        {"name": value, "role": part}
        for part in ("photographer", "agency", "distributor")
        if (value := getattr(credit, part))
    ]
    sources.append({"name": credit.line, "role": "credit-line"})
    found["infoSources"] = sources
    return found


def _licence(photo: Photo) -> dict:
    found: dict = {}
    holder = photo.rights_holder
    if holder:
        found["copyrightHolder"] = holder
        found["copyrightNotice"] = f"© {holder}"
    if photo.licence_terms:
        found["usageTerms"] = photo.licence_terms
    if photo.licence_expires_on is not None:
        # The licence covers its last day whole: it ends at the next midnight.
        day_after = photo.licence_expires_on + timedelta(days=1)
        ends = timezone.make_aware(datetime.combine(day_after, time.min))
        found["expires"] = _time(ends)
    return found


# --- A withdrawn story -----------------------------------------------------------


def withdrawal(article: Article, context: Context) -> dict:
    """A taken-down story: its identity and the notice, nothing of what it said."""
    moment = article.taken_down_at or article.edited_at
    return {
        "uri": context.permanent_id(article),
        "type": "text",
        "representationType": "partial",
        "version": str(article.version),
        "standard": {"name": "ninjs", "version": LATEST, "schema": SCHEMAS[LATEST]},
        "altIds": [
            {"role": "id", "value": str(article.pk)},
            {"role": "slug", "value": article.slug},
            {"role": "url", "value": context.absolute(article.get_absolute_url())},
        ],
        "pubStatus": "canceled",
        "firstCreated": _time(article.first_published_at or article.publish_at),
        "versionCreated": _time(moment),
        "edNote": "Withdrawn: this story has been taken down. Remove it "
        "wherever it was published.",
    }


# --- Helpers -------------------------------------------------------------------


def language() -> str:
    """The site's language as BCP 47 writes it: en-US."""
    language_code, _, region = settings.LANGUAGE_CODE.partition("-")
    return f"{language_code}-{region.upper()}" if region else language_code


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _joined(names: list[str]) -> str:
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


# Addresses in the rendered body are the site's own paths; partners need them whole.
_SITE_PATH = re.compile(r'(\s(?:src|href)=")(/[^/"][^"]*|/)"')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)"')


def with_absolute_addresses(html: str, absolute: Callable[[str], str]) -> str:
    html = _SITE_PATH.sub(lambda m: f'{m[1]}{absolute(m[2])}"', html)

    def srcset(match: re.Match) -> str:
        candidates = []
        for candidate in match[2].split(","):
            url, _, descriptor = candidate.strip().partition(" ")
            if url.startswith("/") and not url.startswith("//"):
                url = absolute(url)
            candidates.append(f"{url} {descriptor}".strip())
        return f'{match[1]}{", ".join(candidates)}"'

    return _SRCSET.sub(srcset, html)


# --- ninjs 2.2 -------------------------------------------------------------------

# ninjs 2.2 names its properties in lower case; these two differ otherwise.
_RENAMED_FOR_2_2 = {"embargoedUntil": "embargoed"}


def _as_2_2(document: dict) -> dict:
    converted = _lower_keys(document)
    converted["standard"] = {
        "name": "ninjs",
        "version": "2.2",
        "schema": SCHEMAS["2.2"],
    }
    # Associations have no `rel` in 2.2: their name says what they are.
    for association in converted.get("associations", []):
        association.pop("rel", None)
    return converted


def _lower_keys(value):
    if isinstance(value, dict):
        return {
            _RENAMED_FOR_2_2.get(key, key).lower(): _lower_keys(inner)
            for key, inner in value.items()
        }
    if isinstance(value, list):
        return [_lower_keys(inner) for inner in value]
    return value
