"""Readers polling a live article: the share of polls answered 304, and the
server's processor time per poll.

    .venv/bin/python bench/live_polling.py                 # SQLite, 200 readers
    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python \\
        bench/live_polling.py --readers 200 --update-every 20

Builds a database of its own (bench-results/live.sqlite3, or <name>_bench on
PostgreSQL) with the demo site, whose running story is the live article, and
starts the site under gunicorn (DEBUG off, page cache on). Each of `--readers`
readers opens the article, then asks for new updates every `--interval`
seconds (15, as the page does), as the page's script does: with the ETag of
its last answer, and since the newest update it shows; `--showing` (half) of
the readers put new updates in place as soon as they are offered (their next
poll asks since the newest), the others leave them waiting under the "n new
updates" button (their polls keep their address). Meanwhile this process
posts an update through the workflow every `--update-every` seconds (60), so
that every reader finds one new update now and then, and the page cache turns
over with each.

Prints the polls, how many were answered 304, 200 or otherwise, the polls'
median and 95th percentile times, and the processor time gunicorn's processes
(master and workers) used during the run, per poll. Not part of the test
suite: it needs a quiet machine for a couple of minutes.
"""

import argparse
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

from related_bench import RESULTS, ROOT, bench_database_url
from serve_bench import manage, server_env, start

PORT = int(os.environ.get("LIVE_BENCH_PORT", "18470"))
SINCE = re.compile(rb'data-since="([0-9]+)"')
TICKS = os.sysconf("SC_CLK_TCK")


@contextmanager
def gunicorn_process(env: dict, port: int):
    """gunicorn serving the site; yields its address and master process."""
    process = start(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"]
        + ["--bind", f"127.0.0.1:{port}", "newsroom.wsgi"],
        below_database=True,
        cwd=ROOT,
        env=env,
        stderr=open(RESULTS / f"gunicorn-{port}.log", "w"),  # noqa: SIM115
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # a busy machine boots the workers slowly
            try:
                urllib.request.urlopen(base + "/robots.txt", timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not start on port {port}")
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def processor_seconds(pid: int) -> float:
    """User and system time of a process and its children, now alive, so far."""
    total = 0.0
    for each in [pid, *children(pid)]:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return total


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    return found


class Reader(threading.Thread):
    """One open live page: its first load, then a poll every `interval`."""

    def __init__(
        self, base: str, path: str, poll_path: str, interval: float, until, shows
    ):
        super().__init__(daemon=True)
        self.shows = shows  # puts new updates in place at once
        self.base, self.path, self.poll_path = base, path, poll_path
        self.interval, self.until = interval, until
        self.statuses: list[int] = []
        self.times: list[float] = []
        self.since = ""

    def open_page(self) -> None:
        _, _, body = get(self.base + self.path)
        self.since = SINCE.search(body).group(1).decode()

    def run(self) -> None:
        since, etag = self.since, None
        time.sleep(random.uniform(0, self.interval))
        while time.monotonic() < self.until:
            started = time.monotonic()
            headers = {"If-None-Match": etag} if etag else {}
            status, answer, body = get(
                f"{self.base}{self.poll_path}?since={since}", headers
            )
            self.times.append(time.monotonic() - started)
            self.statuses.append(status)
            if status == 200:
                etag = answer.get("ETag")
                found = SINCE.search(body)
                if self.shows and found and found.group(1).decode() != since:
                    since, etag = found.group(1).decode(), None
            time.sleep(max(0.0, self.interval - (time.monotonic() - started)))


def get(url: str, headers=None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), b""
    except OSError:
        return 0, {}, b""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--interval", type=float, default=15.0)
    parser.add_argument("--update-every", type=float, default=60.0)
    parser.add_argument("--showing", type=float, default=0.5)
    args = parser.parse_args()
    os.environ.setdefault("BENCH_SECRET_KEY", secrets.token_urlsafe(50))

    database_url = bench_database_url("live.sqlite3")
    env = server_env(database_url, cache=True)
    env["NEWSROOM_PAGE_CACHE_DIR"] = str(RESULTS / "live-page-cache")
    if os.environ.get("REDIS_URL"):
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(env, "load_demo")
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.urls import reverse

    from articles import workflow
    from articles.models import Article
    from tests.factories import make_user

    editor = make_user("live-bench-editor")
    editor.groups.add(Group.objects.get(name="Editor"))
    editor = type(editor).objects.get(pk=editor.pk)
    article = Article.objects.live().get(coverage_start_at__isnull=False)
    path = article.get_absolute_url()
    poll_path = reverse(
        "articles:live_updates", args=[article.section.slug, article.slug]
    )

    with ExitStack() as stack:
        base, server = stack.enter_context(gunicorn_process(env, PORT))
        get(base + path)  # the page and its first fragment rendered once
        until = time.monotonic() + args.seconds + 30  # set again below
        readers = [
            Reader(
                base,
                path,
                poll_path,
                args.interval,
                until,
                shows=n < args.readers * args.showing,
            )
            for n in range(args.readers)
        ]
        for reader in readers:
            reader.open_page()
        until = time.monotonic() + args.seconds
        for reader in readers:
            reader.until = until
        cpu_before = processor_seconds(server.pid)
        for reader in readers:
            reader.start()
        posted = 0
        while time.monotonic() < until - args.update_every / 2:
            time.sleep(args.update_every)
            posted += 1
            workflow.post_update(
                article,
                workflow.UpdateContent(body=f"<p>Benchmark update {posted}.</p>"),
                by=editor,
            )
        for reader in readers:
            reader.join()
        cpu = processor_seconds(server.pid) - cpu_before
        report(args, readers, posted, cpu, database_url)


def report(args, readers: list[Reader], posted: int, cpu: float, database_url):
    statuses = [status for reader in readers for status in reader.statuses]
    times = sorted(t for reader in readers for t in reader.times)
    polls = len(statuses)
    counts = {code: statuses.count(code) for code in sorted(set(statuses))}
    print(
        f"{args.readers} readers polling every {args.interval:g} s for "
        f"{args.seconds} s, {args.showing:.0%} showing new updates at once; "
        f"{posted} updates posted ({database_url.split(':')[0]}"
        f"{', Redis' if os.environ.get('REDIS_URL') else ''})"
    )
    print(f"polls: {polls}; by status: {counts}")
    print(f"answered 304: {counts.get(304, 0) / max(1, polls):.1%}")
    if times:
        p95 = times[int(len(times) * 0.95) - 1]
        print(
            f"poll time: median {statistics.median(times) * 1000:.1f} ms, "
            f"95th percentile {p95 * 1000:.1f} ms"
        )
    print(
        f"server processor time: {cpu:.2f} s in all, "
        f"{cpu / max(1, polls) * 1000:.2f} ms per poll"
    )


if __name__ == "__main__":
    main()
