import json

import pytest
from django.core.cache import cache, caches

from tests.factories import jpeg_bytes, make_author, make_role_user


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NEWSROOM_PHOTO_ORIGINALS_ROOT = tmp_path / "photo-originals"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests that build content with the factories (not the workflow) read pages
    # uncached; tests/test_page_cache.py turns the cache on with `page_cache`.
    settings.NEWSROOM_PAGE_CACHE = False
    cache.clear()
    caches["pages"].clear()
    yield
    cache.clear()
    caches["pages"].clear()


@pytest.fixture
def page_cache(settings):
    """The full-page cache on, empty, in a fresh generation."""
    from articles.cache.generation import epochs

    settings.NEWSROOM_PAGE_CACHE = True
    caches["pages"].clear()
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
