import pytest
from django.core.cache import cache, caches

from tests.factories import make_author, make_role_user


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
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
