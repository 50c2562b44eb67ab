"""Media in S3-compatible object storage, against a real server on loopback."""

import io
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, Photo
from demo.interchange_archive import write_archive
from newsroom.storage_url import IMMUTABLE, storages_from_url
from tests.factories import make_article, photo_bytes, upload

pytestmark = pytest.mark.django_db


def local_files(settings) -> list[Path]:
    """Files under the media and originals folders (there must be none)."""
    roots = [Path(settings.MEDIA_ROOT), Path(settings.NEWSROOM_PHOTO_ORIGINALS_ROOT)]
    return [
        p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()
    ]


def fetch(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read()


def test_upload_and_renditions_go_to_the_bucket_and_nothing_to_disk(
    object_storage, task_queue, admin_client, client, settings
):
    response = admin_client.post(
        reverse("admin:articles_photo_add"),
        {
            "upload": upload(photo_bytes(1600, 1000), "harbour.jpg"),
            "alt_text": "Cranes at the harbour",
            "caption": "The harbour",
            "photographer": "Li Wei",
            "agency": "",
            "distributor": "",
            "copyright_holder": "",
            "licence_terms": "",
            "licence_expires_on": "",
        },
    )
    assert response.status_code == 302
    photo = Photo.objects.get()
    bucket = object_storage.bucket
    original = f"originals/{photo.image.name}"
    # The renditions are made before the admin answers, not by the worker.
    names = [r["name"] for r in photo.renditions["jpeg"] + photo.renditions["webp"]]
    assert sorted(object_storage.keys(bucket)) == sorted(
        [original, *names, photo.renditions["social"]["name"]]
    )
    article = make_article(hero_photo=photo, hero_alt_text="Cranes")
    page = client.get(article.get_absolute_url()).content.decode()
    url = f"{object_storage.endpoint}/{bucket}/{photo.renditions['jpeg'][0]['name']}"
    assert url in page
    status, headers, body = fetch(url)
    assert status == 200 and body[:2] == b"\xff\xd8"
    assert headers["Cache-Control"] == IMMUTABLE
    assert "X-Amz-Signature" not in page  # plain URLs a CDN can cache
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(f"{object_storage.endpoint}/{bucket}/{original}")
    assert refused.value.code == 403  # the original has no public address
    assert local_files(settings) == []


def test_import_export_and_delete_work_on_the_bucket(
    object_storage, task_queue, tmp_path, settings, django_capture_on_commit_callbacks
):
    archive = write_archive(tmp_path / "archive", stories=6, pictures=2)
    call_command(
        "import_articles", str(archive), stdout=io.StringIO(), stderr=io.StringIO()
    )
    task_queue.run_worker()
    assert Article.objects.count() == 6
    bucket = object_storage.bucket
    photos = list(Photo.objects.order_by("pk"))
    assert len(object_storage.keys(bucket)) == 2 * 12  # originals and 11 renditions

    target = tmp_path / "export" / "export.json"
    call_command(
        "export_articles", str(target), stdout=io.StringIO(), stderr=io.StringIO()
    )
    exported = json.loads(target.read_text())
    files = {a["hero_photo"]["file"] for a in exported["articles"]}
    assert len(files) == 2
    for name in files:
        assert (target.parent / name).read_bytes()[:2] == b"\xff\xd8"

    Article.objects.filter(hero_photo=photos[0]).update(hero_photo=None)
    with django_capture_on_commit_callbacks(execute=True):
        photos[0].delete()
    assert len(object_storage.keys(bucket)) == 12
    assert not any(photos[0].sha256[:16] in key for key in object_storage.keys(bucket))
    assert local_files(settings) == []


def test_the_storage_url_names_bucket_keys_and_options():
    storages = storages_from_url(
        "s3://AK:se%2Fcret@news-media?endpoint_url=https://s3.example.com"
        "&custom_domain=cdn.example.com&location=media&querystring_auth=false"
    )
    options = storages["default"]["OPTIONS"]
    assert storages["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (options["bucket_name"], options["access_key"], options["secret_key"]) == (
        "news-media",
        "AK",
        "se/cret",
    )
    assert options["custom_domain"] == "cdn.example.com"
    assert options["querystring_auth"] is False
    with pytest.raises(ValueError, match="s3://KEY:SECRET@BUCKET"):
        storages_from_url("ftp://example.com/media")
