"""Renditions: the resized copies readers get, each carrying the photo's credit.

`update_renditions()` makes them (and withdraws those of a photo whose licence
has ended); `picture_sources()` and its neighbours say which file a page should
link. Renditions are the only files of a photo with a public address: they live
in the default storage under `renditions/`, the originals elsewhere
(articles/photos/originals.py).
"""

import hashlib
import io
import json
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import (
    Image,
    ImageCms,
    ImageOps,
)

from articles.edge import keys as edge_keys
from articles.models import Photo
from articles.photos.metadata import embedded_metadata, exif_bytes, xmp_bytes
from articles.photos.validation import DECODERS, orientation
from articles.signals import announce_content_changed

RENDITION_WIDTHS = (320, 640, 960, 1280, 1600)
ENCODINGS = {
    "webp": {"format": "WEBP", "quality": 78, "method": 5},
    "jpeg": {"format": "JPEG", "quality": 80, "optimize": True, "progressive": True},
}
SOCIAL_CARD = (1200, 630)
SOCIAL_ENCODING = {"format": "JPEG", "quality": 85, "optimize": True}
# Raise when the way renditions are made changes, so that all are made again.
RENDITION_VERSION = 1
RENDITIONS_FOLDER = "renditions/"


def rendition_key(photo: Photo) -> str:
    """Changes whenever the renditions of `photo` would come out differently."""
    spec = {
        "version": RENDITION_VERSION,
        "widths": RENDITION_WIDTHS,
        "encodings": ENCODINGS,
        "social": [SOCIAL_CARD, SOCIAL_ENCODING],
        "file": photo.sha256,
        "metadata": embedded_metadata(photo),
    }
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def renditions_are_current(photo: Photo) -> bool:
    """Whether the photo's renditions are what readers should get: exactly
    those of its picture and credit, or none once its licence has ended."""
    if photo.is_licence_expired():
        return not photo.renditions
    return bool(photo.renditions) and photo.renditions.get("key") == rendition_key(
        photo
    )


def rendition_names(renditions: dict) -> list[str]:
    names = [item["name"] for kind in ENCODINGS for item in renditions.get(kind, [])]
    if renditions.get("social"):
        names.append(renditions["social"]["name"])
    return names


def _to_srgb(image: Image.Image) -> tuple[Image.Image, bytes | None]:
    """An RGB or RGBA picture for the screen, with the profile it is in."""
    icc = image.info.get("icc_profile")
    if image.mode == "CMYK":
        if icc:
            try:
                source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
                srgb = ImageCms.createProfile("sRGB")
                return ImageCms.profileToProfile(
                    image, source, srgb, outputMode="RGB"
                ), None
            except (ImageCms.PyCMSError, OSError):
                pass
        return image.convert("RGB"), None
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if has_alpha:
        return image.convert("RGBA"), icc
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.point(lambda value: value / 256).convert("L")
    return image.convert("RGB"), icc


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode != "RGBA":
        return image
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


def _encode(image: Image.Image, options: dict, extra: dict) -> bytes:
    buffer = io.BytesIO()
    if options["format"] == "JPEG":
        image = _flatten(image)
    image.save(buffer, **options, **extra)
    return buffer.getvalue()


def _widths(width: int) -> list[int]:
    widths = [w for w in RENDITION_WIDTHS if w < width]
    largest = min(width, RENDITION_WIDTHS[-1])
    return widths if largest in widths else [*widths, largest]


def _decode_for_renditions(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data), formats=DECODERS)
    width, height = image.size
    upright = (height, width) if orientation(image) in (5, 6, 7, 8) else (width, height)
    # Decode a large JPEG at the smallest scale still big enough for the largest
    # rendition and the social card: several times faster, same result.
    scale = min(
        1.0, max(RENDITION_WIDTHS[-1] / upright[0], SOCIAL_CARD[1] / upright[1])
    )
    if image.format in ("JPEG", "MPO") and scale < 1:
        image.draft(image.mode, (int(width * scale) + 1, int(height * scale) + 1))
    image.load()
    return ImageOps.exif_transpose(image)


def render(data: bytes, meta: dict[str, str]) -> dict:
    """Every rendition of one picture, as {kind: [(width, height, bytes)]}."""
    image, icc = _to_srgb(_decode_for_renditions(data))
    extra = {"exif": exif_bytes(meta), "xmp": xmp_bytes(meta)}
    if icc:
        extra["icc_profile"] = icc
    made: dict = {kind: [] for kind in ENCODINGS}
    width, height = image.size
    for target in _widths(width):
        size = (target, max(1, round(height * target / width)))
        resized = (
            image
            if size == image.size
            else image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        )
        for kind, options in ENCODINGS.items():
            made[kind].append((*size, _encode(resized, options, extra)))
    scale = min(1.0, width / SOCIAL_CARD[0], height / SOCIAL_CARD[1])
    card_size = (round(SOCIAL_CARD[0] * scale), round(SOCIAL_CARD[1] * scale))
    card = ImageOps.fit(image, card_size, Image.Resampling.LANCZOS)
    made["social"] = [(*card_size, _encode(card, SOCIAL_ENCODING, extra))]
    return made


