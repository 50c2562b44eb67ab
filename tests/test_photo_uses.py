"""Photos in use: who may change them, deleting them, where their files are."""

import io
import threading
from datetime import timedelta
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, Photo
from articles.photos.renditions import rendition_names
from articles.photos.storage import DuplicatePicture, save_photo
from articles.photos.validation import prepare_image
from tests.factories import (
    change_form_data,
    jpeg_bytes,
    make_article,
    make_credit,
    make_photo,
    make_rendered_photo,
    make_user,
    photo_bytes,
    upload,
)

pytestmark = pytest.mark.django_db

Status = Article.Status
# Rows made without a file say how big their picture is.
SIZE = {"width": 90, "height": 60}


def change_url(photo):
    return reverse("admin:articles_photo_change", args=[photo.pk])


def photo_post(photo, **over):
    """What the photo's change form posts, with `over` applied."""
    credit = photo.credit
    return {
        "alt_text": photo.alt_text,
        "caption": photo.caption,
        "photographer": credit.photographer if credit else "",
        "agency": credit.agency if credit else "",
        "distributor": credit.distributor if credit else "",
        "copyright_holder": photo.copyright_holder,
        "licence_terms": photo.licence_terms,
        "licence_expires_on": "",
        **over,
    }


@pytest.fixture
def photo_in_two_stories():
    """The hero of one live story and placed in the body of another."""
    photo = make_rendered_photo(
        caption="Robot arms",
        alt_text="Orange robot arms",
        credit=make_credit(agency="Imaginechina"),
    )
    hero_story = make_article(headline="Robots reach the river", hero_photo=photo)
    body_story = make_article(
        headline="Factories of Hunan",
        body=f'<p>Text.</p><figure data-photo="{photo.pk}"></figure><p>More.</p>',
    )
    return photo, hero_story, body_story


# Deleting a photo in use ------------------------------------------------------


def test_deleting_a_photo_in_use_names_the_stories_and_is_refused(
    admin_client, photo_in_two_stories
):
    photo, hero_story, body_story = photo_in_two_stories
    delete_url = reverse("admin:articles_photo_delete", args=[photo.pk])
    page = admin_client.get(delete_url).content.decode()
    assert "Robots reach the river</a> (hero photo, Published, live)" in page
    assert "Factories of Hunan</a> (in the body, Published, live)" in page
    assert "It stays in the library" in page
    assert "Yes, I’m sure" not in page

    response = admin_client.post(delete_url, {"post": "yes"})
    assert response.status_code == 200
    assert Photo.objects.filter(pk=photo.pk).exists()
    for name in [photo.image.name]:
        assert photo.image.storage.exists(name)

    # The bulk action refuses too, naming the same stories.
    action = admin_client.post(
        reverse("admin:articles_photo_changelist"),
        {"action": "delete_selected", "_selected_action": [photo.pk], "post": "yes"},
    )
    assert Photo.objects.filter(pk=photo.pk).exists()
    assert "No photo was deleted" in action.content.decode()
    assert "Factories of Hunan" in action.content.decode()

    # Both stories keep their picture, and the second one can still be saved.
    body_story.refresh_from_db()
    assert f'data-photo="{photo.pk}"' in body_story.body
    response = admin_client.post(
        reverse("admin:articles_article_change", args=[body_story.pk]),
        change_form_data(body_story, standfirst="A new standfirst."),
    )
    assert response.status_code == 302


def test_a_photo_no_story_uses_is_deleted_with_its_files(
    admin_client, django_capture_on_commit_callbacks
):
    photo = make_rendered_photo()
    names = rendition_names(photo.renditions)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:articles_photo_delete", args=[photo.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Photo.objects.filter(pk=photo.pk).exists()
    assert not photo.image.storage.exists(photo.image.name)
    assert not any(default_storage.exists(name) for name in names)


