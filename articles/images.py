"""Pictures: upload checks, metadata (EXIF, IPTC, XMP) and renditions.

Every picture that enters the library, from the admin or from an import, goes
through `prepare_image()`: it must be a real JPEG, PNG or WebP (judged by its
content, not its name), within the byte and pixel limits, and decode completely.
The stored file is upright (EXIF orientation applied) and carries no metadata
but its colour profile, so nothing the camera recorded (GPS position, place
names, serial numbers) reaches the site. `update_renditions()` then makes the
resized copies readers get, each with the credit and copyright written into it.

Pillow reads and writes all of this. Its XMP reader returns loosely shaped
dictionaries, so XMP packets are read here with defusedxml (safe against XML
bombs) and the few fields the newsroom uses are picked out by name.
"""

import hashlib
import io
import json
import re
import secrets
import struct
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree as SafeET
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from PIL import (
    ExifTags,
    Image,
    ImageCms,
    ImageOps,
    IptcImagePlugin,
    JpegImagePlugin,
    UnidentifiedImageError,
)

from articles.models import Photo

# Formats accepted, with the extension the stored file gets. MPO is how Pillow
# names the multi-picture JPEGs that many phones write; the first picture is kept.
FORMATS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp"}
# The only decoders ever run on an upload (Pillow's JPEG one also reads MPO).
DECODERS = ["JPEG", "PNG", "WEBP"]

RENDITION_WIDTHS = (320, 640, 960, 1280, 1600)
ENCODINGS = {
    "webp": {"format": "WEBP", "quality": 78, "method": 5},
    "jpeg": {"format": "JPEG", "quality": 80, "optimize": True, "progressive": True},
}
SOCIAL_CARD = (1200, 630)
SOCIAL_ENCODING = {"format": "JPEG", "quality": 85, "optimize": True}
# Raise when the way renditions are made changes, so that all are made again.
RENDITION_VERSION = 1

# What a few common non-photo files start with, to name them in the refusal.
_SIGNATURES = [
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"BM", "a BMP image"),
    (b"%PDF", "a PDF document"),
    (b"\x00\x00\x01\x00", "an icon file"),
]
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"}

# Metadata Pillow reports that is harmless to keep (colour and pixel layout).
_SAFE_INFO = {
    "PNG": {
        "icc_profile",
        "dpi",
        "gamma",
        "transparency",
        "srgb",
        "chromaticity",
        "aspect",
        "interlace",
    },
    "WEBP": {"icc_profile", "loop", "background", "duration", "timestamp"},
}
_SAFE_JPEG_SEGMENTS = {
    ("APP0", b"JFIF\x00"),
    ("APP2", b"ICC_PROFILE"),
    ("APP14", b"Adobe"),
}

XMP_NAMESPACES = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
}
_IPTC = {
    "by_line": (2, 80),
    "credit": (2, 110),
    "source": (2, 115),
    "copyright": (2, 116),
    "caption": (2, 120),
}


@dataclass(frozen=True)
class FileMetadata:
    """What a picture's own metadata says about it, used to prefill the form."""

    photographer: str = ""
    agency: str = ""
    distributor: str = ""
    caption: str = ""
    copyright_holder: str = ""
    alt_text: str = ""

    @property
    def has_credit(self) -> bool:
        return bool(self.photographer or self.agency or self.distributor)


@dataclass
class PreparedImage:
    """An accepted upload, cleaned and ready to store."""

    content: bytes
    name: str
    width: int
    height: int
    sha256: str
    metadata: FileMetadata = field(default_factory=FileMetadata)


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _describe_non_photo(head: bytes) -> str | None:
    text = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in text:
        return "svg"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIF_BRANDS:
            return "a HEIC photo"
        if brand in {b"avif", b"avis"}:
            return "an AVIF image"
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    return None


def _read_bytes(file) -> bytes:
    if isinstance(file, (str, Path)):
        return Path(file).read_bytes()
    file.seek(0)
    data = file.read()
    file.seek(0)
    return data


