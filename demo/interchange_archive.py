"""A synthetic archive as an interchange file, for import benchmarks and tests.

`write_archive(folder, stories, pictures)` writes `archive.json` and its
pictures as a newsroom moving to the site would hand them over: every picture
used by many stories, some of which credit it differently, tags following the
usual skew, bodies of a few paragraphs.
"""

import io
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

from demo.archive import COMMON_TOPICS, SECTIONS

WORDS = (
    "city council budget river port factory school hospital market railway "
    "harbour election court police museum festival weather typhoon drought "
    "farmers exports tariffs bank shares property housing rent students teachers "
    "robots chips software startup investors energy solar wind coal oil gas "
    "climate flood bridge airport tourism hotel restaurant football olympics "
    "minister governor mayor protest strike union workers wages inflation "
    "growth recession survey report data study scientists vaccine clinic "
    "doctors nurses patients ocean island village province capital border"
).split()
AGENCIES = ["Imaginechina", "Xinhua", "AFP", "Reuters", "AP"]
PHOTOGRAPHERS = ["Feng Fei", "Li Wei", "Ana Souza", "Tom Berg", "Mina Park"]


def archive_picture(rng: random.Random, index: int) -> bytes:
    image = Image.new("RGB", (1600, 1000), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(1600), rng.randrange(1000)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse(
            (x, y, x + rng.randrange(40, 400), y + rng.randrange(40, 300)), colour
        )
    draw.text((20, 20), f"Archive picture {index}", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return buffer.getvalue()


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randrange(8, 16))
    return " ".join(words).capitalize() + "."


def write_archive(folder: Path, stories: int, pictures: int, seed: int = 12) -> Path:
    """Write `archive.json` with `stories` stories over `pictures` pictures."""
    rng = random.Random(seed)
    folder = Path(folder)
    (folder / "photos").mkdir(parents=True, exist_ok=True)
    for index in range(pictures):
        path = folder / "photos" / f"picture-{index}.jpg"
        if not path.exists():
            path.write_bytes(archive_picture(rng, index))
    tail = [f"Place {n}" for n in range(2000)]
    start = datetime(2016, 1, 1, tzinfo=UTC)
    articles = []
    for n in range(stories):
        picture = n % pictures
        tags = {COMMON_TOPICS[min(int(rng.paretovariate(1.2)) - 1, 19)]}
        tags.update(rng.sample(tail, rng.randrange(1, 4)))
        credit = {
            "photographer": PHOTOGRAPHERS[picture % 5],
            "agency": AGENCIES[(picture + (n % 7 == 0)) % 5],
        }
        articles.append(
            {
                "slug": f"archive-story-{n}",
                "headline": _sentence(rng)[:-1][:90],
                "standfirst": _sentence(rng),
                "section": SECTIONS[n % len(SECTIONS)],
                "authors": [f"Reporter {n % 40}"],
                "published_at": (start + timedelta(hours=7 * n)).isoformat(),
                "status": "published",
                "body_html": "".join(
                    f"<p>{' '.join(_sentence(rng) for _ in range(4))}</p>"
                    for _ in range(4)
                ),
                "hero_photo": {
                    "file": f"photos/picture-{picture}.jpg",
                    "caption": _sentence(rng),
                    "alt_text": f"Archive picture {picture}",
                    "credit": credit,
                },
                "tags": sorted(tags),
            }
        )
    path = folder / "archive.json"
    document = {"format": "newsroom-articles", "version": 1, "articles": articles}
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path
