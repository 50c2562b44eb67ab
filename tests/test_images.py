import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from PIL import ExifTags, Image

from articles.models import Photo
from articles.photos import renditions as renditions_module
from articles.photos.metadata import (
    FileMetadata,
    _exif_text,
    _read_xmp,
    parse_credit,
    read_metadata,
)
from articles.photos.originals import original_storage
from articles.photos.renditions import rendition_names, renditions_are_current
from articles.photos.validation import prepare_image
from tests.factories import (
    make_credit,
    make_photo,
    make_rendered_photo,
    photo_bytes,
    upload,
)

pytestmark = pytest.mark.django_db

AGENCY_XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
    photoshop:Credit="Xinhua via AFP"
    photoshop:City="Changsha">
   <dc:creator><rdf:Seq><rdf:li>Zhao Lei</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt>
     <rdf:li xml:lang="x-default">Workers leave the plant at dusk.</rdf:li>
   </rdf:Alt></dc:description>
   <dc:rights><rdf:Alt>
     <rdf:li xml:lang="x-default">© 2026 Xinhua. All rights reserved.</rdf:li>
   </rdf:Alt></dc:rights>
   <Iptc4xmpCore:AltTextAccessibility><rdf:Alt>
     <rdf:li xml:lang="x-default">Workers in blue overalls at a gate</rdf:li>
   </rdf:Alt></Iptc4xmpCore:AltTextAccessibility>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def stored_files(settings) -> list[Path]:
    roots = [Path(settings.MEDIA_ROOT), Path(settings.NEWSROOM_PHOTO_ORIGINALS_ROOT)]
    return sorted(p for root in roots for p in root.rglob("*") if p.is_file())


def storage_of(name: str):
    """Renditions are public (MEDIA_ROOT); originals are kept apart."""
    return default_storage if name.startswith("renditions/") else original_storage()


def opened(name: str) -> Image.Image:
    with storage_of(name).open(name, "rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def rendition_images(photo: Photo) -> list[Image.Image]:
    return [opened(name) for name in rendition_names(photo.renditions)]


def png_bomb() -> bytes:
    # 15,000 × 15,000 pixels (225 megapixels) in a few kilobytes.
    buffer = io.BytesIO()
    Image.new("1", (15_000, 15_000)).save(buffer, "PNG")
    return buffer.getvalue()


def animated_png() -> bytes:
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (40, 40), colour) for colour in ("red", "blue")]
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


BAD_FILES = {
    "svg": (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
        b'onload="alert(1)"><rect width="10" height="10"/></svg>',
        "SVG drawings are not accepted",
    ),
    "text named .jpg": (b"Quarterly results attached.", "not a JPEG, PNG or WebP"),
    "gif": (None, "This file is a GIF image"),
    "heic": (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64, "This file is a HEIC photo"),
    "truncated jpeg": (photo_bytes(800, 600)[:2500], "damaged or incomplete"),
    "jpeg without its image data": (photo_bytes(64, 64)[:200], "damaged"),
    "decompression bomb": (png_bomb(), "too many pixels"),
    "animated png": (animated_png(), "Animated pictures are not accepted"),
    "empty": (b"", "The file is empty"),
}


def gif_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (20, 20)).save(buffer, "GIF")
    return buffer.getvalue()


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_files_are_refused_with_a_reason(kind):
    data, message = BAD_FILES[kind]
    data = gif_bytes() if kind == "gif" else data
    with pytest.raises(ValidationError, match=message):
        prepare_image(upload(data, "photo.jpg"), "photo.jpg")


def test_pixel_limit_is_a_setting(settings):
    settings.NEWSROOM_MAX_IMAGE_PIXELS = 1_000_000
    with pytest.raises(ValidationError, match=r"1500 × 1000 pixels \(2 megapixels\)"):
        prepare_image(upload(photo_bytes(1500, 1000)), "big.jpg")
    assert prepare_image(upload(photo_bytes(1000, 1000)), "ok.jpg")


def test_byte_limit_is_a_setting(settings):
    data = photo_bytes(1200, 800)
    settings.NEWSROOM_MAX_UPLOAD_BYTES = len(data) - 1
    with pytest.raises(ValidationError, match="the limit is"):
        prepare_image(upload(data), "photo.jpg")


def test_content_not_name_decides_the_format():
    png = photo_bytes(300, 200, format="PNG")
    prepared = prepare_image(upload(png, "holiday.JPG"), "holiday.JPG")
    assert prepared.name == "holiday.png"
    assert Image.open(io.BytesIO(prepared.content)).format == "PNG"


def test_clean_upload_is_stored_byte_for_byte():
    data = photo_bytes(640, 480)
    assert prepare_image(upload(data), "x.jpg").content == data


