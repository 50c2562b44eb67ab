"""Serving under load: cached and uncached pages against the framework's ceiling.

    make bench                                          # SQLite
    DATABASE_URL=postgres://... REDIS_URL=redis://... make bench   # PostgreSQL + Redis

Builds its own database (as bench/related_bench.py does), grows it with
`seed_archive` to each size, starts the site under gunicorn (gunicorn.conf.py,
DEBUG off, WEB_CONCURRENCY workers, by default gunicorn.conf.py's 2 x CPUs + 1)
on loopback and drives it with wrk. Per size
it prints, under the same load: requests per second and p50/p99 latency of
(a) a minimal Django view returning a page of the article page's size with no
database (bench/ceiling.py), (b) article pages from the page cache, (c) article
pages with the cache off, (d) the home page with the cache off, (e) conditional
GETs answered 304, (f) article pages through Varnish (deploy/varnish/default.vcl)
in front of (b)'s server, (g) nginx serving the same pages' bytes from files (the
web server's ceiling here); each as a ratio to (a), (f) also to (g); in the same
rounds, what bounds (c):
the article's own row read through the ORM or by hand-written SQL with nothing
rendered, and the ORM read rendered in the page shell; what bounds (f): the same
pages through Varnish with an empty VCL; then every page type,
uncached, with its p50 and query count. Tables are written to
bench-results/serve-<database>.md.
"""

import argparse
import contextlib
import multiprocessing
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import edge
from related_bench import RESULTS, ROOT, bench_database_url

PORT = int(os.environ.get("BENCH_PORT", "18410"))
# gunicorn.conf.py's default, the production shape: workers waiting on the
# database or Redis leave the processors to the others.
WORKERS = multiprocessing.cpu_count() * 2 + 1
TARGETS = {"b": 0.9, "d": 0.2}
# (f) is measured against (g), the web server's ceiling, not against (a).
EDGE_TARGET = 0.8
# (c) against (3), the least an uncached article page can do here: its row read
# through the ORM and rendered in the page shell.
UNCACHED_TARGET = 0.6
ROUNDS = 2
LABELS = {
    "a": "(a) minimal Django view, no database",
    "b": "(b) article page, from the page cache",
    "c": "(c) article page, cache off",
    "d": "(d) home page, cache off",
    "e": "(e) conditional GET answered 304",
    "f": "(f) article page, through Varnish",
    "g": "(g) the same bytes from files, nginx",
}
# What bounds (c): the least an uncached article page can do (bench/ceiling.py).
FLOOR_LABELS = {
    "orm": "(1) the article's row read through the ORM, nothing rendered",
    "sql": "(2) the same row read by hand-written SQL, nothing rendered",
    "shell": "(3) the ORM read, rendered in the site's page shell",
}
# What bounds (f): Varnish itself, with nothing in its VCL.
BARE_VARNISH_LABEL = "(4) the same pages through Varnish with an empty VCL"


def server_env(database_url: str, *, cache: bool) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.ceiling_settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", ""),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_STATIC_ROOT": str(RESULTS / "static"),
        "DJANGO_CACHE_PREFIX": "bench",
        "NEWSROOM_PAGE_CACHE_DIR": str(RESULTS / "page-cache"),
        "NEWSROOM_PAGE_CACHE": "1" if cache else "0",
        "NEWSROOM_ACCESS_LOG": "",
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", str(WORKERS)),
        "PYTHONPATH": str(ROOT),
    }
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


# PostgreSQL and Redis share this machine's processors with the servers and wrk;
# in production they have their own. With Linux's scheduler autogroups (one per
# session), the load script's saturating load starved PostgreSQL's processes: a
# backend waited up to 4 s for a processor to answer a 0.1 ms query in the
# middle of a publish. There the servers and wrk start `below_database`: each in
# a session of its own, whose autogroup runs at this nice level. The serving
# benchmark keeps them in its own session, beside each other: in groups of their
# own, wrk and the servers split the processors differently and (a) to (e) shift.
LOAD_NICE = 10