def _file_size(file) -> int:
    if isinstance(file, (str, Path)):
        return Path(file).stat().st_size
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
        file.seek(0)
    return size


def _open(data: bytes) -> Image.Image:
    """Open and fully decode a picture, refusing bombs and damaged files."""
    limit = settings.NEWSROOM_MAX_IMAGE_PIXELS
    too_big = (
        f"The picture has too many pixels: the limit is {limit / 1e6:g} megapixels. "
        "Export a smaller version."
    )
    damaged = (
        "The file is damaged or incomplete (was the upload cut short?). "
        "Export it again and upload the new file."
    )
    with warnings.catch_warnings():
        # Pillow only warns below twice its own limit; here any bomb is refused.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=DECODERS)
            width, height = image.size
            if width * height > limit:
                raise _refuse(
                    f"The picture is {width} × {height} pixels "
                    f"({width * height / 1e6:.0f} megapixels); the limit is "
                    f"{limit / 1e6:g} megapixels. Export a smaller version.",
                    "too_many_pixels",
                )
            if width < 1 or height < 1:
                raise _refuse(damaged, "corrupt")
            if image.format in ("PNG", "WEBP") and getattr(image, "n_frames", 1) > 1:
                raise _refuse(
                    "Animated pictures are not accepted; upload a still photo.",
                    "animated",
                )
            image.verify()
            image = Image.open(io.BytesIO(data), formats=DECODERS)
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse(too_big, "too_many_pixels") from None
        except UnidentifiedImageError:
            raise _refuse(
                "This file is not a JPEG, PNG or WebP picture.", "not_an_image"
            ) from None
        except (OSError, SyntaxError, ValueError, EOFError, struct.error):
            raise _refuse(damaged, "corrupt") from None
    return image


def prepare_image(file, name: str = "") -> PreparedImage:
    """Check an upload and return the file to store; raise ValidationError if refused.

    `file` is an uploaded file, any binary file object or a path. Nothing is
    written anywhere.
    """
    size = _file_size(file)
    limit = settings.NEWSROOM_MAX_UPLOAD_BYTES
    if size > limit:
        raise _refuse(
            f"The file is {filesizeformat(size)}; the limit is "
            f"{filesizeformat(limit)}. Export a smaller version.",
            "too_large",
        )
    if size == 0:
        raise _refuse("The file is empty.", "empty")
    data = _read_bytes(file)
    kind = _describe_non_photo(data[:2048])
    if kind == "svg":
        raise _refuse(
            "SVG drawings are not accepted as photos: they can carry scripts. "
            "Upload a JPEG, PNG or WebP picture.",
            "svg",
        )
    if kind:
        raise _refuse(
            f"This file is {kind}; upload a JPEG, PNG or WebP picture instead.",
            "wrong_format",
        )
    image = _open(data)
    metadata = read_metadata(image)
    content, upright = _clean_content(image, data)
    stem = slugify(Path(name or "photo").stem)[:60] or "photo"
    return PreparedImage(
        content=content,
        name=stem + FORMATS[image.format],
        width=upright.width,
        height=upright.height,
        sha256=hashlib.sha256(content).hexdigest(),
        metadata=metadata,
    )


def _has_private_metadata(image: Image.Image) -> bool:
    if image.format in ("JPEG", "MPO"):
        if image.format == "MPO" or "comment" in image.info or "exif" in image.info:
            return True
        for marker, payload in getattr(image, "applist", []):
            if not any(
                marker == safe and payload.startswith(prefix)
                for safe, prefix in _SAFE_JPEG_SEGMENTS
            ):
                return True
        return False
    return bool(set(image.info) - _SAFE_INFO[image.format])


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(ExifTags.Base.Orientation) or 1)
    except (TypeError, ValueError, OSError, SyntaxError):
        return 1


