"""A hundred photos in one batch, their renditions made in the background."""

import pytest
from django.urls import reverse

from articles.models import Photo
from tests.factories import photo_bytes, upload

pytestmark = pytest.mark.django_db


def test_a_hundred_photos_in_one_batch_render_in_the_background(
    admin_client, task_queue
):
    files = [
        upload(photo_bytes(400 + n, 300), f"p{n}.jpg")  # each picture different
        for n in range(100)
    ]
    response = admin_client.post(
        reverse("admin:articles_photo_upload"), {"files": files, "agency": "AFP"}
    )
    assert response.status_code == 302
    assert Photo.objects.count() == 100
    renditions = task_queue.results(task_path="articles.tasks.make_renditions")
    assert renditions.filter(status="READY").count() == 100
    listing = admin_client.get(response["Location"] + "&o=1")
    html = listing.content.decode()
    assert "100 photo(s) uploaded; their renditions are being made" in html
    assert html.count("Being made") == 30  # the first page of the list

    task_queue.run_worker()
    assert not Photo.objects.filter(renditions={}).exists()
    html = admin_client.get(response["Location"]).content.decode()
    assert "Being made" not in html and html.count(">Ready<") == 30


def test_the_upload_page_has_a_progress_bar(admin_client):
    html = admin_client.get(reverse("admin:articles_photo_upload")).content.decode()
    assert "data-upload-progress" in html
    assert '<progress id="upload-progress"' in html
    assert "articles/admin/photo-upload.js" in html
