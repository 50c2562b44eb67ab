"""Upload checks: only real, whole JPEG, PNG or WebP pictures enter the library.

Every picture, from the admin or from an import, goes through `prepare_image()`:
it must be a real JPEG, PNG or WebP (judged by its content, not its name), within
the byte and pixel limits, and decode completely. The stored file is upright
(EXIF orientation applied) and carries no metadata but its colour profile, so
nothing the camera recorded (GPS position, place names, serial numbers) reaches
the site.
"""

import hashlib
import io
import struct
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from PIL import (
    ExifTags,
    Image,
    ImageOps,
    JpegImagePlugin,
    UnidentifiedImageError,
)

from articles.photos.metadata import FileMetadata, read_metadata

# Formats accepted, with the extension the stored file gets. MPO is how Pillow
# names the multi-picture JPEGs that many phones write; the first picture is kept.
FORMATS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp"}
# The only decoders ever run on an upload (Pillow's JPEG one also reads MPO).
DECODERS = ["JPEG", "PNG", "WEBP"]

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


def _has_trailing_data(format: str, data: bytes) -> bool:
    """Bytes after the picture's end (an HTML page appended to a JPEG, say)."""
    if format in ("JPEG", "MPO"):
        return not data.endswith(b"\xff\xd9")
    if format == "PNG":
        return not data.endswith(b"IEND\xaeB`\x82")
    if format == "WEBP":
        return int.from_bytes(data[4:8], "little") + 8 != len(data)
    return False


def orientation(image: Image.Image) -> int:
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
    if (
        orientation(image) == 1
        and not _has_private_metadata(image)
        and not _has_trailing_data(image.format, data)
    ):
        return data, image
    upright = ImageOps.exif_transpose(image)
    options: dict = {}
    icc = image.info.get("icc_profile")
    if icc:
        options["icc_profile"] = icc
    if image.format in ("JPEG", "MPO"):
        # Pillow writes the upload's comment back unless told not to.
        options.update(format="JPEG", comment=b"")
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
