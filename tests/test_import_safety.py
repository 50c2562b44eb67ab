"""Imports that are killed part-way, or that run side by side, leave the photo
library whole: no picture file without its row, no import failing on another's
picture."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection, transaction

from articles.interchange import import_articles
from articles.models import Article, Photo, WordPressItem
from articles.wordpress.importer import WordPressImport
from tests.factories import photo_bytes
from tests.processes import database_url
from tests.test_interchange import article_data
from tests.test_wordpress import wxr, wxr_attachment

pytestmark = pytest.mark.django_db(transaction=True)


def write_articles(folder: Path, slugs: list[str], picture_of=lambda i: i) -> Path:
    """An interchange file whose stories each have a picture of their own (or
    the picture `picture_of(index)` names)."""
    import json

    (folder / "photos").mkdir(parents=True, exist_ok=True)
    articles = []
    for index, slug in enumerate(slugs):
        name = f"photos/picture-{picture_of(index)}.jpg"
        if not (folder / name).exists():
            (folder / name).write_bytes(photo_bytes(width=1200 + picture_of(index)))
        data = article_data(slug, section=f"Section {folder.name}")
        data["hero_photo"]["file"] = name
        articles.append(data)
    path = folder / "articles.json"
    document = {"format": "newsroom-articles", "version": 1, "articles": articles}
    path.write_text(json.dumps(document))
    return path


def original_files() -> set[str]:
    root = Path(django_settings.NEWSROOM_PHOTO_ORIGINALS_ROOT)
    return {
        path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()
    }


def other_transactions_open() -> int:
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = "
            "current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
        )
        return cursor.fetchone()[0]


def test_an_import_killed_part_way_leaves_no_picture_without_its_row(
    tmp_path, settings
):
    big = write_articles(tmp_path / "big", [f"story-{n}" for n in range(80)])
    importing = subprocess.Popen(
        [sys.executable, "manage.py", "import_articles", str(big), "-v", "0"],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": database_url(connection.settings_dict),
            "NEWSROOM_PHOTO_ORIGINALS_ROOT": str(
                settings.NEWSROOM_PHOTO_ORIGINALS_ROOT
            ),
            "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while len(original_files()) < 5 and time.monotonic() < deadline:
        assert importing.poll() is None, "the import ended before it was killed"
        time.sleep(0.01)
    importing.send_signal(signal.SIGKILL)
    assert importing.wait(timeout=30) == -signal.SIGKILL
    while other_transactions_open() and time.monotonic() < deadline:
        time.sleep(0.1)

    # The killed import's rows went with its transaction; its files did not.
    left = original_files()
    assert left and not Photo.objects.exists() and not Article.objects.exists()

    # The next run, some minutes later, clears them before it writes anything.
    root = Path(settings.NEWSROOM_PHOTO_ORIGINALS_ROOT)
    earlier = time.time() - 300
    for name in left:
        os.utime(root / name, (earlier, earlier))
    call_command(
        "import_articles", str(write_articles(tmp_path / "next", ["next"])), "-v", "0"
    )
    kept = set(Photo.objects.values_list("image", flat=True))
    assert len(kept) == 1 and original_files() == kept


def run_side_by_side(first, second) -> list[BaseException]:
    """`first()` runs in a transaction held open until `second()` (in another
    thread and connection) has read the library and is waiting on what `first`
    wrote; then `first` commits. Returns what either raised."""
    errors: list[BaseException] = []
    first_done, second_waiting = threading.Event(), threading.Event()

    def in_thread(work):
        try:
            work()
        except BaseException as error:  # noqa: BLE001 — reported to the test
            errors.append(error)
        finally:
            connection.close()

    def hold_first():
        with transaction.atomic():
            first()
            first_done.set()
            second_waiting.wait(timeout=60)

    def then_second():
        assert first_done.wait(timeout=60)
        second()

    threads = [
        threading.Thread(target=in_thread, args=(hold_first,)),
        threading.Thread(target=in_thread, args=(then_second,)),
    ]
    for thread in threads:
        thread.start()
    assert first_done.wait(timeout=60)
    if connection.vendor == "postgresql":
        # The second has found no such picture and is waiting for the first's
        # uncommitted row under the unique constraint.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                    "current_database() AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    break
            time.sleep(0.02)
    else:
        time.sleep(0.5)  # SQLite: the second waits for the write lock
    second_waiting.set()
    for thread in threads:
        thread.join(timeout=90)
    return errors


def test_two_wordpress_imports_storing_the_same_picture_at_once_share_it(tmp_path):
    media = tmp_path / "uploads"
    (media / "2024" / "03").mkdir(parents=True)
    (media / "2024" / "03" / "harbour.jpg").write_bytes(photo_bytes(width=1400))
    url = "https://{}.example/wp-content/uploads/2024/03/harbour.jpg"
    exports = []
    for site in ("harbour", "port"):
        export = tmp_path / f"{site}.xml"
        export.write_text(
            wxr(wxr_attachment(5, url.format(site)), site=f"https://{site}.example")
        )
        exports.append(export)
    summaries = []

    def importer(export):
        return lambda: summaries.append(
            WordPressImport(export, media_dir=media, progress=False).run()
        )

    errors = run_side_by_side(importer(exports[0]), importer(exports[1]))
    assert errors == []
    photo = Photo.objects.get()
    assert [item.photo for item in WordPressItem.objects.all()] == [photo, photo]
    assert [summary.photos_reused for summary in summaries] == [0, 1]
    assert original_files() == {photo.image.name}


def test_two_article_imports_storing_the_same_picture_at_once_share_it(tmp_path):
    files = [
        write_articles(tmp_path / name, [f"{name}-story"], picture_of=lambda i: 7)
        for name in ("morning", "evening")
    ]
    errors = run_side_by_side(
        lambda: import_articles(files[0]), lambda: import_articles(files[1])
    )
    assert errors == []
    photo = Photo.objects.get()
    assert {article.hero_photo for article in Article.objects.all()} == {photo}
    assert Article.objects.count() == 2
    assert original_files() == {photo.image.name}
