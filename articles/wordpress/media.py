"""Attachments: finding each picture's file beside the export and storing it in
the photo library with its caption, alt text and credit."""

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.db import transaction

from articles.models import Photo, PhotoCredit, WordPressItem
from articles.photos.metadata import parse_credit
from articles.photos.storage import store_picture_once
from articles.photos.validation import prepare_image
from articles.wordpress.wxr import Item

PICTURE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff"}
# "-300x200" before the suffix: one of the sizes WordPress made of an upload.
_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[a-z0-9]+$)", re.I)
# Credit and copyright in `_wp_attachment_metadata` (PHP-serialised image_meta).
_IMAGE_META = re.compile(r's:\d+:"(credit|copyright|caption)";s:\d+:"([^"]*)"')


def upload_path(url: str, *, any_size: bool = True) -> str:
    """`2013/03/photo.jpg` from an upload's URL; with `any_size`, also from the
    URL of a size WordPress made of it (`photo-300x200.jpg`)."""
    path = unquote(urlsplit(url).path)
    if "/uploads/" in path:
        path = path.split("/uploads/", 1)[1]
    path = path.lstrip("/")
    parts = PurePosixPath(path).parts
    # WordPress.com serves uploads from /YYYY/MM/name, self-hosted sites from
    # /wp-content/uploads/YYYY/MM/name: keep from the year on.
    for index, part in enumerate(parts):
        if re.fullmatch(r"\d{4}", part):
            path = "/".join(parts[index:])
            break
    return (_SIZE_SUFFIX.sub("", path) if any_size else path).lower()


@dataclass
class Library:
    """The export's attachments as photos: by WordPress id, by upload path."""

    by_id: dict[int, int] = field(default_factory=dict)
    by_path: dict[str, int] = field(default_factory=dict)
    by_parent: dict[int, list[int]] = field(default_factory=dict)
    captions: dict[int, tuple[str, str]] = field(default_factory=dict)

    def add(self, item: Item, photo: Photo) -> None:
        self.by_id[item.wp_id] = photo.pk
        self.by_path[upload_path(item.attachment_url, any_size=False)] = photo.pk
        self.by_path.setdefault(upload_path(item.attachment_url), photo.pk)

    def photo_of(self, url: str, wp_id: int | None) -> int | None:
        if wp_id and wp_id in self.by_id:
            return self.by_id[wp_id]
        if not url:
            return None
        exact = self.by_path.get(upload_path(url, any_size=False))
        return exact or self.by_path.get(upload_path(url))

    def gallery_of(self, post_id: int) -> list[int]:
        return self.by_parent.get(post_id, [])


def find_file(item: Item, media_dir: Path) -> Path | None:
    """The attachment's file inside `media_dir`, or None.

    A path that leads outside the folder (`../`, percent-encoded or not, an
    absolute path, a link pointing out) is treated exactly as an absent file:
    never opened, and reported as missing, so the summary does not tell which
    files exist elsewhere on the machine.
    """
    root = media_dir.resolve()
    relative = item.meta.get("_wp_attached_file") or upload_path(
        item.attachment_url, any_size=False
    )
    name = PurePosixPath(unquote(urlsplit(item.attachment_url).path)).name
    for candidate in (
        media_dir / relative,
        media_dir / "wp-content" / "uploads" / relative,
        media_dir / "uploads" / relative,
        media_dir / name,
    ):
        try:
            found = candidate.resolve()
            if found.is_relative_to(root) and found.is_file():
                return found
        except (OSError, RuntimeError, ValueError):  # loops, NUL, over-long names
            continue
    return None


def is_picture(item: Item) -> bool:
    suffix = PurePosixPath(urlsplit(item.attachment_url).path).suffix.lower()
    return suffix in PICTURE_SUFFIXES


def _image_meta(item: Item) -> dict[str, str]:
    return dict(_IMAGE_META.findall(item.meta.get("_wp_attachment_metadata", "")))


def store(item: Item, path: Path, site: str) -> tuple[Photo, bool]:
    """The attachment's picture in the library (the same picture is kept once).

    Raises ValidationError when the file is refused, as an upload would be.
    Returns the photo and whether it was already in the library.
    """
    prepared = prepare_image(path, path.name)
    meta = _image_meta(item)

    def new_photo() -> Photo:
        file_meta = prepared.metadata
        if meta.get("credit"):
            parts = parse_credit(meta["credit"])
        else:
            parts = (file_meta.photographer, file_meta.agency, file_meta.distributor)
        return Photo(
            caption=_plain(item.excerpt) or file_meta.caption,
            alt_text=item.meta.get("_wp_attachment_image_alt", "")[:250]
            or file_meta.alt_text,
            copyright_holder=(meta.get("copyright") or file_meta.copyright_holder)[
                :120
            ],
            credit=PhotoCredit.objects.for_parts(*parts),
        )

    with transaction.atomic():
        photo, known = store_picture_once(prepared, new_photo)
        WordPressItem.objects.create(
            site=site, wp_id=item.wp_id, kind=WordPressItem.Kind.ATTACHMENT, photo=photo
        )
    return photo, known


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text or "").strip()
