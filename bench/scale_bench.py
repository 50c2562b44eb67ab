"""Archive scale: import, renditions, search and list pages on large archives.

    make bench                                  # SQLite, in bench-results/
    DATABASE_URL=postgres://... make bench      # PostgreSQL, in <name>_scale_bench

Builds databases of its own (never the development one) and prints two tables:

- Import: `import_articles` of a synthetic archive of each size (stories over
  300 pictures, each used by many stories, some credited differently), wall
  time and stories per second; then the task worker making the renditions of
  the archive's pictures, and the time from one upload to its renditions being
  ready with the worker running.
- Pages at the search size (100,000 seeded articles): search (median and p95
  over random one- and two-word queries) and the tag, section and author
  pages (p95), each as readers request it between two changes, with
  production settings and the page cache off (what pages keep for the content
  generation, such as a list's count, kept); then each list page as the first
  reader after a change gets it, with nothing kept.

The tables are written to bench-results/scale-<database>.md.
"""

import argparse
import io
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
sys.path.insert(0, str(ROOT))


def fresh_database(tag: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        name = f"{parts.path.lstrip('/')}_{tag}"
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        return urlunsplit(parts._replace(path=f"/{name}"))
    if url:
        sys.exit("The benchmark runs on SQLite or on PostgreSQL (DATABASE_URL).")
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{tag}.sqlite3"
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed_get(client, url: str, allowed=(200,)) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code in allowed, (url, response.status_code)
    return elapsed


def run_worker() -> None:
    from django.core.management import call_command

    call_command(
        "db_worker",
        batch=True,
        interval=0,
        reload=False,
        startup_delay=False,
        verbosity=0,
    )


def bench_import(sizes: list[int], pictures: int) -> list[str]:
    from django.core.management import call_command

    from articles.models import Photo
    from articles.photos.storage import save_photo
    from articles.photos.validation import prepare_image
    from demo.interchange_archive import archive_picture, write_archive

    rows = []
    for size in sizes:
        folder = RESULTS / f"archive-{size}"
        archive = write_archive(folder, stories=size, pictures=pictures)
        start, cpu = time.perf_counter(), time.process_time()
        call_command(
            "import_articles", str(archive), stdout=io.StringIO(), stderr=sys.stderr
        )
        imported = time.perf_counter() - start
        # On a shared machine the wall time counts other work too; CPU time not.
        import_cpu = time.process_time() - cpu
        start = time.perf_counter()
        run_worker()
        rendered = time.perf_counter() - start
        assert not Photo.objects.filter(renditions={}).exists()

        # One upload with a worker running: how long until its renditions exist.
        # A picture of its own, the same size as the archive's (the library
        # refuses a picture it already has).
        picture = folder / "photos" / "upload.jpg"
        picture.write_bytes(archive_picture(random.Random(size), pictures))
        prepared = prepare_image(picture, picture.name)
        worker = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "db_worker", "--no-reload"],
            stderr=subprocess.DEVNULL,
        )
        time.sleep(3)  # let it start and find the queue empty
        photo = Photo(alt_text="Upload", caption="Upload")
        start = time.perf_counter()
        save_photo(photo, prepared)
        while not Photo.objects.get(pk=photo.pk).renditions:
            time.sleep(0.02)
        ready = time.perf_counter() - start
        worker.terminate()
        worker.wait()
        rows.append(
            f"| {size:,} | {pictures} | {imported:.0f} s ({imported / 60:.1f} min) "
            f"| {import_cpu:.0f} s | {size / imported:.0f} | {rendered:.0f} s "
            f"({rendered / pictures:.2f} s per picture) | {ready:.2f} s |\n"
        )
    return rows