def _clean_content(image: Image.Image, data: bytes) -> tuple[bytes, Image.Image]:
    """The bytes to store: the upload itself when it is upright and carries no
    metadata, else the picture saved again, upright, with its colour profile only.

    A JPEG is saved again with its own quantisation tables, so it keeps the
    quality the photographer chose. Cleaning a cleaned file returns it unchanged.
    """
    if _orientation(image) == 1 and not _has_private_metadata(image):
        return data, image
    upright = ImageOps.exif_transpose(image)
    options: dict = {}
    icc = image.info.get("icc_profile")
    if icc:
        options["icc_profile"] = icc
    if image.format in ("JPEG", "MPO"):
        options["format"] = "JPEG"
        quantization = getattr(image, "quantization", None)
        if quantization:
            options["qtables"] = quantization
            sampling = JpegImagePlugin.get_sampling(image)
            if sampling != -1:
                options["subsampling"] = sampling
        if image.info.get("progressive"):
            options["progressive"] = True
    elif image.format == "PNG":
        options["format"] = "PNG"
        for key in ("transparency", "dpi"):
            if key in image.info and upright.mode == image.mode:
                options[key] = image.info[key]
    else:
        options.update(format="WEBP", quality=95, method=5)
    buffer = io.BytesIO()
    upright.save(buffer, **options)
    return buffer.getvalue(), upright


# Metadata -------------------------------------------------------------------


