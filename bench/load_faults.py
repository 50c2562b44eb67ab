"""Load and faults: readers under load while the newsroom changes articles.

    .venv/bin/python bench/load_faults.py --setup sqlite
    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python \\
        bench/load_faults.py --setup postgres        # or two-servers, redis-restart

Builds a database of its own (bench-results/load.sqlite3, or <name>_bench on
PostgreSQL) with a small archive, starts the site under gunicorn (DEBUG off, page
cache on) and sends 50 concurrent readers (wrk) at the home page, sections, tags
and articles for 60 seconds. Meanwhile this process publishes, edits (pending
changes, then "Publish changes") and unpublishes six of the newest articles
through the workflow, one change every `--interval` seconds (5), and after each
change reads the article as a reader through every server until the change
shows. Every change turns the whole page cache over, so the readers' pages are
rendered again after each.

Set-ups: `sqlite` (embedded default: one machine, page cache in a folder);
`postgres` (PostgreSQL + Redis from the environment); `two-servers` (two gunicorn
instances sharing them, readers on both); `redis-restart` (PostgreSQL and a Redis
server of its own, stopped 20 s in and started again 5 s later); `edge` (the
embedded default behind Varnish with deploy/varnish/default.vcl, purged by the
site: readers and checks go through Varnish, and the first read after each
change's purge has returned must already show it); `edge-outage` (the same, with
gunicorn stopped for 30 s in the middle of the run: readers must keep getting
200 from Varnish; no change is made while the origin is down).

The servers and wrk run below the database's scheduling priority, as if it had
a machine of its own (serve_bench.start says why).

Reports reader errors and failed checks (must be 0), reads that still showed
the old page right after the change returned (stale first reads: must be 0
through the edge, whose purge is sent before the change returns), and the median
and longest time from a change being made to every server showing it (the
longest must be under 1 second). Not part of the test suite: it needs a quiet
machine for a minute.
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from contextlib import ExitStack

from edge import varnish
from related_bench import RESULTS, bench_database_url
from serve_bench import WORKERS, fetch, gunicorn, manage, server_env, start, wrk

PORT = int(os.environ.get("LOAD_PORT", "18430"))
REDIS_PORT = int(os.environ.get("LOAD_REDIS_PORT", "18460"))
EDGE_PORT = int(os.environ.get("LOAD_EDGE_PORT", "18490"))
READERS = 50
OUTAGE_SECONDS = 30


def start_redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
        + ["--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        if (
            subprocess.run(
                ["redis-cli", "-p", str(port), "ping"], capture_output=True
            ).returncode
            == 0
        ):
            return process
        time.sleep(0.1)
    raise RuntimeError("redis-server did not start")


def reader_paths(samples: int) -> list[str]:
    """Where readers go in a spike: the home page, feed, section fronts and the
    newest stories."""
    from articles.models import Article, Section

    live = Article.objects.live().select_related("section").order_by("-publish_at")
    paths = ["/", "/feeds/", *(s.get_absolute_url() for s in Section.objects.all())]
    paths += [a.get_absolute_url() for a in live[:samples]]
    return paths


class Publisher:
    """Changes articles through the workflow and times until readers see it."""

    def __init__(self, servers: list[str], subjects, editor, *, origin=None):
        self.servers, self.subjects, self.editor = servers, subjects, editor
        self.origin = origin  # an OriginOutage: no change while it is down
        self.visible: list[float] = []
        self.failures: list[str] = []
        self.stale_first_reads = 0

    def run(self, until: float, interval: float) -> None:
        from articles import workflow

        step = 0
        while time.monotonic() < until - 2:
            if self.origin is not None and not self.origin.up():
                time.sleep(0.2)
                continue
            article = self.subjects[step % len(self.subjects)]
            phase = (step // len(self.subjects)) % 3
            article.refresh_from_db()
            url = article.get_absolute_url()
            started = time.monotonic()
            if phase == 0:
                workflow.unpublish(article, by=self.editor)
                self.wait_for(url, started, lambda s, body: s == 404)
            elif phase == 1:
                workflow.publish(article, by=self.editor)
                self.wait_for(url, started, lambda s, body: s == 200)
            else:
                marker = f"Correction {step}."
                content = workflow.ArticleContent.of(article)
                content.standfirst = marker
                workflow.edit(article, content, by=self.editor)
                workflow.publish_changes(article, by=self.editor)
                self.wait_for(
                    url, started, lambda s, body, m=marker: m.encode() in body
                )
            step += 1
            time.sleep(max(0.0, interval - (time.monotonic() - started)))

    def wait_for(self, path: str, started: float, shows) -> None:
        """Read `path` from every server at once until each shows the change; the
        change is visible when the last of them shows it."""
        seen: dict[str, float] = {}

        def watch(server: str) -> None:
            first = True
            while True:
                status, _, body = fetch(server + path)
                if status not in (200, 404):
                    self.failures.append(f"{status} from {server}{path}")
                if first and not shows(status, body):
                    self.stale_first_reads += 1
                first = False
                if shows(status, body):
                    seen[server] = time.monotonic() - started
                    return
                if time.monotonic() - started > 10:
                    self.failures.append(f"{server}{path} still stale after 10 s")
                    return

        watchers = [threading.Thread(target=watch, args=(s,)) for s in self.servers]
        for watcher in watchers:
            watcher.start()
        for watcher in watchers:
            watcher.join()
        if len(seen) == len(self.servers):
            self.visible.append(max(seen.values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--setup",
        choices=[
            "sqlite",
            "postgres",
            "two-servers",
            "redis-restart",
            "edge",
            "edge-outage",
        ],
        required=True,
    )
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    setup = args.setup
    os.environ.setdefault("BENCH_SECRET_KEY", secrets.token_urlsafe(50))
    edge = setup.startswith("edge")
    if setup == "sqlite" or edge:
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("REDIS_URL", None)
    elif not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit(f"--setup {setup} needs DATABASE_URL (PostgreSQL).")
    elif setup != "redis-restart" and not os.environ.get("REDIS_URL"):
        sys.exit(f"--setup {setup} needs REDIS_URL.")

    with ExitStack() as stack:
        redis_server = None
        if setup == "redis-restart":
            redis_server = start_redis(REDIS_PORT)
            stack.callback(stop_if_running, redis_server)
            os.environ["REDIS_URL"] = f"redis://127.0.0.1:{REDIS_PORT}/0"
        database_url = bench_database_url("load.sqlite3")
        env = server_env(database_url, cache=True)
        count = 2 if setup == "two-servers" else 1
        # Two app servers on this one machine share its processors: each gets its
        # share of the workers one server would have.
        env["WEB_CONCURRENCY"] = os.environ.get(
            "WEB_CONCURRENCY", str(max(2, WORKERS // count))
        )
        env["NEWSROOM_PAGE_CACHE_DIR"] = str(RESULTS / "load-page-cache")
        edge_base = f"http://127.0.0.1:{EDGE_PORT}"
        if edge:
            env["NEWSROOM_PURGER"] = "varnish"
            env["NEWSROOM_VARNISH_URLS"] = edge_base
        if os.environ.get("REDIS_URL"):
            import redis

            redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        manage(env, "seed_archive", "--articles", str(args.articles), "--tags", "500")
        os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
        import django

        django.setup()
        from django.contrib.auth.models import Group

        from articles.models import Article
        from tests.factories import make_user

        editor = make_user("load-editor")
        editor.groups.add(Group.objects.get(name="Editor"))
        editor = type(editor).objects.get(pk=editor.pk)
        subjects = list(Article.objects.live().order_by("-publish_at")[:6])
        paths = reader_paths(30)
        subject_paths = {a.get_absolute_url() for a in subjects}
        paths = [p for p in paths if p not in subject_paths]

        origin = None
        if edge:
            origin = stack.enter_context(OriginOutage(env, PORT))
            servers = [stack.enter_context(varnish(PORT, EDGE_PORT, start))]
            assert servers[0] == edge_base
        else:
            servers = [
                stack.enter_context(gunicorn(env, PORT + n, below_database=True))
                for n in range(count)
            ]
        for server in servers:
            for path in paths:
                fetch(server + path)
        publisher = Publisher(servers, subjects, editor, origin=origin)
        until = time.monotonic() + args.seconds
        loads = [{} for _ in servers]

        def read(n: int) -> None:
            loads[n] = wrk(
                servers[n], args.seconds, READERS // count, paths, below_database=True
            )

        threads = [threading.Thread(target=read, args=(n,)) for n in range(count)]
        if redis_server:
            threads.append(
                threading.Thread(target=restart_redis, args=(redis_server, stack))
            )
        if setup == "edge-outage":
            middle = (args.seconds - OUTAGE_SECONDS) / 2
            threads.append(
                threading.Thread(target=origin.stop_for, args=(middle, OUTAGE_SECONDS))
            )
        for thread in threads:
            thread.start()
        publisher.run(until, args.interval)
        for thread in threads:
            thread.join()

    report = format_report(setup, args, servers, loads, publisher, origin)
    print(report)
    (RESULTS / f"load-{setup}.md").write_text(report)


class OriginOutage:
    """The site's gunicorn behind the edge, which can be stopped for a while and
    started again; `up()` says whether changes may be made (the origin is
    serving, and the edge has seen it healthy again)."""

    # Varnish's probe (deploy/varnish/default.vcl) needs two good answers a
    # second apart to take the origin back.
    EDGE_SEES_IT_BACK = 4

    def __init__(self, env: dict, port: int):
        self.env, self.port = env, port
        self.down_since: float | None = None
        self.back_at = 0.0
        self.stopped_for = 0.0

    def __enter__(self):
        self.server = gunicorn(self.env, self.port, below_database=True)
        self.server.__enter__()
        return self

    def __exit__(self, *exc):
        self.server.__exit__(None, None, None)

    def up(self) -> bool:
        return self.down_since is None and time.monotonic() > self.back_at

    def stop_for(self, after: float, seconds: float) -> None:
        time.sleep(after)
        self.down_since = time.monotonic()
        self.server.__exit__(None, None, None)
        print(f"Origin stopped for {seconds:g} s", file=sys.stderr)
        time.sleep(seconds)
        self.server = gunicorn(self.env, self.port, below_database=True)
        self.server.__enter__()
        self.stopped_for = time.monotonic() - self.down_since
        self.back_at = time.monotonic() + self.EDGE_SEES_IT_BACK
        self.down_since = None
        print("Origin started again", file=sys.stderr)


def restart_redis(process: subprocess.Popen, stack: ExitStack) -> None:
    time.sleep(20)
    process.terminate()
    process.wait()
    print("Redis stopped", file=sys.stderr)
    time.sleep(5)
    stack.callback(stop_if_running, start_redis(REDIS_PORT))
    print("Redis started again", file=sys.stderr)


def stop_if_running(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait()


def format_report(setup, args, servers, loads, publisher, origin) -> str:
    errors = sum(load["errors"] for load in loads)
    requests = sum(load["rps"] for load in loads) * args.seconds
    worst = max(publisher.visible, default=float("nan"))
    median = statistics.median(publisher.visible) if publisher.visible else worst
    through = (
        f"Varnish in front of one gunicorn instance of "
        f"{os.environ['WEB_CONCURRENCY']} workers"
        if setup.startswith("edge")
        else f"{len(servers)} gunicorn instance(s) of "
        f"{os.environ['WEB_CONCURRENCY']} workers"
    )
    outage = (
        f"; the origin stopped for {origin.stopped_for:.0f} s in the middle"
        if origin is not None and origin.stopped_for
        else ""
    )
    return "\n".join(
        [
            f"Load and faults, set-up `{setup}`: {READERS} readers (wrk) for "
            f"{args.seconds} s through {through}, one change "
            f"every {args.interval:g} s through the workflow{outage}",
            "",
            "| reader requests | reader req/s | reader p99 | reader errors "
            "| changes | failed checks | stale first reads "
            "| median until visible | longest until visible | under 1 s |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
            f"| {requests:,.0f} | {sum(load['rps'] for load in loads):.0f} "
            f"| {max(load['p99'] for load in loads):.0f} ms | {errors} "
            f"| {len(publisher.visible)} | {len(publisher.failures)} "
            f"| {publisher.stale_first_reads} "
            f"| {median * 1000:.0f} ms | {worst * 1000:.0f} ms "
            f"| {'yes' if worst < 1 else 'NO'} |",
            "",
            *publisher.failures[:10],
        ]
    )


if __name__ == "__main__":
    main()
