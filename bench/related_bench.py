"""Related stories, tag pages and the admin list on archives of growing size.

    make bench                          # SQLite, in bench-results/bench.sqlite3
    DATABASE_URL=postgres://... make bench   # PostgreSQL, in database <name>_bench

The benchmark builds its own database (never the development one), grows a
synthetic archive to each size with `seed_archive`, and prints one table row per
size: the time to compute one article's related list (median and p95 over
random live articles), the queries an article page costs, the time of a tag
page and of the admin article list. The table is also written to
bench-results/related-<database>.md.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
sys.path.insert(0, str(ROOT))


def bench_database_url(sqlite_name: str = "bench.sqlite3", *, keep=False) -> str:
    """A database of the benchmark's own, emptied first unless `keep` asks to
    grow the one a previous run left."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        name = parts.path.lstrip("/") + "_bench"
        import psycopg

        admin_url = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if exists and not keep:
                connection.execute(f'DROP DATABASE "{name}"')
            if not (exists and keep):
                connection.execute(f'CREATE DATABASE "{name}"')
        return urlunsplit(parts._replace(path=f"/{name}"))
    if url:
        sys.exit("The benchmark runs on SQLite or on PostgreSQL (DATABASE_URL).")
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / sqlite_name
    if not keep:
        path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--tags", type=int, default=5000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    os.environ["DATABASE_URL"] = bench_database_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from tqdm import tqdm

    from articles.models import Article
    from articles.related import related_articles
    from demo.archive import seed_archive
    from tests.factories import make_user

    setup_test_environment()
    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    client = Client()
    client.force_login(make_user(is_staff=True, is_superuser=True))
    rng = random.Random(7)
    rows = []
    for size in sizes:
        missing = size - Article.objects.count()
        with tqdm(total=missing, unit="article", desc=f"seeding {size}") as bar:
            seed_archive(missing, args.tags, progress=bar.update)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")

        live_ids = list(Article.objects.live().values_list("pk", flat=True))
        sample = rng.sample(live_ids, min(args.samples, len(live_ids)))
        related_ms = []
        for pk in sample:
            article = Article.objects.prefetch_related("tags").get(pk=pk)
            related_ms += timed(lambda a=article: related_articles(a), 1)

        page_queries = set()
        for pk in sample[:20]:
            url = Article.objects.select_related("section").get(pk=pk)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url.get_absolute_url())
            assert response.status_code == 200, url
            page_queries.add(len(queries))

        tags = list(
            Article.objects.live()
            .values_list("tags__slug", flat=True)
            .exclude(tags__slug=None)
            .order_by("?")[:20]
        )
        tag_ms = []
        for slug in tags:
            client.get(f"/tags/{slug}/")
            tag_ms += timed(lambda s=slug: client.get(f"/tags/{s}/"), 3)

        admin_ms = timed(lambda: client.get("/admin/articles/article/"), 10)
        rows.append(
            (
                size,
                statistics.median(related_ms),
                percentile(related_ms, 0.95),
                "–".join(
                    str(n) for n in sorted({min(page_queries), max(page_queries)})
                ),
                statistics.median(tag_ms),
                percentile(tag_ms, 0.95),
                statistics.median(admin_ms),
            )
        )

    header = (
        f"Related stories benchmark on {vendor}, {args.tags} tags, "
        f"{len(sample)} random live articles per size\n\n"
        "| articles | related list median | related list p95 | article page "
        "queries | tag page median | tag page p95 | admin article list median |\n"
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    )
    table = header + "".join(
        f"| {size:,} | {med:.1f} ms | {p95:.1f} ms | {queries} | {tag:.1f} ms "
        f"| {tag95:.1f} ms | {admin:.1f} ms |\n"
        for size, med, p95, queries, tag, tag95, admin in rows
    )
    print()
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"related-{vendor}.md").write_text(table)


if __name__ == "__main__":
    main()