def test_used_in_lists_hero_and_body_uses(admin_client, photo_in_two_stories):
    photo, hero_story, body_story = photo_in_two_stories
    draft = make_article(
        headline="A draft",
        status=Status.DRAFT,
        publish_at=None,
        hero_photo=photo,
        body=f'<figure data-photo="{photo.pk}" data-caption="x"></figure>',
    )
    # A photo whose number starts the same is not this one.
    make_article(headline="Other photo", body='<figure data-photo="9999"></figure>')
    page = admin_client.get(change_url(photo)).content.decode()
    used_in = page[page.index("Articles using this photo") :]
    assert "Robots reach the river</a> (hero photo, Published, live)" in used_in
    assert "Factories of Hunan</a> (in the body, Published, live)" in used_in
    assert "A draft</a> (hero photo and in the body, Draft)" in used_in
    assert "Other photo" not in used_in
    assert reverse("admin:articles_article_change", args=[draft.pk]) in used_in

    listing = admin_client.get(reverse("admin:articles_photo_changelist"))
    assert f'<a href="{change_url(photo)}">3 articles</a>' in listing.content.decode()


# Who may change a photo ---------------------------------------------------------


def test_writers_cannot_change_a_photo_a_live_story_uses(
    client, writer, photo_in_two_stories
):
    photo, *_ = photo_in_two_stories
    client.force_login(writer)
    page = client.get(change_url(photo))
    assert page.status_code == 200  # they may look at it
    assert "only an editor can change it" in page.content.decode()
    for change in [
        {"caption": "A writer's caption"},
        {"agency": "Someone Else"},
        {"upload": upload(photo_bytes(700, 500), "swap.jpg")},
    ]:
        response = client.post(change_url(photo), photo_post(photo, **change))
        assert response.status_code == 403
    photo.refresh_from_db()
    assert (photo.caption, photo.credit.agency) == ("Robot arms", "Imaginechina")

    # Nor through the list's alt text column.
    photo_list = reverse("admin:articles_photo_changelist")
    response = client.post(
        photo_list,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(photo.pk),
            "form-0-alt_text": "Changed by a writer",
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    assert "only an editor can change it" in response.content.decode()
    photo.refresh_from_db()
    assert photo.alt_text == "Orange robot arms"


def test_writers_change_photos_no_live_story_uses(client, writer):
    photo = make_rendered_photo(credit=make_credit(agency="AFP"))
    make_article(status=Status.DRAFT, publish_at=None, hero_photo=photo)
    client.force_login(writer)
    response = client.post(
        change_url(photo), photo_post(photo, caption="Written for my draft")
    )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.caption == "Written for my draft"


def test_editors_change_a_photo_a_live_story_uses(client, editor, photo_in_two_stories):
    photo, *_ = photo_in_two_stories
    client.force_login(editor)
    response = client.post(
        change_url(photo), photo_post(photo, agency="Imaginechina Ltd")
    )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.credit.agency == "Imaginechina Ltd"


def test_a_scheduled_story_counts_as_live_for_photo_changes(client, writer):
    photo = make_rendered_photo(credit=make_credit(agency="AFP"))
    make_article(
        status=Status.SCHEDULED,
        publish_at=timezone.now() + timedelta(days=1),
        body=f'<figure data-photo="{photo.pk}"></figure>',
    )
    client.force_login(writer)
    response = client.post(change_url(photo), photo_post(photo, caption="Changed"))
    assert response.status_code == 403


# Originals are never public -----------------------------------------------------


def test_originals_are_stored_outside_the_public_media_folder(settings):
    photo = make_rendered_photo()
    media = Path(settings.MEDIA_ROOT)
    originals = Path(settings.NEWSROOM_PHOTO_ORIGINALS_ROOT)
    assert (originals / photo.image.name).is_file()
    assert not (media / photo.image.name).exists()
    assert not originals.is_relative_to(media)
    public = {p.relative_to(media).parts[0] for p in media.rglob("*") if p.is_file()}
    assert public == {"renditions"}
    with pytest.raises(ValueError, match="no public address"):
        photo.image.url  # noqa: B018


def test_staff_download_the_original_and_nobody_else(client, writer):
    photo = make_rendered_photo()
    url = reverse("admin:articles_photo_original", args=[photo.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(writer)
    response = client.get(url)
    assert response.status_code == 200
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert b"".join(response.streaming_content) == photo.image.open("rb").read()


def test_an_expired_photos_renditions_are_withdrawn_and_come_back_when_renewed(
    django_capture_on_commit_callbacks,
):
    photo = make_rendered_photo()
    names = rendition_names(photo.renditions)
    Photo.objects.filter(pk=photo.pk).update(
        licence_expires_on=timezone.localdate() - timedelta(days=1)
    )
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("regenerate_renditions", stdout=out, stderr=io.StringIO())
    assert "withdrew those of 1 whose licence has ended" in out.getvalue()
    photo.refresh_from_db()
    assert photo.renditions == {}
    assert not any(default_storage.exists(name) for name in names)
    assert photo.image.storage.exists(photo.image.name)  # kept for editors

    photo.licence_expires_on = timezone.localdate() + timedelta(days=30)
    photo.save()
    call_command("regenerate_renditions", stdout=io.StringIO(), stderr=io.StringIO())
    photo.refresh_from_db()
    assert all(default_storage.exists(n) for n in rendition_names(photo.renditions))


def test_saving_an_expired_licence_withdraws_the_renditions_at_once(
    admin_client, django_capture_on_commit_callbacks
):
    photo = make_rendered_photo(credit=make_credit(agency="AFP"))
    names = rendition_names(photo.renditions)
    yesterday = timezone.localdate() - timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            change_url(photo),
            photo_post(photo, licence_expires_on=yesterday.isoformat()),
        )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.renditions == {}
    assert not any(default_storage.exists(name) for name in names)


def test_migration_moves_existing_originals_out_of_media(settings):
    migration = import_module(
        "articles.migrations.0012_photo_originals_and_unique_sha256"
    )
    photo = make_photo()
    name = photo.image.name
    content = photo.image.open("rb").read()
    photo.image.storage.delete(name)
    default_storage.save(name, ContentFile(content))  # where it used to be

    migration.originals_out_of_media(apps, None)
    assert not default_storage.exists(name)
    assert photo.image.storage.open(name).read() == content
    migration.originals_out_of_media(apps, None)  # a second run changes nothing
    assert photo.image.storage.open(name).read() == content


# One photo per picture ------------------------------------------------------------


def test_the_database_refuses_a_second_photo_of_the_same_picture():
    first = make_photo()
    with pytest.raises(IntegrityError), transaction.atomic():
        Photo.objects.create(image="photos/other.jpg", sha256=first.sha256, **SIZE)
    # Rows without a fingerprint are not compared.
    Photo.objects.bulk_create(
        [Photo(image=f"photos/{n}.jpg", sha256="", **SIZE) for n in "ab"]
    )


def test_saving_a_picture_stored_meanwhile_names_that_photo_and_stores_nothing(
    settings,
):
    """The forms check for the picture; one stored after that check is caught by
    the database, with the same refusal."""
    name = "same.jpg"
    prepared = prepare_image(upload(jpeg_bytes(90, 60), name), name)
    other = Photo.objects.create(
        image="photos/other.jpg",
        sha256=prepared.sha256,
        caption="Uploaded meanwhile",
        **SIZE,
    )
    with pytest.raises(DuplicatePicture) as refused:
        save_photo(Photo(caption="Mine", credit=make_credit(agency="AFP")), prepared)
    assert refused.value.photo == other
    assert str(refused.value) == (
        f"This picture is already in the library as photo {other.pk} "
        "(“Uploaded meanwhile”); use that one."
    )
    assert list(Photo.objects.values_list("pk", flat=True)) == [other.pk]
    roots = [Path(settings.MEDIA_ROOT), Path(settings.NEWSROOM_PHOTO_ORIGINALS_ROOT)]
    assert not [p for root in roots for p in root.rglob("*") if p.is_file()]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one writer in at a time, so two uploads cannot race there",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("batch", [False, True], ids=["one photo", "batch upload"])
def test_two_editors_uploading_the_same_picture_at_once(settings, batch):
    """Both forms pass their check before either photo is stored; the database
    lets one in and the other editor is told which photo to use."""
    user = make_user("photo-desk", is_staff=True, is_superuser=True)
    make_credit(agency="AFP")  # known already, so neither upload waits on it
    both_checked = threading.Barrier(2, timeout=20)

    def wait_for_the_other(sender, instance, **kwargs):
        if instance.pk is None:
            both_checked.wait()

    pre_save.connect(wait_for_the_other, sender=Photo, dispatch_uid="test-barrier")
    responses = []

    def upload_as_editor(caption):
        client = Client()
        client.force_login(user)
        picture = upload(jpeg_bytes(90, 60), "same.jpg")
        if batch:
            url, data = reverse("admin:articles_photo_upload"), {"files": [picture]}
            data |= {"agency": "AFP", "licence_terms": caption}
        else:
            url = reverse("admin:articles_photo_add")
            data = {**photo_post(Photo(), agency="AFP", caption=caption)}
            data["upload"] = picture
        try:
            responses.append(client.post(url, data))
        except BaseException as error:
            responses.append(error)
        finally:
            connections.close_all()

    try:
        threads = [
            threading.Thread(target=upload_as_editor, args=(caption,))
            for caption in ("First caption", "Second caption")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        pre_save.disconnect(sender=Photo, dispatch_uid="test-barrier")
    assert sorted(getattr(r, "status_code", r) for r in responses) == [200, 302]
    (stored,) = Photo.objects.all()
    refused = next(r for r in responses if r.status_code == 200).content.decode()
    assert f"already in the library as photo {stored.pk}" in refused
    typed = stored.licence_terms if batch else stored.caption
    other = {"First caption", "Second caption"} - {typed}
    assert other.pop() in refused  # what the second editor typed is kept


# Through the workflow -------------------------------------------------------------


def test_a_photo_only_in_pending_changes_is_in_use_too(admin_client, editor):
    photo = make_rendered_photo(credit=make_credit(agency="AFP"))
    article = make_article(headline="Live story")
    content = workflow.ArticleContent.of(article)
    content.body += f'<figure data-photo="{photo.pk}"></figure>'
    workflow.edit(article, content, by=editor)
    article.refresh_from_db()
    assert f'data-photo="{photo.pk}"' not in article.body  # readers do not see it
    page = admin_client.get(
        reverse("admin:articles_photo_delete", args=[photo.pk])
    ).content.decode()
    assert "Live story</a> (in the body in pending changes, Published, live)" in page
    admin_client.post(
        reverse("admin:articles_photo_delete", args=[photo.pk]), {"post": "yes"}
    )
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_placing_a_photo_keeps_the_librarys_text_as_the_storys_own(editor):
    photo = make_rendered_photo(
        caption="Library caption",
        alt_text="Library alt",
        credit=make_credit(agency="AFP"),
    )
    draft = make_article(status=Status.DRAFT, publish_at=None)
    content = workflow.ArticleContent.of(draft)
    content.body = f'<p>x</p><figure data-photo="{photo.pk}"></figure>'
    workflow.edit(draft, content, by=editor)
    draft.refresh_from_db()
    assert draft.body == (
        f'<p>x</p><figure data-photo="{photo.pk}" data-caption="Library caption" '
        'data-alt="Library alt"></figure>'
    )


def test_a_placement_without_alt_text_cannot_go_live(editor):
    photo = make_rendered_photo(
        alt_text="Library alt", credit=make_credit(agency="AFP")
    )
    article = make_article(
        status=Status.IN_REVIEW,
        publish_at=None,
        body=f'<figure data-photo="{photo.pk}" data-caption="x" data-alt=" "></figure>',
    )
    with pytest.raises(ValidationError, match="no alt text"):
        workflow.publish(article, by=editor)
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