def bench_pages(size: int, tags: int, samples: int) -> list[str]:
    from django.db import connection
    from django.test import Client
    from taggit.models import Tag
    from tqdm import tqdm

    from articles.cache.generation import bump
    from articles.models import Article, Author, Section
    from demo.archive import COMMON_TOPICS, WORDS, seed_archive

    with tqdm(total=size, unit="article", desc=f"seeding {size}") as bar:
        seed_archive(size, tags, progress=bar.update)
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
        )
    rng = random.Random(11)
    client = Client()
    vocabulary = WORDS + [t.lower() for t in COMMON_TOPICS]
    queries = [
        " ".join(rng.sample(vocabulary, rng.choice([1, 1, 2]))) for _ in range(samples)
    ]
    results = {}
    for query in queries[:5]:
        client.get("/search/", {"q": query})  # warm the connection and caches
    results["search"] = [timed_get(client, f"/search/?q={q}") for q in queries]
    results["search, page 5"] = [
        # 404 when a query has fewer pages: still a full search.
        timed_get(client, f"/search/?q={q}&page=5", allowed=(200, 404))
        for q in queries[: samples // 2]
    ]
    live = Article.objects.live()
    tag_slugs = list(
        Tag.objects.filter(pk__in=live.values("tags"))
        .order_by("?")
        .values_list("slug", flat=True)[:samples]
    )
    sections = list(Section.objects.values_list("slug", flat=True))
    authors = list(Author.objects.values_list("slug", flat=True))
    # Between two changes: each list's count is kept once it has been read.
    for url in [
        *(f"/tags/{s}/" for s in tag_slugs),
        *(f"/{s}/" for s in sections),
        *(f"/authors/{s}/" for s in authors),
    ]:
        client.get(url)
    results["tag page"] = [timed_get(client, f"/tags/{s}/") for s in tag_slugs]
    results["section page"] = [
        timed_get(client, f"/{rng.choice(sections)}/") for _ in range(samples)
    ]
    results["author page"] = [
        timed_get(client, f"/authors/{rng.choice(authors)}/") for _ in range(samples)
    ]
    # The first reader after a change: nothing kept for the generation yet (the
    # lists' counts, the navigation).
    pages = {
        "tag page, first after a change": [f"/tags/{s}/" for s in tag_slugs],
        "section page, first after a change": [f"/{s}/" for s in sections],
        "author page, first after a change": [f"/authors/{s}/" for s in authors],
    }
    for name, urls in pages.items():
        results[name] = []
        for _ in range(samples // 2):
            bump()
            results[name].append(timed_get(client, rng.choice(urls)))
    return [
        f"| {name} | {statistics.median(ms):.1f} ms | {percentile(ms, 0.95):.1f} ms "
        f"| {len(ms)} |\n"
        for name, ms in results.items()
    ]


def phase(name: str, size: int, args) -> list[str]:
    """Run one measurement in a process of its own, on a database of its own."""
    # Production settings (DEBUG off), the page cache off: every request renders.
    env = {
        **os.environ,
        "DATABASE_URL": fresh_database(f"scale_{name}_{size}"),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "NEWSROOM_PAGE_CACHE": "0",
        "NEWSROOM_PAGE_CACHE_DIR": str(RESULTS / f"page-cache-scale-{name}"),
        "DJANGO_STATIC_ROOT": str(RESULTS / "static-scale"),
        "NEWSROOM_TASK_BACKEND": "database",
    }
    command = [sys.executable, __file__, "--phase", name, "--size", str(size)]
    command += ["--pictures", str(args.pictures), "--tags", str(args.tags)]
    command += ["--samples", str(args.samples)]
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True)
    if done.returncode:
        sys.exit(f"The {name} benchmark at {size:,} failed.")
    return [line + "\n" for line in done.stdout.splitlines() if line.startswith("|")]


def run_phase(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    # With DEBUG off pages need the collected files' manifest: the list pages,
    # and the front pages the worker warms after an import.
    call_command("collectstatic", "--noinput", verbosity=0)
    if args.phase == "import":
        rows = bench_import([args.size], args.pictures)
    else:
        rows = bench_pages(args.size, args.tags, args.samples)
    sys.stdout.write("".join(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--import-sizes", default="10000")
    parser.add_argument("--pictures", type=int, default=300)
    parser.add_argument("--search-size", type=int, default=100_000)
    parser.add_argument("--tags", type=int, default=5000)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--phase", choices=["import", "pages"], help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        run_phase(args)
        return
    vendor = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    sizes = [int(s) for s in args.import_sizes.split(",") if s]
    import_rows = [row for size in sizes for row in phase("import", size, args)]
    page_rows = phase("pages", args.search_size, args) if args.search_size else []
    table = (
        f"Import on {vendor}\n\n"
        "| stories | pictures | import_articles | its CPU time | stories/s | "
        "renditions by the worker | one upload to renditions ready |\n"
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        + "".join(import_rows)
        + f"\nPages on {vendor} at {args.search_size:,} articles, "
        f"{args.tags:,} tags\n\n"
        "| page | median | p95 | requests |\n| --- | ---: | ---: | ---: |\n"
        + "".join(page_rows)
    )
    print()
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"scale-{vendor}.md").write_text(table)


if __name__ == "__main__":
    main()
