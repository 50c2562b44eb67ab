import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles import interchange
from articles.models import Article, Author, Photo, PhotoCredit, RelatedLink, Section
from articles.photos.renditions import renditions_are_current
from tests.factories import jpeg_bytes, photo_bytes

pytestmark = pytest.mark.django_db


def article_data(slug, **over):
    data = {
        "slug": slug,
        "headline": f"Headline for {slug}",
        "standfirst": "A one-sentence summary.",
        "section": "Technology",
        "authors": ["Mei Lin", "ATF"],
        "published_at": "2026-03-26T08:30:00+00:00",
        "status": "published",
        "body_html": "<p>Hello <strong>world</strong>.</p>",
        "hero_photo": {
            "file": f"photos/{slug}.jpg",
            "caption": "Robots at work.",
            "alt_text": "Two robot arms",
            "credit": {
                "photographer": "Feng Fei",
                "agency": "Imaginechina",
                "distributor": "AFP",
            },
        },
        "tags": ["China", "Hunan province"],
        "related": [],
    }
    data.update(over)
    return data


def snapshot():
    return {
        "articles": sorted(Article.objects.values_list("slug", "headline", "status")),
        "sections": Section.objects.count(),
        "authors": Author.objects.count(),
        "photos": Photo.objects.count(),
        "credits": PhotoCredit.objects.count(),
        "links": RelatedLink.objects.count(),
    }


def test_import_creates_articles_with_every_part(write_file):
    path = write_file(
        [
            article_data("first", related=["second"]),
            article_data("second", section="Markets", authors=["ATF"]),
        ]
    )
    call_command("import_articles", str(path))
    first = Article.objects.get(slug="first")
    assert first.section.name == "Technology"
    assert [a.name for a in first.byline_authors] == ["Mei Lin", "ATF"]
    assert first.hero_photo.credit_line == "Photo: Feng Fei / Imaginechina via AFP"
    assert first.hero_photo.alt_text == "Two robot arms"
    assert sorted(t.name for t in first.tags.all()) == ["China", "Hunan province"]
    assert [link.to_article.slug for link in first.related_links.all()] == ["second"]
    assert first.is_live()
    assert Author.objects.filter(name="ATF").count() == 1


def test_import_twice_updates_without_duplicating(write_file):
    path = write_file([article_data("first"), article_data("second")])
    call_command("import_articles", str(path))
    before = snapshot()
    stored = sorted(
        p.name for p in Path(Photo.objects.first().image.path).parent.iterdir()
    )
    call_command("import_articles", str(path))
    assert snapshot() == before
    folder = Path(Photo.objects.first().image.path).parent
    assert sorted(p.name for p in folder.iterdir()) == stored

    path = write_file([article_data("first", headline="Corrected headline")])
    call_command("import_articles", str(path))
    assert Article.objects.get(slug="first").headline == "Corrected headline"
    assert Article.objects.count() == 2


def test_import_sanitises_body(write_file):
    path = write_file(
        [
            article_data(
                "x", body_html='<p>ok</p><script>alert(1)</script><p onclick="x">'
            )
        ]
    )
    call_command("import_articles", str(path))
    body = Article.objects.get(slug="x").body
    assert "<script" not in body and "onclick" not in body and "<p>ok</p>" in body


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"published_at": "26 March 2026"}, "field 'published_at'"),
        ({"published_at": "2026-03-26T08:30:00"}, "UTC offset"),
        ({"status": "live"}, "field 'status'"),
        ({"headline": ""}, "field 'headline': is required"),
        ({"related": ["nowhere"]}, "no article with slug 'nowhere'"),
        ({"hero_photo": {"file": "photos/missing.jpg"}}, "field 'hero_photo.file'"),
        ({"section": "Tags"}, "field 'section'"),
        ({"tags": "China"}, "field 'tags': must be a list"),
        ({"slug": "has spaces"}, "field 'slug'"),
    ],
)
def test_invalid_file_changes_nothing_and_names_the_fault(
    write_file, settings, bad, message
):
    call_command("import_articles", str(write_file([article_data("existing")])))
    before = snapshot()
    media_files = sorted(Path(settings.MEDIA_ROOT).rglob("*"))
    path = write_file(
        [
            article_data("existing", headline="Changed"),
            article_data("new-one", hero_photo=None),
            {**article_data("broken"), **bad},
        ]
    )
    with pytest.raises(CommandError) as error:
        call_command("import_articles", str(path))
    assert f"article 3 ({bad.get('slug', 'broken')!r})" in str(error.value)
    assert message in str(error.value)
    assert snapshot() == before
    assert sorted(Path(settings.MEDIA_ROOT).rglob("*")) == media_files


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<svg onload=alert(1)></svg>", "SVG drawings are not accepted"),
        (b"plain text, not a picture", "not a JPEG, PNG or WebP picture"),
        (jpeg_bytes(640, 480)[:900], "damaged or incomplete"),
    ],
)
def test_not_an_image_is_refused(write_file, settings, content, message):
    path = write_file([article_data("x")])
    (path.parent / "photos" / "x.jpg").write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_articles", str(path))
    assert not Article.objects.exists()
    assert not Path(settings.MEDIA_ROOT).exists()