def _text(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else b""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            value = value.decode("latin-1")
    return re.sub(r"\s+", " ", str(value or "").replace("\x00", "")).strip()


def _exif_text(value) -> str:
    # Pillow reads EXIF text as Latin-1; cameras and tools write UTF-8 there.
    if isinstance(value, str):
        try:
            value = value.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return _text(value)


def _read_iptc(image: Image.Image) -> dict[str, str]:
    try:
        info = IptcImagePlugin.getiptcinfo(image) or {}
    except Exception:  # damaged metadata never stops an upload
        return {}
    return {name: _text(info.get(key, b"")) for name, key in _IPTC.items()}


def _xmp_values(element: ET.Element) -> list[str]:
    items = element.findall(".//rdf:li", XMP_NAMESPACES)
    if items:
        default = [
            li
            for li in items
            if li.get("{http://www.w3.org/XML/1998/namespace}lang") == "x-default"
        ]
        return [_text(li.text) for li in default or items]
    return [_text(element.text)]


def _read_xmp(image: Image.Image) -> dict[str, str]:
    packet = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
    if not packet:
        return {}
    try:
        root = SafeET.fromstring(packet)
    except Exception:  # damaged or hostile XML is ignored, never parsed further
        return {}
    wanted = {
        "by_line": "dc:creator",
        "caption": "dc:description",
        "copyright": "dc:rights",
        "credit": "photoshop:Credit",
        "source": "photoshop:Source",
        "alt_text": "Iptc4xmpCore:AltTextAccessibility",
    }
    found: dict[str, str] = {}
    for description in root.iter(f"{{{XMP_NAMESPACES['rdf']}}}Description"):
        for name, qname in wanted.items():
            prefix, local = qname.split(":")
            tag = f"{{{XMP_NAMESPACES[prefix]}}}{local}"
            if found.get(name):
                continue
            if description.get(tag):
                found[name] = _text(description.get(tag))
                continue
            child = description.find(tag)
            if child is not None:
                values = [v for v in _xmp_values(child) if v]
                found[name] = values[0] if values else ""
    return found


def _read_exif(image: Image.Image) -> dict[str, str]:
    try:
        exif = image.getexif()
    except Exception:
        return {}
    return {
        "by_line": _exif_text(exif.get(ExifTags.Base.Artist, "")),
        "copyright": _exif_text(exif.get(ExifTags.Base.Copyright, "")),
        "caption": _exif_text(exif.get(ExifTags.Base.ImageDescription, "")),
    }


def parse_credit(text: str, by_line: str = "") -> tuple[str, str, str]:
    """Split a credit such as "Photo: Feng Fei / Imaginechina via AFP" into
    (photographer, agency, distributor). A single name is taken as the agency,
    unless it is the photographer's own."""
    text = re.sub(r"^\s*(photo(graph)?|picture|credit)\s*:\s*", "", text, flags=re.I)
    maker, _, distributor = text.rpartition(" via ")
    if not maker:
        maker, distributor = distributor, ""
    pieces = [piece.strip() for piece in maker.split("/") if piece.strip()]
    if len(pieces) >= 2:
        return pieces[0], " / ".join(pieces[1:]), distributor.strip()
    single = pieces[0] if pieces else ""
    if single and single.lower() == by_line.lower():
        return single, "", distributor.strip()
    return "", single, distributor.strip()


def _rights_holder(notice: str) -> str:
    notice = re.sub(r"^\s*(©|\(c\)|copyright)\s*", "", notice, flags=re.I)
    notice = re.sub(r"^\d{4}(\s*[-–]\s*\d{4})?\s*", "", notice)
    notice = re.sub(r"[.,;]?\s*all rights reserved\.?\s*$", "", notice, flags=re.I)
    return notice.strip(" .,;")


def read_metadata(image: Image.Image) -> FileMetadata:
    """Credit, caption and copyright from IPTC, else XMP, else EXIF.

    IPTC By-line (or XMP dc:creator, EXIF Artist) gives the photographer; Credit
    gives the agency (and distributor when written "X via Y"); Source, when it
    names someone else, the distributor.
    """
    sources = [_read_iptc(image), _read_xmp(image), _read_exif(image)]

    def first(name: str) -> str:
        return next((s[name] for s in sources if s.get(name)), "")

    by_line = first("by_line")
    photographer, agency, distributor = parse_credit(first("credit"), by_line)
    photographer = by_line or photographer
    source = first("source")
    known = {part.lower() for part in (photographer, agency, distributor) if part}
    if source and source.lower() not in known:
        if not agency:
            agency = source
        elif not distributor:
            distributor = source
    return FileMetadata(
        photographer=photographer[:120],
        agency=agency[:120],
        distributor=distributor[:120],
        caption=first("caption"),
        copyright_holder=_rights_holder(first("copyright"))[:120],
        alt_text=first("alt_text")[:250],
    )


def embedded_metadata(photo: Photo) -> dict[str, str]:
    """The credit and copyright written into each rendition of `photo`."""
    credit = photo.credit if photo.credit_id else None
    holder = photo.rights_holder
    return {
        "artist": credit.creator if credit else "",
        "credit": photo.credit_line,
        "source": credit.distributor if credit else "",
        "copyright": f"© {holder}" if holder else "",
    }


def _exif_bytes(meta: dict[str, str]) -> bytes:
    exif = Image.Exif()
    # UTF-8 in EXIF text fields, as exiftool and cameras write it; XMP below is
    # the standard home for non-ASCII names.
    if meta["artist"]:
        exif[ExifTags.Base.Artist] = meta["artist"].encode()
    if meta["copyright"]:
        exif[ExifTags.Base.Copyright] = meta["copyright"].encode()
    return exif.tobytes()


def _xmp_bytes(meta: dict[str, str]) -> bytes:
    ns = XMP_NAMESPACES
    rdf = f"{{{ns['rdf']}}}"
    root = ET.Element(f"{{{ns['x']}}}xmpmeta")
    description = ET.SubElement(
        ET.SubElement(root, f"{rdf}RDF"), f"{rdf}Description", {f"{rdf}about": ""}
    )

    def container(tag: str, kind: str, value: str, lang: bool = False):
        holder = ET.SubElement(description, tag)
        item = ET.SubElement(ET.SubElement(holder, f"{rdf}{kind}"), f"{rdf}li")
        if lang:
            item.set("{http://www.w3.org/XML/1998/namespace}lang", "x-default")
        item.text = value

    if meta["artist"]:
        container(f"{{{ns['dc']}}}creator", "Seq", meta["artist"])
    if meta["copyright"]:
        container(f"{{{ns['dc']}}}rights", "Alt", meta["copyright"], lang=True)
        ET.SubElement(description, f"{{{ns['xmpRights']}}}Marked").text = "True"
    if meta["credit"]:
        ET.SubElement(description, f"{{{ns['photoshop']}}}Credit").text = meta["credit"]
    if meta["source"]:
        ET.SubElement(description, f"{{{ns['photoshop']}}}Source").text = meta["source"]
    for prefix, uri in ns.items():
        ET.register_namespace(prefix, uri)
    body = ET.tostring(root, encoding="unicode")
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        + body
        + '<?xpacket end="w"?>'
    ).encode()


