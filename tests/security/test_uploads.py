"""Hostile files through the photo upload, the batch upload and the importer.

Each is refused with a clear message and leaves nothing behind (no row, no file),
or is stored safely: inside the media folder, under a clean name, upright, and
with nothing but the picture in it.
"""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import ExifTags, Image

from articles.models import Article, Author, Photo, PhotoCredit, Section
from tests.factories import make_user, upload
from tests.security.hostile_files import REFUSED, STORED

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_photo_add")
BATCH_URL = reverse("admin:articles_photo_upload")


@pytest.fixture
def editor(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


def photo_form(file):
    return {
        "upload": file,
        "alt_text": "A picture",
        "caption": "A caption",
        "photographer": "",
        "agency": "AFP",
        "distributor": "",
        "copyright_holder": "",
        "licence_terms": "",
        "licence_expires_on": "",
    }


def stored_files(settings) -> list[Path]:
    """Every file the site stored: originals and renditions."""
    roots = [Path(settings.MEDIA_ROOT), Path(settings.NEWSROOM_PHOTO_ORIGINALS_ROOT)]
    return [
        p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()
    ]


def assert_nothing_left(settings):
    assert not Photo.objects.exists()
    assert not PhotoCredit.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize("kind", list(REFUSED))
def test_hostile_upload_is_refused_and_leaves_nothing(editor, settings, kind):
    data, name, message = REFUSED[kind]
    response = editor.post(ADD_URL, photo_form(upload(data, name)))
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert_nothing_left(settings)


@pytest.mark.parametrize("kind", list(REFUSED))
def test_hostile_file_in_a_batch_refuses_the_batch(editor, settings, kind):
    from tests.factories import photo_bytes

    data, name, message = REFUSED[kind]
    files = [upload(photo_bytes(300, 200), "fine.jpg"), upload(data, name)]
    response = editor.post(BATCH_URL, {"files": files, "agency": "AFP"})
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert name in page or message in page
    assert_nothing_left(settings)


def import_file(tmp_path, data, name):
    folder = tmp_path / "import"
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "hero.bin").write_bytes(data)
    document = {
        "format": "newsroom-articles",
        "version": 1,
        "articles": [
            {
                "slug": "with-photo",
                "headline": "With a photo",
                "section": "World",
                "authors": ["Mei Lin"],
                "published_at": "2026-01-05T08:30:00+00:00",
                "status": "published",
                "body_html": "<p>Text.</p>",
                "hero_photo": {
                    "file": name,
                    "caption": "A caption",
                    "alt_text": "A picture",
                    "credit": {"agency": "AFP"},
                },
            }
        ],
    }
    path = folder / "articles.json"
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize("kind", list(REFUSED))
def test_hostile_file_in_an_import_refuses_the_import(settings, tmp_path, kind):
    data, _, message = REFUSED[kind]
    path = import_file(tmp_path, data, "photos/hero.bin")
    with pytest.raises(CommandError) as refused:
        call_command("import_articles", str(path), verbosity=0)
    assert "hero_photo.file" in str(refused.value)
    assert message in str(refused.value)
    assert_nothing_left(settings)
    assert not Article.objects.exists() and not Section.objects.exists()
    assert not Author.objects.exists()


@pytest.mark.parametrize(
    "name",
    ["../outside.jpg", "/etc/passwd", "photos/\x00hero.bin", "p" * 300 + ".jpg"],
)
def test_an_import_reads_photos_only_from_its_own_folder(settings, tmp_path, name):
    from tests.factories import photo_bytes

    (tmp_path / "outside.jpg").write_bytes(photo_bytes(200, 100))
    path = import_file(tmp_path, photo_bytes(200, 100), name)
    with pytest.raises(CommandError) as refused:
        call_command("import_articles", str(path), verbosity=0)
    assert "must name a file in the import file's folder" in str(refused.value)
    assert_nothing_left(settings)


@pytest.mark.parametrize("kind", list(STORED))
def test_awkward_upload_is_stored_safely(editor, settings, kind):
    data, name = STORED[kind]
    response = editor.post(ADD_URL, photo_form(upload(data, name)))
    assert response.status_code == 302, response.content.decode()[:2000]
    photo = Photo.objects.get()
    originals = Path(settings.NEWSROOM_PHOTO_ORIGINALS_ROOT).resolve()
    stored = Path(photo.image.path).resolve()
    assert stored.is_relative_to(originals / "photos")
    assert "\x00" not in photo.image.name and ".." not in photo.image.name
    assert len(stored.name) <= 100
    files = stored_files(settings)
    assert len(files) > 1  # the picture and its renditions
    for path in files:
        content = path.read_bytes()
        assert b"<script" not in content and b"<html" not in content
    with Image.open(stored) as image:
        image.load()
        assert image.getexif().get(ExifTags.Base.Orientation, 1) == 1
        if kind.startswith("EXIF orientation"):
            turned = int(kind.rsplit(" ", 1)[1]) >= 5
            assert image.size == ((160, 240) if turned else (240, 160))
    served = editor.get(reverse("articles:home"))
    assert served["X-Content-Type-Options"] == "nosniff"