def test_duplicate_slugs_in_one_file_are_refused(write_file):
    path = write_file([article_data("same"), article_data("same")])
    with pytest.raises(CommandError, match="appears more than once"):
        call_command("import_articles", str(path))
    assert not Article.objects.exists()


def test_dry_run_changes_nothing(write_file):
    call_command("import_articles", str(write_file([article_data("x")])), dry_run=True)
    assert not Article.objects.exists()


def test_export_import_export_gives_the_same_json(write_file, tmp_path, settings):
    source = write_file(
        [
            article_data("first", related=["second", "third"]),
            article_data("second", hero_photo=None, status="draft", published_at=None),
            article_data(
                "third",
                hero_photo={
                    "file": "photos/third.jpg",
                    "caption": "",
                    "alt_text": "A port",
                    "credit": {"photographer": "", "agency": "", "distributor": "AFP"},
                },
                seo_title="Port volumes",
            ),
        ]
    )
    call_command("import_articles", str(source))
    first_export = tmp_path / "one" / "export.json"
    call_command("export_articles", str(first_export))

    for model in (RelatedLink, Article, Photo, PhotoCredit, Author, Section):
        model.objects.all().delete()
    shutil.rmtree(settings.MEDIA_ROOT)
    call_command("import_articles", str(first_export))
    second_export = tmp_path / "two" / "export.json"
    call_command("export_articles", str(second_export))

    assert first_export.read_text() == second_export.read_text()
    exported = json.loads(first_export.read_text())["articles"]
    assert [a["slug"] for a in exported] == ["first", "second", "third"]
    assert exported[0]["related"] == ["second", "third"]
    assert exported[2]["hero_photo"]["credit"]["distributor"] == "AFP"
    photo = second_export.parent / exported[0]["hero_photo"]["file"]
    assert photo.read_bytes() == (source.parent / "photos/first.jpg").read_bytes()


def test_demo_content_loads_once(settings):
    call_command("load_demo")
    count = Article.objects.count()
    assert count >= 12
    assert Section.objects.count() >= 3
    call_command("load_demo")
    assert Article.objects.count() == count
    assert Article.objects.live().count() >= 12


def test_imported_photos_get_renditions_and_lose_location_data(write_file, settings):
    path = write_file([article_data("x")])
    (path.parent / "photos" / "x.jpg").write_bytes(
        photo_bytes(1200, 800, gps=True, orientation=8)
    )
    call_command("import_articles", str(path))
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (800, 1200)
    assert renditions_are_current(photo)
    with photo.image.open("rb") as handle:
        assert b"PhoneMaker" not in handle.read()


def test_write_failure_leaves_no_files_and_no_rendition_work(
    write_file, settings, monkeypatch, task_queue
):
    path = write_file([article_data("first"), article_data("second")])

    def fail_on_second_article(article_data_list, stored, **options):
        real_write(article_data_list[:1], stored, **options)
        raise RuntimeError("disk full")

    real_write = interchange.importing._write
    monkeypatch.setattr(interchange.importing, "_write", fail_on_second_article)
    with pytest.raises(RuntimeError):
        call_command("import_articles", str(path))
    assert not Photo.objects.exists()
    assert not task_queue.results().exists()
    task_queue.run_worker()
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []


def test_licence_and_copyright_travel_with_the_photo(write_file, tmp_path):
    photo = {
        **article_data("x")["hero_photo"],
        "copyright_holder": "Imaginechina",
        "licence_terms": "Web use only.",
        "licence_expires_on": "2027-06-30",
    }
    call_command(
        "import_articles", str(write_file([article_data("x", hero_photo=photo)]))
    )
    stored = Photo.objects.get()
    assert (stored.copyright_holder, str(stored.licence_expires_on)) == (
        "Imaginechina",
        "2027-06-30",
    )
    export = tmp_path / "out" / "export.json"
    call_command("export_articles", str(export))
    exported = json.loads(export.read_text())["articles"][0]["hero_photo"]
    assert exported["licence_expires_on"] == "2027-06-30"
    assert exported["licence_terms"] == "Web use only."

    # An older file without these fields leaves them as the library has them.
    call_command("import_articles", str(write_file([article_data("x")], "old.json")))
    stored.refresh_from_db()
    assert str(stored.licence_expires_on) == "2027-06-30"


def test_bad_licence_date_is_named(write_file):
    photo = {**article_data("x")["hero_photo"], "licence_expires_on": "June 2027"}
    with pytest.raises(CommandError, match="hero_photo.licence_expires_on"):
        call_command(
            "import_articles", str(write_file([article_data("x", hero_photo=photo)]))
        )


# Through the workflow ---------------------------------------------------------


def test_import_is_recorded_as_an_event_and_a_revision(write_file):
    from reversion.models import Version

    path = write_file([article_data("recorded")])
    call_command("import_articles", str(path), stdout=io.StringIO())
    article = Article.objects.get(slug="recorded")
    assert article.events.get().action == "import"
    assert Version.objects.get_for_object(article).count() == 1
    version = article.version
    edited = article_data("recorded", headline="Corrected headline")
    call_command("import_articles", str(write_file([edited])), stdout=io.StringIO())
    article.refresh_from_db()
    assert article.version > version and article.events.count() == 2


def test_import_over_pending_changes_is_refused_and_keeps_them(write_file, editor):
    from articles import workflow

    call_command(
        "import_articles", str(write_file([article_data("busy")])), stdout=io.StringIO()
    )
    article = Article.objects.get(slug="busy")
    content = workflow.proposed_content(article)
    content.headline = "An editor's unpublished edit"
    workflow.edit(article, content, by=editor)
    again = write_file([article_data("busy", headline="From the archive")])
    with pytest.raises(CommandError, match="pending changes by editor"):
        call_command("import_articles", str(again), stdout=io.StringIO())
    assert workflow.proposed_content(article).headline == "An editor's unpublished edit"
    assert Article.objects.get(pk=article.pk).headline == "Headline for busy"


def test_live_story_breaking_the_rules_needs_the_flag_and_is_marked(write_file):
    photo = {**article_data("old")["hero_photo"], "alt_text": ""}
    path = write_file([article_data("old", hero_photo=photo)])
    with pytest.raises(CommandError, match="no alt text"):
        call_command("import_articles", str(path), stdout=io.StringIO())
    assert not Article.objects.exists()
    out = io.StringIO()
    call_command("import_articles", str(path), "--allow-rule-breaks", stdout=out)
    article = Article.objects.get(slug="old")
    assert article.is_live()
    assert "no alt text" in article.imported_rule_breaks[0]
    assert "let in although it fails Photo alt text: The photo has no alt text" in (
        out.getvalue()
    )


def test_one_picture_in_two_stories_keeps_each_storys_caption(write_file, client):
    first = article_data("first")
    second = article_data(
        "second",
        hero_photo={
            **first["hero_photo"],
            "caption": "The same robots, a year later.",
            "alt_text": "Robot arms in a dim hall",
            "credit": {"photographer": "Someone Else", "agency": "", "distributor": ""},
        },
    )
    out = io.StringIO()
    call_command("import_articles", str(write_file([first, second])), stdout=out)
    assert Photo.objects.count() == 1
    one, two = (Article.objects.get(slug=s) for s in ("first", "second"))
    page_one = client.get(one.get_absolute_url()).content.decode()
    page_two = client.get(two.get_absolute_url()).content.decode()
    assert "Robots at work." in page_one and "a year later" not in page_one
    assert "The same robots, a year later." in page_two
    assert 'alt="Robot arms in a dim hall"' in page_two
    # The credit is the picture's: the second story's differs and is reported.
    assert "Photo: Feng Fei / Imaginechina via AFP" in page_two
    assert "library's credit was kept" in out.getvalue()
