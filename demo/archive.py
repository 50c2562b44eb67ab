"""A large synthetic archive for load testing and benchmarks.

Tag frequencies follow a Zipf law, as in a real newsroom: the first tag sits on
about a third of all articles ("China"), the long tail on a handful each
("Changsha"). Rows are written with `bulk_create` in batches, so 100,000 articles
take a minute or two rather than the hours that one `save()` each would.
"""

import bisect
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles import related
from articles.models import Article, Author, Byline, Section

BATCH = 2000
ARCHIVE_SLUG_PREFIX = "archive-"

# The heads of the distribution read like a newsroom's most used topics; the tail
# gets invented place and company names.
COMMON_TOPICS = [
    "China",
    "United States",
    "Economy",
    "Technology",
    "Trade",
    "Politics",
    "Artificial intelligence",
    "Climate change",
    "Markets",
    "Europe",
    "Energy",
    "Japan",
    "Elections",
    "Health",
    "Semiconductors",
    "Electric vehicles",
    "Interest rates",
    "Hong Kong",
    "India",
    "Property",
]
SECTIONS = [
    "News",
    "Business",
    "Technology",
    "Economy",
    "World",
    "Opinion",
    "Science",
    "Culture",
]
SYLLABLES = (
    "an ba chen da fei gan hu jin ka lan ma nan ou pa qi ran sha tan wu xi yan zhu "
    "bo cu de el fo gi ho ir ja ko lu mo ni ol pu ri so tu vi yo za"
).split()
WORDS = (
    "growth plan talks factory exports bank rates robots chips port market deal "
    "vote budget strike merger reform drought storm launch probe ruling rally "
    "slump record surge crisis summit tariff loan startup hospital satellite"
).split()

# Tags per article: most stories carry four to six.
TAGS_PER_ARTICLE = [2, 3, 4, 4, 5, 5, 5, 6, 6, 7, 8]
# Share of seeded articles in each status; the rest are published.
OTHER_STATUSES = [
    (Article.Status.DRAFT, 0.03),
    (Article.Status.UNPUBLISHED, 0.01),
    (Article.Status.IN_REVIEW, 0.01),
]


@dataclass
class SeedResult:
    articles: int
    tags: int


def _invented_name(rng: random.Random) -> str:
    parts = rng.randint(2, 4)
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _ensure_tags(count: int, rng: random.Random) -> list[Tag]:
    """The archive's vocabulary, most frequent first; existing ones are reused."""
    existing = {tag.name.lower(): tag for tag in Tag.objects.all()}
    names: list[str] = []
    seen: set[str] = set()
    candidates = itertools.chain(
        COMMON_TOPICS, (_invented_name(rng) for _ in itertools.count())
    )
    for name in candidates:
        if len(names) >= count:
            break
        if name.lower() in seen:
            continue
        seen.add(name.lower())
        names.append(name)
    missing = [
        Tag(name=name, slug=slugify(name))
        for name in names
        if name.lower() not in existing
    ]
    Tag.objects.bulk_create(missing, batch_size=BATCH)
    by_name = {tag.name.lower(): tag for tag in Tag.objects.filter(name__in=names)}
    by_name.update({k: v for k, v in existing.items() if k in seen})
    return [by_name[name.lower()] for name in names]


def _ensure_rows(model, names: list[str]) -> list:
    rows = []
    for name in names:
        row, _ = model.objects.get_or_create(
            slug=slugify(name), defaults={"name": name}
        )
        rows.append(row)
    return rows


def _zipf_cumulative(count: int, exponent: float = 1.0) -> list[float]:
    return list(
        itertools.accumulate(1 / rank**exponent for rank in range(1, count + 1))
    )


def seed_archive(
    articles: int,
    tags: int,
    *,
    years: int = 10,
    seed: int = 1,
    progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Add `articles` articles tagged from a vocabulary of `tags` tags."""
    rng = random.Random(seed + Article.objects.count())
    vocabulary = _ensure_tags(tags, rng)
    sections = _ensure_rows(Section, SECTIONS)
    authors = _ensure_rows(
        Author, [f"{_invented_name(rng)} Reporter" for _ in range(60)]
    )
    article_type = ContentType.objects.get_for_model(Article)
    cumulative = _zipf_cumulative(len(vocabulary))
    total_weight = cumulative[-1]
    now = timezone.now()
    span = timedelta(days=365 * years).total_seconds()
    start = Article.objects.filter(slug__startswith=ARCHIVE_SLUG_PREFIX).count()

    def pick_tags() -> set[int]:
        wanted = min(rng.choice(TAGS_PER_ARTICLE), len(vocabulary))
        picked: set[int] = set()
        while len(picked) < wanted:
            index = bisect.bisect_left(cumulative, rng.random() * total_weight)
            picked.add(vocabulary[min(index, len(vocabulary) - 1)].pk)
        return picked

    def pick_status() -> str:
        roll = rng.random()
        for status, share in OTHER_STATUSES:
            if roll < share:
                return status
            roll -= share
        return Article.Status.PUBLISHED

    written = 0
    while written < articles:
        size = min(BATCH, articles - written)
        batch, tag_sets = [], []
        for offset in range(size):
            number = start + written + offset + 1
            words = rng.sample(WORDS, 3)
            place = _invented_name(rng)
            headline = f"{place} {words[0]} {words[1]} as {words[2]} looms"
            status = pick_status()
            # Archives grow: recent years hold more articles than early ones.
            age = span * (1 - rng.random() ** 0.7)
            publish_at = now - timedelta(seconds=age, minutes=1)
            batch.append(
                Article(
                    headline=headline,
                    slug=f"{ARCHIVE_SLUG_PREFIX}{number}",
                    standfirst=f"What the {words[0]} in {place} means.",
                    body=f"<p>{headline}.</p><p>Archive article {number}.</p>",
                    section=rng.choice(sections),
                    status=status,
                    publish_at=None if status == Article.Status.DRAFT else publish_at,
                    first_published_at=(
                        None if status == Article.Status.DRAFT else publish_at
                    ),
                )
            )
            tag_sets.append(pick_tags())
        with transaction.atomic():
            created = Article.objects.bulk_create(batch)
            TaggedItem.objects.bulk_create(
                [
                    TaggedItem(content_type=article_type, object_id=a.pk, tag_id=t)
                    for a, tag_ids in zip(created, tag_sets, strict=True)
                    for t in tag_ids
                ]
            )
            Byline.objects.bulk_create(
                [Byline(article=a, author=rng.choice(authors)) for a in created]
            )
            related.refresh_articles([a.pk for a in created])
        written += size
        if progress:
            progress(size)
    return SeedResult(articles=written, tags=len(vocabulary))