def start(args: list[str], *, below_database: bool, **kwargs) -> subprocess.Popen:
    if not below_database:
        return subprocess.Popen(args, **kwargs)
    process = subprocess.Popen(args, start_new_session=True, **kwargs)
    with contextlib.suppress(OSError):  # no autogroups: nothing to lower
        Path(f"/proc/{process.pid}/autogroup").write_text(str(LOAD_NICE))
    return process


@contextlib.contextmanager
def gunicorn(env: dict, port: int, *, below_database: bool = False):
    process = start(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"]
        + ["--bind", f"127.0.0.1:{port}", "newsroom.wsgi"],
        below_database=below_database,
        cwd=ROOT,
        env=env,
        stderr=open(RESULTS / f"gunicorn-{port}.log", "w"),  # noqa: SIM115
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # A minute: on a busy machine, below the database, a start takes a while.
        for _ in range(300):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + "/robots.txt", timeout=2).read()
                break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not start on port {port}")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker stuck past its graceful end
            process.kill()
            process.wait()


def wrk(
    url: str,
    seconds: int,
    connections: int,
    paths=None,
    headers=None,
    *,
    below_database: bool = False,
) -> dict:
    """One wrk run: requests/s, p50 and p99 in ms, errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        quoted = ", ".join(f'"{path}"' for path in (paths or ["/"]))
        extra = "".join(
            f'wrk.headers["{name}"] = "{value}"\n'
            for name, value in (headers or {}).items()
        )
        script.write(
            f"{extra}paths = {{{quoted}}}\n"
            "request = function()\n"
            "  return wrk.format(nil, paths[math.random(#paths)])\n"
            "end\n"
        )
    process = start(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s"]
        + ["--latency"]
        + ["-s", script.name, url],
        below_database=below_database,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    output, problems = process.communicate()
    if process.returncode:
        raise RuntimeError(f"wrk failed: {problems}")
    os.unlink(script.name)
    # Requests wrk left queued are answered before the next run starts.
    for _ in range(connections):
        fetch(url + "/robots.txt")

    def latency(share: str) -> float:
        value, unit = re.search(
            rf"^\s+{share}%\s+([\d.]+)(us|ms|s)", output, re.M
        ).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = sum(
        int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output)
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if int(re.search(r"(\d+) requests in", output).group(1)) == 0:
        return {"rps": 0.0, "p50": None, "p99": None, "errors": errors}
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def fetch(url: str, headers=None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), b""


def pick_pages(samples: int) -> dict:
    """The addresses to load, one list per page type, from the seeded archive."""
    from django.db.models import Count
    from taggit.models import Tag

    from articles.models import Article, Author, Section

    live = Article.objects.live().select_related("section")
    articles = [a.get_absolute_url() for a in live.order_by("?")[:samples]]
    section = Section.objects.annotate(n=Count("articles")).order_by("-n").first()
    tag = Tag.objects.annotate(n=Count("taggit_taggeditem_items")).order_by("-n")[0]
    author = Author.objects.annotate(n=Count("bylines")).order_by("-n").first()
    word = live.first().headline.split()[0]
    return {
        "home": ["/"],
        "section": [section.get_absolute_url()],
        "tag (most used)": [f"/tags/{tag.slug}/"],
        "author": [author.get_absolute_url()],
        "article": articles,
        "feed": ["/feeds/"],
        "tag feed": [f"/feeds/tags/{tag.slug}/"],
        "sitemap index": ["/sitemap.xml"],
        "sitemap part": ["/sitemap-articles.xml"],
        "news sitemap": ["/news-sitemap.xml"],
        "search": [f"/search/?q={word}"],
    }


def query_counts(pages: dict) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    for kind, paths in pages.items():
        client.get(paths[0])  # warm this process's per-site lookups
        with CaptureQueriesContext(connection) as queries:
            status = client.get(paths[0]).status_code
        assert status == 200, (paths[0], status)
        counts[kind] = len(queries)
    return counts


def measure(database_url: str, pages: dict, seconds: int, connections: int) -> tuple:
    """The five core measurements, taken in alternating rounds so that a busy
    machine slows them alike, then every page type uncached."""
    article = pages["article"]
    off_env = server_env(database_url, cache=False)
    on_env = {
        **server_env(database_url, cache=True),
        # Varnish keeps the pages as long as the site says it may: until a purge.
        "NEWSROOM_PURGER": "varnish",
        "NEWSROOM_VARNISH_URLS": f"http://127.0.0.1:{PORT + 2}",
    }
    with contextlib.ExitStack() as servers:
        off = servers.enter_context(gunicorn(off_env, PORT))
        on = servers.enter_context(gunicorn(on_env, PORT + 1))
        varnish = servers.enter_context(edge.varnish(PORT + 1, PORT + 2, start))
        bare = servers.enter_context(
            edge.varnish(PORT + 1, PORT + 4, start, vcl=edge.EMPTY_VCL)
        )
        files = {path: fetch(on + path)[2] for path in article}
        nginx = servers.enter_context(edge.nginx(files, PORT + 3, start))
        size = len(fetch(off + article[0])[2])
        ceiling = [f"/ceiling/{size}/"]
        wrk(off, 2, connections, ceiling)  # warm-up
        # Fills the page cache, then Varnish; and what the pages keep for the
        # generation, as it is between two changes (the cache-off rows).
        for path in article:
            fetch(on + path)
            fetch(varnish + path)
            fetch(bare + path)
            fetch(off + path)
        etag = fetch(on + article[0])[1]["ETag"]
        assert fetch(on + article[0], {"If-None-Match": etag})[0] == 304
        runs = {
            "a": lambda s: wrk(off, s, connections, ceiling),
            "b": lambda s: wrk(on, s, connections, article),
            "c": lambda s: wrk(off, s, connections, article),
            "d": lambda s: wrk(off, s, connections, ["/"]),
            "e": lambda s: wrk(
                on, s, connections, article[:1], {"If-None-Match": etag}
            ),
            "f": lambda s: wrk(varnish, s, connections, article),
            "g": lambda s: wrk(nginx, s, connections, article),
            "bare": lambda s: wrk(bare, s, connections, article),
            **{
                key: lambda s, paths=paths: wrk(off, s, connections, paths)
                for key, paths in floor_paths(article, size).items()
            },
        }
        rounds = [
            {key: run(max(2, seconds // ROUNDS)) for key, run in runs.items()}
            for _ in range(ROUNDS)
        ]
        core = {key: combined([r[key] for r in rounds]) for key in runs}
        # One request per processor at a time: p50 is what the page itself costs.
        kinds = {
            kind: wrk(off, max(5, seconds // 2), multiprocessing.cpu_count(), paths)
            for kind, paths in pages.items()
        }
    return size, core, kinds


def floor_paths(article: list[str], size: int) -> dict:
    slugs = [path.rstrip("/").rsplit("/", 1)[-1] for path in article]
    return {
        "orm": [f"/floor/orm/{size}/{slug}/" for slug in slugs],
        "sql": [f"/floor/sql/{size}/{slug}/" for slug in slugs],
        "shell": [f"/floor/shell/{slug}/" for slug in slugs],
    }


def combined(runs: list[dict]) -> dict:
    return {
        "rps": sum(r["rps"] for r in runs) / len(runs),
        "p50": sum(r["p50"] for r in runs) / len(runs),
        "p99": max(r["p99"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--tags", type=int, default=5000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("The serving benchmark needs wrk (apt-get install wrk).")
    os.environ.setdefault("BENCH_SECRET_KEY", secrets.token_urlsafe(50))
    database_url = bench_database_url()
    env = server_env(database_url, cache=False)
    shutil.rmtree(RESULTS / "page-cache", ignore_errors=True)
    if os.environ.get("REDIS_URL"):
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    import django

    django.setup()
    from django.db import connection

    from articles.models import Article

    vendor = connection.vendor + (" + Redis" if os.environ.get("REDIS_URL") else "")
    results = []
    for size in [int(size) for size in args.sizes.split(",")]:
        missing = size - Article.objects.count()
        manage(
            env, "seed_archive", "--articles", str(missing), "--tags", str(args.tags)
        )
        with connection.cursor() as cursor:
            analyze = (
                "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
            )
            cursor.execute(analyze)
        connection.close()
        pages = pick_pages(args.samples)
        counts = query_counts(pages)
        connection.close()
        print(f"Measuring {size:,} articles …", file=sys.stderr)
        page_size, core, kinds = measure(
            database_url, pages, args.seconds, args.connections
        )
        results.append((size, page_size, core, kinds, counts))
    report = format_report(vendor, args, results)
    print(report)
    RESULTS.mkdir(exist_ok=True)
    name = vendor.replace(" + ", "-").lower()
    (RESULTS / f"serve-{name}.md").write_text(report)


def milliseconds(value: float | None) -> str:
    return "no answer in the run" if value is None else f"{value:.1f} ms"


def format_report(vendor: str, args, results: list) -> str:
    workers = os.environ.get("WEB_CONCURRENCY", str(WORKERS))
    lines = [
        f"Serving benchmark on {vendor}: gunicorn, {workers} workers, DEBUG off; "
        f"wrk, {args.connections} connections, {args.seconds} s per row "
        f"in {ROUNDS} alternating rounds",
        "",
    ]
    for size, page_size, core, _, _ in results:
        lines += [
            f"{size:,} articles (article page {page_size:,} bytes)",
            "",
            "| what | req/s | p50 | p99 | ratio to (a) | target | errors |",
            "| --- | ---: | ---: | ---: | ---: | --- | ---: |",
        ]
        for key in "abcdefg":
            row = core[key]
            ratio = row["rps"] / core["a"]["rps"]
            target = TARGETS.get(key)
            verdict = (
                f"≥ {target} {'met' if ratio >= target else 'MISSED'}" if target else ""
            )
            if key == "c":
                to_shell = row["rps"] / core["shell"]["rps"]
                met = "met" if to_shell >= UNCACHED_TARGET else "MISSED"
                verdict = f"{to_shell:.3f} of (3): ≥ {UNCACHED_TARGET} {met}"
            if key == "f":
                to_g = row["rps"] / core["g"]["rps"]
                met = "met" if to_g >= EDGE_TARGET else "MISSED"
                verdict = f"{to_g:.3f} of (g): ≥ {EDGE_TARGET} {met}"
            lines.append(
                f"| {LABELS[key]} | {row['rps']:.0f} | {row['p50']:.2f} ms "
                f"| {row['p99']:.2f} ms | {ratio:.3f} | {verdict} | {row['errors']} |"
            )
        lines += [
            "",
            "What bounds (c), in the same rounds: the least an uncached article "
            "page can do",
            "",
            "| what | req/s | p50 | ratio to (a) | errors |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for key, label in FLOOR_LABELS.items():
            row = core[key]
            lines.append(
                f"| {label} | {row['rps']:.0f} | {row['p50']:.2f} ms "
                f"| {row['rps'] / core['a']['rps']:.3f} | {row['errors']} |"
            )
        lines += [
            "",
            "What bounds (f), in the same rounds: Varnish itself on this machine",
            "",
            "| what | req/s | p50 | ratio to (g) | (f) to it | errors |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        bare = core["bare"]
        lines += [
            f"| {BARE_VARNISH_LABEL} | {bare['rps']:.0f} | {bare['p50']:.2f} ms "
            f"| {bare['rps'] / core['g']['rps']:.3f} "
            f"| {core['f']['rps'] / bare['rps']:.3f} | {bare['errors']} |",
            "",
        ]
    sizes = [f"{size:,}" for size, *_ in results]
    lines += [
        "Every page type, cache off: p50 latency with one request per processor at "
        "a time, and queries",
        "",
        "| page | "
        + " | ".join(f"p50 at {s}" for s in sizes)
        + " | "
        + " | ".join(f"queries at {s}" for s in sizes)
        + " |",
        "| --- |" + " ---: |" * (2 * len(sizes)),
    ]
    for kind in results[0][3]:
        p50s = " | ".join(milliseconds(r[3][kind]["p50"]) for r in results)
        counts = " | ".join(str(r[4][kind]) for r in results)
        lines.append(f"| {kind} | {p50s} | {counts} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