def test_gps_and_camera_data_are_removed_and_orientation_applied(settings):
    # A phone held upright: pixels stored sideways with orientation 6 (rotate 90°).
    data = photo_bytes(1600, 1200, orientation=6, gps=True, artist="Feng Fei")
    photo = make_rendered_photo(data, credit=make_credit(photographer="Feng Fei"))
    master = opened(photo.image.name)
    assert (photo.width, photo.height) == (1200, 1600)
    assert master.size == (1200, 1600)
    # The red mark drawn top-left is top-right once the picture is upright.
    red, green, _ = master.getpixel((1150, 50))
    assert red > 180 and green < 80
    assert master.getpixel((50, 50))[1] > 150
    assert "exif" not in master.info
    for image in [master, *rendition_images(photo)]:
        exif = image.getexif()
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
        assert ExifTags.Base.GPSInfo not in exif
        assert ExifTags.Base.Make not in exif
        assert exif.get(ExifTags.Base.Orientation, 1) == 1
    for item in photo.renditions["jpeg"] + photo.renditions["webp"]:
        assert item["height"] > item["width"]


def test_location_in_iptc_and_xmp_is_removed():
    data = photo_bytes(
        900, 600, iptc={90: "Changsha", 101: "China", 80: "Feng Fei"}, xmp=AGENCY_XMP
    )
    photo = make_rendered_photo(data, credit=make_credit(agency="Xinhua"))
    for name in [photo.image.name, *rendition_names(photo.renditions)]:
        content = storage_of(name).open(name).read()
        assert b"Changsha" not in content
        assert b"China" not in content
        assert b"photoshop:City" not in content


def test_every_rendition_carries_credit_and_copyright():
    credit = make_credit(photographer="冯飞", agency="Imaginechina", distributor="AFP")
    photo = make_rendered_photo(photo_bytes(1400, 900), credit=credit)
    renditions = rendition_images(photo)
    assert len(renditions) == 2 * 5 + 1
    for image in renditions:
        exif = image.getexif()
        assert _exif_text(exif[ExifTags.Base.Artist]) == "冯飞"
        assert _exif_text(exif[ExifTags.Base.Copyright]) == "© Imaginechina"
        xmp = _read_xmp(image)
        assert xmp["credit"] == "Photo: 冯飞 / Imaginechina via AFP"
        assert xmp["copyright"] == "© Imaginechina"
        assert xmp["by_line"] == "冯飞"


def test_renditions_come_in_webp_and_jpeg_at_each_width():
    photo = make_rendered_photo(photo_bytes(2400, 1600))
    for kind, format in [("webp", "WEBP"), ("jpeg", "JPEG")]:
        items = photo.renditions[kind]
        assert [(i["width"], i["height"]) for i in items] == [
            (320, 213),
            (640, 427),
            (960, 640),
            (1280, 853),
            (1600, 1067),
        ]
        for item in items:
            image = opened(item["name"])
            assert image.format == format
            assert image.size == (item["width"], item["height"])
            assert item["bytes"] == default_storage.size(item["name"])
    card = opened(photo.renditions["social"]["name"])
    assert (card.format, card.size) == ("JPEG", (1200, 630))


def test_small_pictures_are_never_enlarged():
    photo = make_rendered_photo(photo_bytes(800, 500))
    assert [i["width"] for i in photo.renditions["webp"]] == [320, 640, 800]
    card = photo.renditions["social"]
    assert card["width"] <= 800 and card["height"] <= 500
    assert card["width"] / card["height"] == pytest.approx(1200 / 630, rel=0.01)


def test_transparent_png_keeps_alpha_in_webp_and_is_flattened_in_jpeg():
    image = Image.new("RGBA", (700, 400), (0, 0, 0, 0))
    image.paste((0, 120, 200, 255), (0, 0, 350, 400))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    photo = make_rendered_photo(buffer.getvalue(), name="chart.png")
    webp = opened(photo.renditions["webp"][0]["name"])
    jpeg = opened(photo.renditions["jpeg"][0]["name"])
    assert webp.mode == "RGBA" and webp.getpixel((300, 10))[3] == 0
    assert jpeg.mode == "RGB" and jpeg.getpixel((300, 10)) > (240, 240, 240)


def test_metadata_from_iptc():
    data = photo_bytes(
        iptc={
            80: "Feng Fei",
            110: "Imaginechina",
            115: "AFP",
            116: "© 2026 Imaginechina",
            120: "Robot arms weld a car frame in Changsha.",
        }
    )
    metadata = prepare_image(upload(data), "x.jpg").metadata
    assert metadata == FileMetadata(
        photographer="Feng Fei",
        agency="Imaginechina",
        distributor="AFP",
        caption="Robot arms weld a car frame in Changsha.",
        copyright_holder="Imaginechina",
    )


def test_metadata_from_xmp():
    metadata = prepare_image(upload(photo_bytes(xmp=AGENCY_XMP)), "x.jpg").metadata
    assert metadata == FileMetadata(
        photographer="Zhao Lei",
        agency="Xinhua",
        distributor="AFP",
        caption="Workers leave the plant at dusk.",
        copyright_holder="Xinhua",
        alt_text="Workers in blue overalls at a gate",
    )


