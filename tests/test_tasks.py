"""The task queue: renditions in the background, retries, failures for admins."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles import workflow
from articles.background.queue import RETRY_DELAYS
from articles.models import (
    Article,
    ArticleEvent,
    Photo,
    PhotoCredit,
    SchedulerHeartbeat,
)
from articles.photos.storage import save_photo
from articles.photos.validation import prepare_image
from articles.tasks import enqueue, make_renditions
from tests.factories import (
    make_article,
    make_credit,
    make_user,
    photo_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


_sizes = iter(range(1000, 2000))


def uploaded_photo(credit=None) -> Photo:
    # A picture of its own each time: the library holds each picture once.
    prepared = prepare_image(upload(photo_bytes(1600, next(_sizes))), "pic.jpg")
    credit = credit or PhotoCredit.objects.for_parts(agency="AP")
    photo = Photo(alt_text="A street", caption="A street", credit=credit)
    save_photo(photo, prepared)
    return photo


def renditions_task(queue, photo):
    return queue.results(task_path="articles.tasks.make_renditions").filter(
        args_kwargs__args=[photo.pk]
    )


def hero_figure(page: str) -> str:
    if '<figure class="hero">' not in page:
        return ""
    return page.split('<figure class="hero">', 1)[1].split("</figure>", 1)[0]


def test_upload_returns_at_once_and_pages_never_show_a_broken_image(task_queue, client):
    photo = uploaded_photo()
    photo.refresh_from_db()
    assert photo.renditions == {}
    assert renditions_task(task_queue, photo).get().status == "READY"
    article = make_article(hero_photo=photo, hero_alt_text="A street")

    response = client.get(article.get_absolute_url())
    assert response.status_code == 200  # published without waiting
    assert "<img" not in hero_figure(response.content.decode())  # left out, not broken

    task_queue.run_worker()
    photo.refresh_from_db()
    assert [r["width"] for r in photo.renditions["jpeg"]] == [320, 640, 960, 1280, 1600]
    page = client.get(article.get_absolute_url()).content.decode()
    assert "srcset" in hero_figure(page)
    assert photo.renditions["jpeg"][0]["name"] in hero_figure(page)


def test_while_renditions_are_remade_pages_keep_the_previous_ones(task_queue, client):
    photo = uploaded_photo()
    task_queue.run_worker()
    photo.refresh_from_db()
    before = photo.renditions["jpeg"][-1]["name"]
    article = make_article(hero_photo=photo, hero_alt_text="A street")
    photo.credit = PhotoCredit.objects.for_parts(agency="Reuters")
    save_photo(photo)  # the credit is in the renditions: they must be remade
    assert renditions_task(task_queue, photo).filter(status="READY").exists()
    page = client.get(article.get_absolute_url()).content.decode()
    assert before in page

    task_queue.run_worker()
    photo.refresh_from_db()
    page = client.get(article.get_absolute_url()).content.decode()
    assert before not in page and photo.renditions["jpeg"][-1]["name"] in page


def test_a_task_asked_for_twice_makes_the_renditions_once(task_queue):
    photo = uploaded_photo()
    enqueue(make_renditions, photo.pk)
    task_queue.run_worker()
    results = list(renditions_task(task_queue, photo))
    assert [r.status for r in results] == ["SUCCESSFUL", "SUCCESSFUL"]
    assert sorted(r.return_value for r in results) == ["current", "made"]
    photo.refresh_from_db()
    names = default_storage.listdir(f"renditions/{photo.sha256[:2]}")[1]
    assert len(names) == 11  # one generation: 5 WebP, 5 JPEG, 1 social card


def test_a_task_for_a_deleted_photo_does_nothing(task_queue):
    photo = uploaded_photo()
    pk = photo.pk
    photo.delete()
    task_queue.run_worker()
    result = task_queue.results(task_path="articles.tasks.make_renditions").get()
    assert (result.status, result.return_value, result.args_kwargs["args"]) == (
        "SUCCESSFUL",
        "gone",
        [pk],
    )


def test_a_failed_task_is_retried_later_and_then_succeeds(task_queue):
    photo = uploaded_photo()
    storage = photo.image.storage
    with storage.open(photo.image.name, "rb") as handle:
        original = handle.read()
    storage.delete(photo.image.name)  # the storage is briefly unreachable

    task_queue.run_worker()
    first, retry = renditions_task(task_queue, photo)
    assert first.status == "FAILED"
    assert "FileNotFoundError" in first.traceback
    assert retry.status == "READY"
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    wait = retry.run_after - first.started_at
    assert RETRY_DELAYS[0] <= wait < RETRY_DELAYS[0] + timedelta(seconds=5)

    task_queue.run_worker()  # too early: the retry waits
    assert renditions_task(task_queue, photo).filter(status="READY").count() == 1

    storage.save(photo.image.name, ContentFile(original))
    with time_machine.travel(retry.run_after + timedelta(seconds=1)):
        task_queue.run_worker()
    photo.refresh_from_db()
    assert photo.renditions["jpeg"]
    assert renditions_task(task_queue, photo).last().status == "SUCCESSFUL"


def test_a_task_that_keeps_failing_gives_up_and_admins_see_it(task_queue, client):
    photo = uploaded_photo()
    photo.image.storage.delete(photo.image.name)
    moment = timezone.now()
    for delay in (timedelta(0), *RETRY_DELAYS):
        moment += delay + timedelta(seconds=1)
        with time_machine.travel(moment):
            task_queue.run_worker()
    attempts = list(renditions_task(task_queue, photo))
    assert len(attempts) == len(RETRY_DELAYS) + 1
    assert all(a.status == "FAILED" for a in attempts)
    last = attempts[-1]
    assert last.exception_class_path == "articles.background.queue.GaveUp"
    assert "FileNotFoundError" in last.traceback

    client.force_login(make_user(is_staff=True, is_superuser=True))
    desk = client.get(reverse("admin:index")).content.decode()
    assert "Background tasks that failed in the last 7 days" in desk
    assert "make_renditions failed after 6 attempts" in desk
    listing = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_changelist"),
        {"outcome": "gave-up"},
    )
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [last]
    detail = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[last.pk])
    ).content.decode()
    assert "FileNotFoundError" in detail


def test_editors_do_not_see_the_task_panel(task_queue, client, editor):
    client.force_login(editor)
    desk = client.get(reverse("admin:index")).content.decode()
    assert "Background tasks" not in desk


def test_scheduling_puts_the_sweep_on_the_queue_for_the_publish_time(
    task_queue, editor, django_capture_on_commit_callbacks
):
    article = make_article(
        status=Article.Status.IN_REVIEW, publish_at=None, tags=["Weather"]
    )
    at = timezone.now() + timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.schedule(article, by=editor, at=at)
    sweep = task_queue.results(task_path="articles.tasks.publish_due").get()
    assert sweep.run_after == at

    task_queue.run_worker()
    article.refresh_from_db()
    assert article.status == Article.Status.SCHEDULED
    with time_machine.travel(at + timedelta(seconds=1)):
        task_queue.run_worker()
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    published = article.events.get(action=ArticleEvent.Action.PUBLISH)
    assert published.comment == "Published at its scheduled time."
    # The queued sweep leaves the heartbeat the desk and /healthz read.
    assert SchedulerHeartbeat.objects.get().finished_at > at


def test_a_credit_correction_remakes_every_photo_in_the_background(task_queue, client):
    credit = make_credit(agency="Agnce")
    photos = [uploaded_photo(credit) for _ in range(3)]
    task_queue.run_worker()
    admin_user = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:articles_photocredit_change", args=[credit.pk]),
        {"photographer": "", "agency": "Agence", "distributor": ""},
    )
    assert response.status_code == 302
    renditions = task_queue.results(task_path="articles.tasks.make_renditions")
    assert renditions.filter(status="READY").count() == 3
    task_queue.run_worker()
    for photo in photos:
        photo.refresh_from_db()
        assert photo.renditions["key"]
        assert photo.renditions.get("jpeg")
    with default_storage.open(photos[0].renditions["jpeg"][0]["name"]) as f:
        assert "Agence" in Image.open(f).info["xmp"].decode()


def test_a_large_tag_merge_reindexes_in_the_background(task_queue, client, monkeypatch):
    from taggit.models import Tag

    from articles.models import RelatedIndexEntry
    from articles.workflow import tags

    monkeypatch.setattr(tags, "REFRESH_AT_ONCE", 2)
    articles = [make_article(tags=["Gwangzhou"]) for _ in range(3)]
    keep = Tag.objects.create(name="Guangzhou")
    admin = make_user(is_superuser=True)
    tags.merge_tags([Tag.objects.get(name="Gwangzhou")], into=keep, by=admin)
    assert not RelatedIndexEntry.objects.filter(tag=keep).exists()
    refresh = task_queue.results(task_path="articles.tasks.refresh_related").get()
    assert refresh.args_kwargs["args"] == [sorted(a.pk for a in articles)]

    task_queue.run_worker()
    assert RelatedIndexEntry.objects.filter(tag=keep).count() == 3
    found = client.get("/search/", {"q": "guangzhou"}).context["articles"]
    assert {a.pk for a in found} == {a.pk for a in articles}
