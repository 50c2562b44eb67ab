import json
import uuid

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command

from tests.chromium import (  # noqa: F401  (one browser for the whole session)
    browser,
    live_server_settles,
)
from tests.factories import jpeg_bytes, make_author, make_role_user

# The role groups and their permissions as the migrations made them, read once
# the test database exists: a test that really commits ends with a flush of
# every table, and the groups (made by migrations) do not come back with it.
ROLE_GRANTS: dict[str, list[tuple[str, str]]] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.contrib.auth.models import Group

    with django_db_blocker.unblock():
        for group in Group.objects.prefetch_related("permissions__content_type"):
            ROLE_GRANTS[group.name] = [
                (permission.content_type.app_label, permission.codename)
                for permission in group.permissions.all()
            ]


@pytest.fixture
def roles():
    """The role groups back as the migrations made them, for tests that run
    after a flush (browser tests with a live server)."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    for name, grants in ROLE_GRANTS.items():
        group, created = Group.objects.get_or_create(name=name)
        if created and grants:
            wanted = Q()
            for app_label, codename in grants:
                wanted |= Q(content_type__app_label=app_label, codename=codename)
            group.permissions.set(Permission.objects.filter(wanted))


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NEWSROOM_PHOTO_ORIGINALS_ROOT = tmp_path / "photo-originals"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run at once in the caller unless a test asks for the queue.
    settings.TASKS = {"default": settings.TASK_BACKENDS["immediate"]}
    # Tests that build content with the factories (not the workflow) read pages
    # uncached; tests/test_page_cache.py turns the cache on with `page_cache`.
    settings.NEWSROOM_PAGE_CACHE = False
    settings.NEWSROOM_FRAGMENT_CACHE = False
    clear_caches()
    yield
    clear_caches()


def clear_caches():
    """Empty both caches; this process's copies of what Redis held go too (a
    cleared Redis announces nothing)."""
    from articles.cache.copies import copies

    cache.clear()
    caches["pages"].clear()
    copies.changed()


@pytest.fixture
def page_cache(settings):
    """The full-page cache and the fragments kept under the generation on, empty,
    in a fresh generation."""
    from articles.cache.generation import epochs

    settings.NEWSROOM_PAGE_CACHE = True
    settings.NEWSROOM_FRAGMENT_CACHE = True
    clear_caches()
    epochs.forget()
    yield
    epochs.forget()


@pytest.fixture
def writer():
    user = make_role_user("Writer", "writer")
    make_author(name="Wendy Writer", slug="wendy-writer", user=user)
    return user


@pytest.fixture
def editor():
    return make_role_user("Editor", "editor")


class TaskQueue:
    """The database task queue and the real worker, emptying it in the test."""

    def __init__(self, monkeypatch):
        from django_tasks_db.management.commands import db_worker

        # A worker drops stale connections between tasks; in a test the whole
        # test is one open transaction on one connection, which must stay open.
        monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run_worker(self) -> None:
        call_command(
            "db_worker", batch=True, interval=0, reload=False, startup_delay=False
        )

    def results(self, **filters):
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(**filters).order_by("enqueued_at")


@pytest.fixture
def task_queue(settings, monkeypatch):
    settings.TASKS = {"default": settings.TASK_BACKENDS["database"]}
    return TaskQueue(monkeypatch)


@pytest.fixture(scope="session")
def s3_server():
    from tests.object_storage import S3Server

    server = S3Server()
    yield server
    server.stop()


@pytest.fixture
def object_storage(s3_server, settings):
    """Media in a fresh bucket of the S3 server; MEDIA_ROOT must stay empty."""
    from newsroom.storage_url import storages_from_url

    bucket = f"media-{uuid.uuid4().hex[:16]}"
    s3_server.create_public_bucket(bucket)
    settings.STORAGES = storages_from_url(s3_server.storage_url(bucket))
    # Photo.image takes its storage when the models load, from the settings the
    # site starts with; here the settings change later, so it is given anew.
    from django.core.files.storage import storages

    from articles.models import Photo

    field = Photo._meta.get_field("image")
    started_with = field.storage
    field.storage = storages["photo_originals"]
    s3_server.bucket = bucket
    yield s3_server
    field.storage = started_with


@pytest.fixture
def write_file(tmp_path):
    """Writes an interchange file (and pictures for its hero photos) to import."""

    def write(articles, name="articles.json"):
        folder = tmp_path / "import"
        (folder / "photos").mkdir(parents=True, exist_ok=True)
        for index, article in enumerate(articles):
            photo = article.get("hero_photo")
            if isinstance(photo, dict) and "file" in photo:
                target = folder / photo["file"]
                if not target.exists() and "missing" not in target.name:
                    target.write_bytes(jpeg_bytes(color=(index * 40 % 256, 90, 120)))
        path = folder / name
        document = {"format": "newsroom-articles", "version": 1, "articles": articles}
        path.write_text(json.dumps(document))
        return path

    return write