# Renditions -----------------------------------------------------------------


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
    upright = (
        (height, width) if _orientation(image) in (5, 6, 7, 8) else (width, height)
    )
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
    extra = {"exif": _exif_bytes(meta), "xmp": _xmp_bytes(meta)}
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
    are committed; until then pages keep serving the old ones.
    """
    if not photo.image or (not force and renditions_are_current(photo)):
        return []
    key = rendition_key(photo)
    storage = photo.image.storage
    with photo.image.open("rb") as handle:
        data = handle.read()
    made = render(data, embedded_metadata(photo))
    # A fresh token per generation keeps every URL immutable (safe to cache
    # for a year) and never overwrites a file a page may still be serving.
    stem = f"renditions/{photo.sha256[:2]}/{photo.sha256[:16]}-{secrets.token_hex(4)}"
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
    return written


def delete_files(storage, names) -> None:
    for name in names:
        if name:
            storage.delete(name)


def attach_image(photo: Photo, prepared: PreparedImage) -> str:
    """Store a prepared picture as the photo's file; return the stored name."""
    photo.image.save(prepared.name, ContentFile(prepared.content), save=False)
    photo.sha256 = prepared.sha256
    photo.width, photo.height = prepared.width, prepared.height
    return photo.image.name


def save_photo(photo: Photo, prepared: PreparedImage | None = None) -> None:
    """Save `photo` (with a new picture when `prepared` is given) and its
    renditions, all or nothing: on any failure no new file is left behind."""
    save_photos([(photo, prepared)])


def save_photos(batch: list[tuple[Photo, PreparedImage | None]]) -> None:
    """Save several photos as `save_photo` does, all or none of them."""
    written: list[str] = []
    replaced: list[str] = []
    storage = Photo.image.field.storage
    try:
        with transaction.atomic():
            for photo, prepared in batch:
                if prepared is not None:
                    if photo.pk and photo.image:
                        replaced.append(photo.image.name)
                    written.append(attach_image(photo, prepared))
                photo.save()
                written += update_renditions(photo)
    except BaseException:
        delete_files(storage, written)
        raise
    transaction.on_commit(lambda: delete_files(storage, replaced))


def delete_photo_files(photo: Photo) -> None:
    """Remove a deleted photo's file and renditions once the deletion commits."""
    storage = photo.image.storage
    names = [photo.image.name, *rendition_names(photo.renditions or {})]
    transaction.on_commit(lambda: delete_files(storage, names))


# Serving --------------------------------------------------------------------


def picture_sources(photo: Photo) -> dict:
    """What a <picture> element needs: srcsets, fallback src, width and height."""
    renditions = photo.renditions or {}
    storage = photo.image.storage
    jpeg = renditions.get("jpeg") or []
    webp = renditions.get("webp") or []
    if not jpeg:
        return {"src": photo.image.url, "width": photo.width, "height": photo.height}

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
    return {**item, "url": photo.image.storage.url(item["name"])}


def social_card(photo: Photo) -> dict | None:
    card = (photo.renditions or {}).get("social")
    if not card:
        return None
    return {**card, "url": photo.image.storage.url(card["name"])}


def smallest_url(photo: Photo) -> str:
    jpeg = (photo.renditions or {}).get("jpeg") or []
    return photo.image.storage.url(jpeg[0]["name"]) if jpeg else photo.image.url
