"""How many bytes of pictures a reader's browser downloads for an article page.

Runs every demo photo (and a 12-megapixel phone-sized picture) through the same
upload and rendition code as the admin, then picks from the srcset the way
browsers do: the smallest candidate at least as wide as the slot (from the
template's `sizes`) times the device pixel ratio. Prints bytes per viewport
against the original file, for the hero, for photos placed in the body (which
share the hero's slot and `sizes`), for a whole page with a hero and two inline
photos, and for the body editor's thumbnails. No database is needed.

    .venv/bin/python bench/photo_weight.py
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from PIL import Image  # noqa: E402

from articles.photos.renditions import render  # noqa: E402
from articles.photos.validation import prepare_image  # noqa: E402

DEMO = ROOT / "demo" / "photos"
META = {
    "artist": "Feng Fei",
    "credit": "Photo: Feng Fei / Imaginechina via AFP",
    "source": "AFP",
    "copyright": "© Imaginechina",
}
# Viewport width (CSS px), device pixel ratio.
VIEWPORTS = [(390, 1), (390, 3), (768, 2), (1440, 1), (1440, 2)]


def hero_slot(viewport: int) -> float:
    """The width in CSS px of the hero and of inline photos, as their `sizes`
    attribute says: "(min-width: 752px) 720px, calc(100vw - 2rem)"."""
    return 720 if viewport >= 752 else viewport - 32


INLINE_PER_PAGE = 2


def pick(candidates: list[tuple[int, int, bytes]], needed: float):
    for candidate in candidates:
        if candidate[0] >= needed:
            return candidate
    return candidates[-1]


def phone_picture() -> bytes:
    """A 12-megapixel picture that compresses about as badly as a phone photo:
    a demo picture enlarged, with coarse and fine grain on top."""
    size = (4032, 2268)
    base = Image.open(DEMO / "port-gantry-cranes.jpg").convert("RGB").resize(size)
    coarse = Image.effect_noise((size[0] // 6, size[1] // 6), 60).resize(size)
    fine = Image.effect_noise(size, 25)
    picture = Image.blend(base, Image.merge("RGB", [coarse] * 3), 0.25)
    picture = Image.blend(picture, Image.merge("RGB", [fine] * 3), 0.1)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def measure(name: str, data: bytes) -> dict:
    start = time.perf_counter()
    prepared = prepare_image(io.BytesIO(data), name)
    made = render(prepared.content, META)
    seconds = time.perf_counter() - start
    row = {
        "name": name,
        "original": len(data),
        "seconds": seconds,
        "size": f"{prepared.width}×{prepared.height}",
    }
    for viewport, dpr in VIEWPORTS:
        needed = hero_slot(viewport) * dpr
        webp = pick(made["webp"], needed)
        jpeg = pick(made["jpeg"], needed)
        row[(viewport, dpr)] = (webp[0], len(webp[2]), len(jpeg[2]))
    row["thumbnail"] = len(made["jpeg"][0][2])
    return row


def inline_table(demo: list[dict], phone_row: dict) -> str:
    """Photos placed in the body: served as the original file before, as a
    rendition from the srcset now; and a page with a hero and two of them."""
    pages = [demo[i : i + 1 + INLINE_PER_PAGE] for i in range(0, len(demo), 3)]
    pages = [page for page in pages if len(page) == 1 + INLINE_PER_PAGE]
    lines = [
        f"Inline photos (same slot and sizes as the hero), WebP from srcset vs the "
        f"original file they were served as before; page = hero + "
        f"{INLINE_PER_PAGE} inline photos, median over {len(pages)} pages of demo "
        "photos",
        "",
        f"{'':34} {'original':>10} "
        + " ".join(f"{f'{v}px@{d}x':>16}" for v, d in VIEWPORTS),
    ]
    cells = " ".join(
        f"{statistics.median(r[k][1] for r in demo):>16,.0f}" for k in VIEWPORTS
    )
    before = statistics.median(r["original"] for r in demo)
    lines.append(f"{'one inline photo (median)':34} {before:>10,.0f} {cells}")
    cells = " ".join(f"{phone_row[k][1]:>16,}" for k in VIEWPORTS)
    lines.append(f"{'one inline phone photo':34} {phone_row['original']:>10,} {cells}")
    before_page = statistics.median(
        page[0][VIEWPORTS[0]][1] + sum(r["original"] for r in page[1:])
        for page in pages
    )
    cells = " ".join(
        f"{statistics.median(sum(r[k][1] for r in page) for page in pages):>16,.0f}"
        for k in VIEWPORTS
    )
    lines.append(f"{'page: hero + inline (median)':34} {'':>10} {cells}")
    lines.append(
        f"the same page before, 390px@1x (hero from srcset, inline photos as "
        f"originals): {before_page:,.0f} B"
    )
    thumbs = statistics.median(r["thumbnail"] for r in demo)
    lines.append(
        f"editor thumbnail (smallest JPEG rendition, 320 px): median {thumbs:,.0f} B "
        f"vs the original {statistics.median(r['original'] for r in demo):,.0f} B"
    )
    return "\n".join(lines)


def main() -> None:
    rows = [measure(p.name, p.read_bytes()) for p in sorted(DEMO.glob("*.jpg"))]
    rows.append(measure("phone-12mp.jpg", phone_picture()))
    lines = [
        "Hero picture bytes per page view (WebP chosen from srcset; JPEG fallback)",
        "",
    ]
    header = f"{'photo':34} {'original':>10} " + " ".join(
        f"{f'{v}px@{d}x':>16}" for v, d in VIEWPORTS
    )
    lines.append(header)
    for row in rows:
        cells = " ".join(f"{row[k][1]:>8,} ({row[k][0]:>4}w)" for k in VIEWPORTS)
        lines.append(f"{row['name']:34} {row['original']:>10,} {cells}")
    demo = rows[:-1]
    for viewport, dpr in VIEWPORTS[:2]:
        ratio = statistics.median(r[(viewport, dpr)][1] / r["original"] for r in demo)
        lines.append(
            f"median over demo photos, {viewport}px at DPR {dpr}: WebP is "
            f"{ratio:.0%} of the original"
        )
    phone = rows[-1]
    lines.append(
        f"phone-sized picture ({phone['size']}): original {phone['original']:,} B; "
        f"390px@1x {phone[(390, 1)][1]:,} B, 390px@3x {phone[(390, 3)][1]:,} B "
        f"(JPEG fallback {phone[(390, 1)][2]:,} / {phone[(390, 3)][2]:,} B)"
    )
    lines.append(
        f"time to check and render one photo: median "
        f"{statistics.median(r['seconds'] for r in demo) * 1000:.0f} ms (1600×900), "
        f"{phone['seconds'] * 1000:.0f} ms ({phone['size']})"
    )
    lines += ["", inline_table(demo, phone)]
    report = "\n".join(lines)
    print(report)
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "photo_weight.txt").write_text(report + "\n")


if __name__ == "__main__":
    main()