def test_our_own_renditions_give_back_the_same_credit():
    credit = make_credit(
        photographer="Feng Fei", agency="Imaginechina", distributor="AFP"
    )
    photo = make_rendered_photo(photo_bytes(1000, 700), credit=credit)
    name = photo.renditions["jpeg"][0]["name"]
    metadata = read_metadata(opened(name))
    assert (metadata.photographer, metadata.agency, metadata.distributor) == (
        "Feng Fei",
        "Imaginechina",
        "AFP",
    )


@pytest.mark.parametrize(
    ("text", "by_line", "parts"),
    [
        (
            "Photo: Feng Fei / Imaginechina via AFP",
            "",
            ("Feng Fei", "Imaginechina", "AFP"),
        ),
        ("Imaginechina via AFP", "Feng Fei", ("", "Imaginechina", "AFP")),
        ("AFP", "", ("", "AFP", "")),
        ("Feng Fei/Imaginechina", "", ("Feng Fei", "Imaginechina", "")),
        ("Feng Fei", "Feng Fei", ("Feng Fei", "", "")),
    ],
)
def test_credit_lines_are_split_into_parts(text, by_line, parts):
    assert parse_credit(text, by_line) == parts


def test_changed_credit_makes_renditions_out_of_date_and_the_command_remakes_them(
    django_capture_on_commit_callbacks, settings
):
    credit = make_credit(agency="Imaginechina")
    photo = make_rendered_photo(photo_bytes(700, 500), credit=credit)
    old_names = rendition_names(photo.renditions)
    up_to_date = make_rendered_photo(photo_bytes(600, 500, iptc={80: "Other"}))
    assert renditions_are_current(photo)

    credit.agency = "Imaginechina Ltd"
    credit.save()
    photo.refresh_from_db()
    assert not renditions_are_current(photo)

    out = io.StringIO()
    call_command("regenerate_renditions", dry_run=True, stdout=out)
    assert "1 of 2 photos would get new renditions" in out.getvalue()

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("regenerate_renditions", stdout=out, stderr=io.StringIO())
    assert (
        "Made renditions for 1 photos; withdrew those of 0 whose licence has "
        "ended; 1 were up to date."
    ) in out.getvalue()
    photo.refresh_from_db()
    assert renditions_are_current(photo)
    card = opened(photo.renditions["social"]["name"])
    assert _exif_text(card.getexif()[ExifTags.Base.Copyright]) == ("© Imaginechina Ltd")
    assert not any(default_storage.exists(name) for name in old_names)
    unchanged = Photo.objects.get(pk=up_to_date.pk).renditions
    assert unchanged == up_to_date.renditions


def test_regenerate_all_and_resume(settings):
    photos = [make_rendered_photo(photo_bytes(500 + i * 10, 400)) for i in range(3)]
    before = {p.pk: p.renditions for p in photos}
    call_command(
        "regenerate_renditions",
        all=True,
        start_after=photos[0].pk,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    after = {p.pk: Photo.objects.get(pk=p.pk).renditions for p in photos}
    assert after[photos[0].pk] == before[photos[0].pk]
    for photo in photos[1:]:
        assert after[photo.pk]["key"] == before[photo.pk]["key"]
        assert after[photo.pk]["jpeg"][0]["name"] != before[photo.pk]["jpeg"][0]["name"]


def test_interrupted_run_continues_where_it_stopped(monkeypatch):
    photos = [make_photo(renditions=False) for _ in range(3)]
    real_render = renditions_module.render
    calls = []

    def interrupt_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_render(*args, **kwargs)

    monkeypatch.setattr(renditions_module, "render", interrupt_on_second)
    with pytest.raises(CommandError, match=f"Stopped after photo {photos[0].pk}"):
        call_command(
            "regenerate_renditions", stdout=io.StringIO(), stderr=io.StringIO()
        )
    monkeypatch.setattr(renditions_module, "render", real_render)
    assert [bool(Photo.objects.get(pk=p.pk).renditions) for p in photos] == [
        True,
        False,
        False,
    ]
    out = io.StringIO()
    call_command("regenerate_renditions", stdout=out, stderr=io.StringIO())
    assert (
        "Made renditions for 2 photos; withdrew those of 0 whose licence has "
        "ended; 1 were up to date."
    ) in out.getvalue()


def test_a_photo_with_a_missing_file_is_reported_and_the_rest_done(settings):
    broken = make_photo(renditions=False)
    fine = make_photo(renditions=False)
    Photo.image.field.storage.delete(broken.image.name)
    with pytest.raises(CommandError, match=f"1 photos failed \\(ids {broken.pk}\\)"):
        call_command(
            "regenerate_renditions", stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert Photo.objects.get(pk=fine.pk).renditions


def test_deleting_a_photo_removes_its_files(
    django_capture_on_commit_callbacks, settings
):
    photo = make_rendered_photo(photo_bytes(500, 400))
    # The picture, WebP and JPEG at 320 and 500 pixels wide, the social card.
    assert len(stored_files(settings)) == 6
    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()
    assert stored_files(settings) == []