def update_renditions(photo: Photo, *, force: bool = False) -> list[str]:
    """Make the renditions of `photo` when missing or out of date and save them.

    Returns the names of the files written, so that a caller whose transaction
    fails can remove them. The previous renditions are deleted once the new ones
    are committed; until then pages keep serving the old ones. A photo whose
    licence has ended gets none: its renditions are withdrawn instead, so that
    no address serves the picture any more.
    """
    if not photo.image:
        return []
    if photo.is_licence_expired():
        withdraw_renditions(photo)
        return []
    if not force and renditions_are_current(photo):
        return []
    key = rendition_key(photo)
    storage = default_storage
    with photo.image.open("rb") as handle:
        data = handle.read()
    made = render(data, embedded_metadata(photo))
    # A fresh token per generation keeps every URL immutable (safe to cache
    # for a year) and never overwrites a file a page may still be serving.
    digest = photo.sha256
    stem = f"{RENDITIONS_FOLDER}{digest[:2]}/{digest[:16]}-{secrets.token_hex(4)}"
    extensions = {"webp": "webp", "jpeg": "jpg", "social": "jpg"}
    written: list[str] = []
    renditions: dict = {"key": key, "width": photo.width, "height": photo.height}
    try:
        for kind, items in made.items():
            entries = []
            for width, height, content in items:
                suffix = "social" if kind == "social" else f"{width}w"
                name = storage.save(
                    f"{stem}-{suffix}.{extensions[kind]}", ContentFile(content)
                )
                written.append(name)
                entries.append(
                    {
                        "width": width,
                        "height": height,
                        "name": name,
                        "bytes": len(content),
                    }
                )
            renditions[kind] = entries[0] if kind == "social" else entries
        old = rendition_names(photo.renditions or {})
        photo.renditions = renditions
        photo.save(update_fields=["renditions"])
    except BaseException:
        delete_files(storage, written)
        raise
    transaction.on_commit(lambda: delete_files(storage, old))
    # pages must link to the new files
    announce_content_changed(Photo, keys=edge_keys.for_photos([photo.pk]))
    return written


def withdraw_renditions(photo: Photo) -> None:
    """Forget the photo's renditions and delete their files once that commits."""
    old = rendition_names(photo.renditions or {})
    if not photo.renditions:
        return
    photo.renditions = {}
    photo.save(update_fields=["renditions"])
    transaction.on_commit(lambda: delete_files(default_storage, old))


def delete_files(storage, names) -> None:
    for name in names:
        if name:
            storage.delete(name)


# Serving --------------------------------------------------------------------


def picture_sources(photo: Photo) -> dict | None:
    """What a <picture> element needs: srcsets, fallback src, width and height.

    None for a photo without renditions (not made yet, or withdrawn with its
    licence): its original is never served to readers.
    """
    renditions = photo.renditions or {}
    storage = default_storage
    jpeg = renditions.get("jpeg") or []
    webp = renditions.get("webp") or []
    if not jpeg:
        return None

    def srcset(items):
        return ", ".join(f"{storage.url(i['name'])} {i['width']}w" for i in items)

    fallback = next((i for i in jpeg if i["width"] >= 960), jpeg[-1])
    largest = jpeg[-1]
    return {
        "src": storage.url(fallback["name"]),
        "jpeg_srcset": srcset(jpeg),
        "webp_srcset": srcset(webp),
        "width": largest["width"],
        "height": largest["height"],
    }


def largest_jpeg(photo: Photo) -> dict | None:
    jpeg = (photo.renditions or {}).get("jpeg") or []
    if not jpeg:
        return None
    item = jpeg[-1]
    return {**item, "url": default_storage.url(item["name"])}


def social_card(photo: Photo) -> dict | None:
    card = (photo.renditions or {}).get("social")
    if not card:
        return None
    return {**card, "url": default_storage.url(card["name"])}


def smallest_url(photo: Photo) -> str | None:
    """The smallest JPEG rendition, for thumbnails; None when there is none."""
    jpeg = (photo.renditions or {}).get("jpeg") or []
    return default_storage.url(jpeg[0]["name"]) if jpeg else None
