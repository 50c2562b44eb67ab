import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from articles.models import Article, Photo, PhotoCredit
from articles.photos.metadata import _read_xmp
from articles.photos.renditions import renditions_are_current
from tests.factories import (
    make_article,
    make_credit,
    make_photo,
    make_rendered_photo,
    photo_bytes,
    upload,
)
from tests.test_images import BAD_FILES, gif_bytes

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_photo_add")
UPLOAD_URL = reverse("admin:articles_photo_upload")
PHONE_IPTC = {
    80: "Feng Fei",
    110: "Imaginechina",
    115: "AFP",
    116: "© 2026 Imaginechina",
    120: "Robot arms weld a car frame in Changsha.",
}


def photo_form(file, **over):
    return {
        "upload": file,
        "alt_text": "",
        "caption": "",
        "photographer": "",
        "agency": "",
        "distributor": "",
        "copyright_holder": "",
        "licence_terms": "",
        "licence_expires_on": "",
        **over,
    }


def files_in(settings) -> list[Path]:
    """The photos' files: renditions in MEDIA_ROOT, originals kept apart."""
    roots = [Path(settings.MEDIA_ROOT), Path(settings.NEWSROOM_PHOTO_ORIGINALS_ROOT)]
    return [p for root in roots for p in root.rglob("*") if p.is_file()]


def test_phone_photo_upload_prefills_caption_and_credit_and_drops_gps(
    admin_client, settings
):
    data = photo_bytes(4000, 3000, orientation=6, gps=True, iptc=PHONE_IPTC)
    response = admin_client.post(
        ADD_URL, photo_form(upload(data, "IMG_2041.JPG")), follow=True
    )
    photo = Photo.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "admin:articles_photo_change", args=[photo.pk]
    )
    html = response.content.decode()
    assert (
        "Read from the file&#x27;s metadata: caption, copyright holder, credit" in html
    )
    assert "Robot arms weld a car frame in Changsha.</textarea>" in html
    assert '<option value="Imaginechina" selected>Imaginechina</option>' in html
    assert photo.caption == "Robot arms weld a car frame in Changsha."
    assert photo.credit_line == "Photo: Feng Fei / Imaginechina via AFP"
    assert photo.copyright_holder == "Imaginechina"
    assert (photo.width, photo.height) == (3000, 4000)
    assert photo.image.name.endswith("img_2041.jpg")
    with photo.image.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert renditions_are_current(photo)
    assert len(files_in(settings)) == 12


def test_editor_typed_values_win_over_file_metadata(admin_client):
    data = photo_bytes(iptc=PHONE_IPTC)
    form = photo_form(
        upload(data),
        caption="Our own caption.",
        photographer="Staff photographer",
        alt_text="A welding robot",
    )
    assert admin_client.post(ADD_URL, form).status_code == 302
    photo = Photo.objects.get()
    assert photo.caption == "Our own caption."
    assert photo.credit_line == "Photo: Staff photographer"
    assert photo.alt_text == "A welding robot"


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_each_bad_upload_is_a_form_error_and_leaves_no_trace(
    admin_client, settings, kind
):
    data, message = BAD_FILES[kind]
    data = gif_bytes() if kind == "gif" else data
    if kind == "empty":
        message = "The submitted file is empty"  # Django's own check comes first
    response = admin_client.post(
        ADD_URL, photo_form(upload(data, "evil.jpg"), agency="AFP")
    )
    assert response.status_code == 200
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not Photo.objects.exists()
    assert not PhotoCredit.objects.exists()
    assert files_in(settings) == []


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("NEWSROOM_MAX_UPLOAD_BYTES", 10_000, "the limit is 9.8"),
        ("NEWSROOM_MAX_IMAGE_PIXELS", 500_000, "the limit is 0.5 megapixels"),
    ],
)
def test_limits_are_settings_and_refusals_leave_no_trace(
    admin_client, settings, setting, value, message
):
    setattr(settings, setting, value)
    response = admin_client.post(
        ADD_URL, photo_form(upload(photo_bytes(1200, 800)), agency="AFP")
    )
    assert message in response.content.decode()
    assert not Photo.objects.exists() and files_in(settings) == []


