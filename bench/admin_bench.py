"""The admin screens editors open daily, at newsroom scale.

    make bench                               # SQLite, in bench-results/admin.sqlite3
    DATABASE_URL=postgres://... make bench   # PostgreSQL, in database <name>_bench

Builds its own database (never the development one), grows the synthetic archive
(`seed_archive`) to each size, with 300 library photos used as heroes and in
bodies, and 50 people in five roles (writers, editors, managing editors, admins,
superusers). Then, in-process with Django's test client and warm, it requests
each screen many times, spread over the people allowed to open it, and prints
the p50 and p95 per screen and size, with the queries one request costs. The
table is also written to bench-results/admin-<database>.md.
"""

import argparse
import gc
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from related_bench import RESULTS, bench_database_url, percentile  # noqa: E402

PHOTOS = 300
ROLES = {  # role: how many people
    "Writer": 20,
    "Editor": 15,
    "Managing editor": 5,
    "Admin": 5,
    "superuser": 5,
}
BUDGET_MS = 300


def people():
    """50 people in five roles; writers write under archive bylines."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from articles.models import Author

    User = get_user_model()
    made = {}
    authors = list(Author.objects.filter(user=None).order_by("pk"))
    for role, count in ROLES.items():
        made[role] = []
        for n in range(count):
            username = f"{role.lower().replace(' ', '-')}-{n}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(
                    username,
                    password="bench bench bench",
                    is_staff=True,
                    is_superuser=role == "superuser",
                )
                if role != "superuser":
                    user.groups.add(Group.objects.get(name=role))
                if role == "Writer" and authors:
                    author = authors.pop(0)
                    author.user = user
                    author.save(update_fields=["user"])
            made[role].append(user)
    return made


def photos_in_use():
    """300 library photos: a hero on every third story, placed in every tenth
    body; their uses recorded as the workflow records them."""
    from importlib import import_module

    from django.apps import apps
    from django.db import transaction

    from articles.models import Article, Photo, PhotoCredit, PhotoUsage

    if Photo.objects.count() < PHOTOS:
        credits = [
            PhotoCredit.objects.for_parts(agency=name)
            for name in ("Harbour Light Images", "AFP", "Reuters", "Imaginechina")
        ]
        Photo.objects.bulk_create(
            Photo(
                image=f"bench/photo-{n}.jpg",
                width=1600,
                height=900,
                sha256=f"{n:064x}",
                alt_text=f"Bench picture {n}",
                caption=f"Picture {n} of the bench archive",
                credit=credits[n % len(credits)],
            )
            for n in range(PHOTOS)
        )
    bench_photos = list(Photo.objects.filter(image__startswith="bench/"))
    for photo in bench_photos:
        # As the renditions task records them, so screens show them.
        photo.renditions = {
            "jpeg": [
                {
                    "name": f"renditions/bench-{photo.pk}.jpg",
                    "width": 960,
                    "height": 540,
                }
            ]
        }
    Photo.objects.bulk_update(bench_photos, ["renditions"])
    photo_ids = list(Photo.objects.order_by("pk").values_list("pk", flat=True))
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        for index, photo_id in enumerate(photo_ids):
            heroes = ids[index * 3 :: PHOTOS * 3]
            for start in range(0, len(heroes), 500):
                Article.objects.filter(pk__in=heroes[start : start + 500]).update(
                    hero_photo_id=photo_id
                )
        placed = Article.objects.filter(pk__in=ids[1::10]).exclude(
            body__contains="data-photo="
        )
        changed = []
        for article in placed.only("pk", "body").iterator(chunk_size=2000):
            photo_id = photo_ids[article.pk % len(photo_ids)]
            article.body += f'<figure data-photo="{photo_id}"></figure>'
            changed.append(article)
        Article.objects.bulk_update(changed, ["body"], batch_size=2000)
        PhotoUsage.objects.all().delete()
        migration = import_module("articles.migrations.0021_where_photos_are_used")
        migration.record_existing_uses(apps, None)


def revisions(editor, count: int = 40) -> list[int]:
    """Drafts edited twice through the workflow, so each has revisions."""
    from articles import workflow
    from articles.models import Article

    drafts = list(
        Article.objects.filter(status=Article.Status.DRAFT).order_by("pk")[:count]
    )
    for article in drafts:
        if article.version >= 2:
            continue
        for n in range(2):
            content = workflow.ArticleContent.of(article)
            content.standfirst = f"{content.standfirst.split(' (')[0]} (draft {n})"
            workflow.edit(article, content, by=editor)
    return [article.pk for article in drafts]


def screens(people, sample, revised, section_id):
    """Each screen: who opens it and the addresses they open."""
    from articles.models import Article

    readers = people["Writer"] + people["Editor"] + people["Managing editor"]
    readers += people["superuser"]
    editors = people["Editor"] + people["Managing editor"] + people["superuser"]
    everyone = [user for users in people.values() for user in users]
    own = {
        writer: list(
            Article.objects.filter(
                bylines__author__user=writer, status=Article.Status.DRAFT
            ).values_list("pk", flat=True)[:5]
        )
        for writer in people["Writer"]
    }
    writers = [writer for writer in people["Writer"] if own[writer]]
    change = "/admin/articles/article/{}/change/"
    return {
        "desk": [(user, ["/admin/"]) for user in everyone],
        "article list": [(user, ["/admin/articles/article/"]) for user in readers],
        "article list, search and filter": [
            (
                user,
                [
                    "/admin/articles/article/?q=growth&status__exact=published"
                    f"&section__id__exact={section_id}",
                    "/admin/articles/article/?q=reporter&o=-4",
                ],
            )
            for user in readers
        ],
        "change page": [
            (user, [change.format(pk) for pk in sample]) for user in editors
        ]
        + [(writer, [change.format(pk) for pk in own[writer]]) for writer in writers],
        "photo library": [
            (user, ["/admin/articles/photo/", "/admin/articles/photo/?q=harbour"])
            for user in readers
        ],
        "revisions": [
            (user, [f"/admin/articles/article/{pk}/history/" for pk in revised])
            for user in editors
        ],
    }


def measure(clients, visits, requests: int, rng) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for user, urls in visits:  # warm: every person's first request
        response = clients[user].get(urls[0])
        assert response.status_code == 200, (user, urls[0], response.status_code)
    user, urls = visits[0]
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        clients[user].get(urls[0])
    # Now: every request starts by clearing the connection's log of queries.
    count = len(queries)
    times = []
    for _ in range(requests):
        user, urls = rng.choice(visits)
        url = rng.choice(urls)
        start = time.perf_counter()
        response = clients[user].get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (user, url, response.status_code)
    return times, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--tags", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="grow the archive a previous run left instead of seeding afresh",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    os.environ["DATABASE_URL"] = bench_database_url("admin.sqlite3", keep=args.keep)
    # The production shape, as the site serves (`make serve`), on loopback.
    os.environ.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_STATIC_ROOT=str(RESULTS / "static"),
    )
    os.environ.setdefault("NEWSROOM_TASK_BACKEND", "immediate")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from tqdm import tqdm

    from articles.models import Article, Section
    from demo.archive import seed_archive

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    vendor = connection.vendor
    rng = random.Random(7)
    rows = []
    for size in sizes:
        missing = max(0, size - Article.objects.count())
        with tqdm(total=missing, unit="article", desc=f"seeding {size}") as bar:
            seed_archive(missing, args.tags, progress=bar.update)
        team = people()
        photos_in_use()
        revised = revisions(team["superuser"][0])
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")
        clients = {}
        for users in team.values():
            for user in users:
                clients[user] = Client()
                clients[user].force_login(user)
        live = list(Article.objects.live().values_list("pk", flat=True))
        sample = rng.sample(live, 40)
        section_id = Section.objects.values_list("pk", flat=True).first()
        # What seeding left in this process (a server's worker holds none of it)
        # is set aside from the garbage collector: its full passes over it would
        # otherwise be timed as the screens' own.
        gc.collect()
        gc.freeze()
        for screen, visits in screens(team, sample, revised, section_id).items():
            times, queries = measure(clients, visits, args.requests, rng)
            rows.append(
                (
                    screen,
                    size,
                    statistics.median(times),
                    percentile(times, 0.95),
                    queries,
                )
            )
            print(f"{size:>7,} {screen}: p95 {percentile(times, 0.95):.0f} ms")
        gc.unfreeze()

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    header = (
        f"Admin screens on {vendor}, {os.cpu_count()} processors (load average "
        f"{load} at the end: other work slows every figure), warm, in-process, "
        f"{args.requests} requests "
        f"per screen and size spread over {sum(ROLES.values())} people in "
        f"{len(ROLES)} roles; budget {BUDGET_MS} ms p95\n\n"
        "| screen | articles | p50 | p95 | queries | within budget |\n"
        "| --- | ---: | ---: | ---: | ---: | :---: |\n"
    )
    table = header + "".join(
        f"| {screen} | {size:,} | {p50:.0f} ms | {p95:.0f} ms | {queries} "
        f"| {'yes' if p95 < BUDGET_MS else 'NO'} |\n"
        for screen, size, p50, p95, queries in sorted(rows, key=lambda r: r[0])
    )
    print()
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"admin-{vendor}.md").write_text(table)


if __name__ == "__main__":
    main()
