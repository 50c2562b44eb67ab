import pytest
from django.core.cache import cache

from tests.factories import make_author, make_role_user


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NEWSROOM_PHOTO_ORIGINALS_ROOT = tmp_path / "photo-originals"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def writer():
    user = make_role_user("Writer", "writer")
    make_author(name="Wendy Writer", slug="wendy-writer", user=user)
    return user


@pytest.fixture
def editor():
    return make_role_user("Editor", "editor")