def test_upload_without_any_credit_is_refused(admin_client, settings):
    response = admin_client.post(ADD_URL, photo_form(upload(photo_bytes())))
    assert "Give the credit" in response.content.decode()
    assert not Photo.objects.exists() and files_in(settings) == []


def test_same_picture_twice_is_refused(admin_client):
    data = photo_bytes(iptc=PHONE_IPTC)
    admin_client.post(ADD_URL, photo_form(upload(data)))
    response = admin_client.post(ADD_URL, photo_form(upload(data, "again.jpg")))
    assert "already in the library" in response.content.decode()
    assert Photo.objects.count() == 1


def test_replacing_the_picture_removes_the_old_files(
    admin_client, settings, django_capture_on_commit_callbacks
):
    photo = make_rendered_photo(photo_bytes(900, 600), credit=make_credit(agency="AFP"))
    old = {p.name for p in files_in(settings)}
    url = reverse("admin:articles_photo_change", args=[photo.pk])
    form = photo_form(
        upload(photo_bytes(1000, 500), "new.jpg"),
        alt_text="A picture",
        caption="A caption",
        agency="AFP",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, form).status_code == 302
    photo.refresh_from_db()
    assert (photo.width, photo.height) == (1000, 500)
    now = {p.name for p in files_in(settings)}
    assert not old & now
    assert len(now) == 1 + 2 * 4 + 1  # 320, 640, 960 and 1000 px wide


def test_batch_upload_stores_every_photo_with_its_own_metadata(admin_client, settings):
    files = [
        upload(photo_bytes(900, 600, iptc=PHONE_IPTC), "one.jpg"),
        upload(photo_bytes(800, 600, iptc={80: "Zhao Lei", 110: "Xinhua"}), "two.jpg"),
        upload(photo_bytes(700, 600, format="PNG"), "three.png"),
    ]
    response = admin_client.post(
        UPLOAD_URL,
        {"files": files, "distributor": "AFP", "licence_expires_on": "2030-01-31"},
    )
    photos = {p.image.name.rsplit("/", 1)[-1]: p for p in Photo.objects.all()}
    assert sorted(photos) == ["one.jpg", "three.png", "two.jpg"]
    ids = ",".join(str(p.pk) for p in sorted(photos.values(), key=lambda p: p.pk))
    assert response["Location"] == (
        reverse("admin:articles_photo_changelist") + f"?id__in={ids}"
    )
    assert photos["one.jpg"].credit_line == "Photo: Feng Fei / Imaginechina via AFP"
    assert photos["two.jpg"].credit_line == "Photo: Zhao Lei / Xinhua"
    assert photos["three.png"].credit_line == "Photo: AFP"
    assert all(str(p.licence_expires_on) == "2030-01-31" for p in photos.values())
    assert all(renditions_are_current(p) for p in photos.values())
    listing = admin_client.get(response["Location"]).content.decode()
    assert listing.count('name="form-') and "3 photos" in listing


def test_batch_with_one_bad_file_uploads_nothing(admin_client, settings):
    files = [
        upload(photo_bytes(900, 600, iptc=PHONE_IPTC), "good.jpg"),
        upload(b"<svg onload=alert(1)></svg>", "drawing.jpg"),
        upload(photo_bytes(900, 600)[:3000], "cut-short.jpg"),
    ]
    response = admin_client.post(UPLOAD_URL, {"files": files, "agency": "AFP"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was uploaded" in html and "Fix or remove these files" in html
    assert "drawing.jpg: SVG drawings are not accepted" in html
    assert "cut-short.jpg: The file is damaged or incomplete" in html
    assert "good.jpg" not in html
    assert not Photo.objects.exists() and files_in(settings) == []


def test_batch_names_files_that_carry_no_credit(admin_client, settings):
    files = [upload(photo_bytes(), "anonymous.jpg")]
    html = admin_client.post(UPLOAD_URL, {"files": files}).content.decode()
    assert "Files without a credit: anonymous.jpg" in html
    assert not Photo.objects.exists() and files_in(settings) == []


def test_upload_page_offers_credit_pickers(admin_client):
    html = admin_client.get(UPLOAD_URL).content.decode()
    assert 'type="file" name="files"' in html and "multiple" in html
    assert 'class="credit-autocomplete"' in html
    assert "credit-autocomplete.js" in html
    assert (
        "Upload several photos"
        in admin_client.get(reverse("admin:articles_photo_changelist")).content.decode()
    )


def test_credit_suggestions_offer_existing_spellings(admin_client, client):
    make_credit(agency="Imaginechina", distributor="AFP")
    make_credit(agency="Xinhua", distributor="AFP")
    make_credit(photographer="Ima Photographer")
    url = reverse("admin:articles_photocredit_suggest")
    found = admin_client.get(url, {"part": "agency", "term": "ima"}).json()
    assert found == {"results": ["Imaginechina"]}
    found = admin_client.get(url, {"part": "distributor", "term": ""}).json()
    assert found == {"results": ["AFP"]}
    assert admin_client.get(url, {"part": "password"}).json() == {"results": []}
    client.logout()
    assert client.get(url, {"part": "agency"}).status_code == 302


def test_a_differently_typed_agency_keeps_the_existing_spelling(admin_client):
    make_credit(agency="Imaginechina", distributor="AFP")
    form = photo_form(
        upload(photo_bytes()), agency="IMAGINECHINA ", distributor="afp", alt_text="x"
    )
    assert admin_client.post(ADD_URL, form).status_code == 302
    assert Photo.objects.get().credit_line == "Photo: Imaginechina via AFP"
    assert PhotoCredit.objects.count() == 1


@pytest.mark.parametrize(
    ("query", "wanted"), [("feng", "robots"), ("xinhua", "port"), ("cranes", "port")]
)
def test_photo_search_covers_caption_and_credit(admin_client, query, wanted):
    make_rendered_photo(
        photo_bytes(400, 300),
        caption="Welding robots",
        credit=make_credit(photographer="Feng Fei", agency="Imaginechina"),
    )
    make_rendered_photo(
        photo_bytes(500, 300),
        caption="Port cranes",
        credit=make_credit(agency="Xinhua"),
    )
    html = admin_client.get(
        reverse("admin:articles_photo_changelist"), {"q": query}
    ).content.decode()
    captions = {"robots": "Welding robots", "port": "Port cranes"}
    assert captions[wanted] in html
    assert all(c not in html for k, c in captions.items() if k != wanted)


def publish_through_admin(client, article):
    url = reverse("admin:articles_article_workflow", args=[article.pk, "publish"])
    response = client.post(url, follow=True)
    article.refresh_from_db()
    return [str(m) for m in response.context["messages"]]


def test_article_cannot_be_published_with_a_photo_lacking_alt_text(admin_client):
    photo = make_rendered_photo(
        photo_bytes(800, 600), alt_text="", credit=make_credit(agency="AFP")
    )
    article = make_article(
        hero_photo=photo,
        status=Article.Status.IN_REVIEW,
        publish_at=None,
        tags=["Ports"],
    )
    messages = publish_through_admin(admin_client, article)
    assert any("The photo has no alt text" in m for m in messages)
    assert article.status == Article.Status.IN_REVIEW

    photo.alt_text = "Robot arms"
    photo.save()
    publish_through_admin(admin_client, article)
    assert article.status == Article.Status.PUBLISHED


def test_expired_photo_blocks_publishing_and_the_editor_sees_why(admin_client):
    photo = make_rendered_photo(
        photo_bytes(400, 300),
        credit=make_credit(agency="AFP"),
        licence_expires_on=timezone.localdate() - timedelta(days=2),
    )
    article = make_article(
        hero_photo=photo, status=Article.Status.IN_REVIEW, publish_at=None
    )
    change = reverse("admin:articles_article_change", args=[article.pk])
    html = admin_client.get(change).content.decode()
    assert "Licence expired on" in html and "no longer shown on public pages" in html
    messages = publish_through_admin(admin_client, article)
    assert any("The photo's licence expired on" in m for m in messages)
    assert article.status == Article.Status.IN_REVIEW


def test_admin_flags_expiring_and_expired_licences_and_their_articles(admin_client):
    today = timezone.localdate()
    soon = make_rendered_photo(
        photo_bytes(400, 300),
        caption="Expiring soon",
        licence_expires_on=today + timedelta(days=3),
    )
    gone = make_rendered_photo(
        photo_bytes(500, 300),
        caption="Expired picture",
        licence_expires_on=today - timedelta(days=1),
    )
    make_rendered_photo(
        photo_bytes(600, 300),
        caption="Licensed for years",
        licence_expires_on=today + timedelta(days=400),
    )
    live = make_article(headline="Live story with expired photo", hero_photo=gone)
    make_article(headline="Story with expiring photo", hero_photo=soon)
    make_article(headline="Unrelated story")

    changelist = reverse("admin:articles_photo_changelist")
    html = admin_client.get(changelist).content.decode()
    assert "1 photo licence(s) end within 14 days" in html
    assert (
        "1 photo(s) with an expired licence</a> are still set on live articles" in html
    )
    assert "(in 3 days)" in html

    expired = admin_client.get(changelist, {"licence": "expired"}).content.decode()
    assert "Expired picture" in expired and "Expiring soon" not in expired
    expiring = admin_client.get(changelist, {"licence": "expiring"}).content.decode()
    assert "Expiring soon" in expiring and "Licensed for years" not in expiring

    articles = admin_client.get(
        reverse("admin:articles_article_changelist"), {"licence": "expired"}
    ).content.decode()
    assert live.headline in articles and "Unrelated story" not in articles

    page = admin_client.get(
        reverse("admin:articles_photo_change", args=[gone.pk])
    ).content.decode()
    assert "Licence expired on" in page
    assert reverse("admin:articles_article_change", args=[live.pk]) in page
    assert "Live story with expired photo</a> (hero photo, Published, live)" in page


def test_changing_a_credit_rewrites_the_credit_in_its_photos(admin_client):
    credit = make_credit(agency="Imaginechna", distributor="AFP")
    photo = make_rendered_photo(photo_bytes(400, 300), credit=credit)
    url = reverse("admin:articles_photocredit_change", args=[credit.pk])
    form = {"photographer": "", "agency": "Imaginechina", "distributor": "AFP"}
    assert admin_client.post(url, form).status_code == 302
    photo.refresh_from_db()
    assert renditions_are_current(photo)
    with default_storage.open(photo.renditions["jpeg"][0]["name"]) as handle:
        xmp = _read_xmp(Image.open(io.BytesIO(handle.read())))
    assert xmp["credit"] == "Photo: Imaginechina via AFP"


def test_alt_text_can_be_filled_in_from_the_photo_list(admin_client):
    photos = [
        make_rendered_photo(photo_bytes(400 + i, 300), alt_text="") for i in range(2)
    ]
    changelist = reverse("admin:articles_photo_changelist")
    missing = admin_client.get(changelist, {"alt": "missing"}).content.decode()
    assert missing.count('name="form-') >= 2
    rows = sorted(photos, key=lambda p: (-p.created_at.timestamp(), -p.pk))
    form = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-0-id": rows[0].pk,
        "form-0-alt_text": "A crane at dusk",
        "form-1-id": rows[1].pk,
        "form-1-alt_text": "A ship in dock",
        "_save": "Save",
    }
    assert admin_client.post(changelist, form).status_code == 302
    assert sorted(Photo.objects.values_list("alt_text", flat=True)) == [
        "A crane at dusk",
        "A ship in dock",
    ]


def test_an_uploaded_photo_has_its_renditions_when_the_page_answers(
    admin_client, task_queue
):
    # With a worker queue (as in production), not tasks run at once.
    response = admin_client.post(
        ADD_URL, photo_form(upload(photo_bytes(1600, 900)), agency="AFP"), follow=True
    )
    photo = Photo.objects.get()
    assert renditions_are_current(photo)
    assert "No renditions" not in response.content.decode()
    assert '<img src="/media/renditions/' in response.content.decode()


def test_the_article_form_says_what_the_photo_page_says_of_a_photo_without_renditions(
    admin_client,
):
    photo = make_photo(renditions=False, alt_text="A street")
    article = make_article(hero_photo=photo, status=Article.Status.DRAFT)
    photo_page = admin_client.get(
        reverse("admin:articles_photo_change", args=[photo.pk])
    ).content.decode()
    form = admin_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()
    said = "No renditions: readers do not see this photo."
    assert said in photo_page
    assert said in form
    assert "Ready to publish." not in form
