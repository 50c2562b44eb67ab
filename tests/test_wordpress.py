import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, ArticleEvent, Photo, Section, WordPressItem
from articles.wordpress.body import BodyConverter
from articles.wordpress.importer import WordPressImport
from articles.wordpress.media import Library
from articles.wordpress.wxr import read_export
from tests.factories import make_article, photo_bytes

pytestmark = pytest.mark.django_db
Status = Article.Status

# The WordPress project's theme unit test export, unmodified.
EXPORT = (
    Path(__file__).resolve().parent.parent.parent
    / "shared/data/wordpress/themeunittestdata.wordpress.xml"
)
if not EXPORT.exists():  # a worktree sits one folder deeper than a clone
    EXPORT = Path("/work/shared/data/wordpress/themeunittestdata.wordpress.xml")


def run_import(**options):
    return WordPressImport(EXPORT, progress=False, **options).run()


def run_archive_import(**options):
    """The import as an archive migration: old posts that break today's
    publishing rules come in, each listed and marked for editors."""
    return run_import(allow_rule_breaks=True, **options)


@pytest.fixture
def empty_media(tmp_path):
    folder = tmp_path / "uploads"
    folder.mkdir()
    return folder


def test_theme_unit_test_export_imports_with_everything_accounted_for(empty_media):
    summary = run_import(media_dir=empty_media)

    assert summary.posts_in_file == 58
    assert summary.posts_accounted_for == 58
    assert dict(summary.imported) == {
        Status.PUBLISHED: 51,
        Status.SCHEDULED: 1,
        Status.DRAFT: 2,
    }
    # Posts that are only a picture (missing here) or nothing at all have no
    # text for a standfirst: refused by today's checklist, each with the reason.
    assert len(summary.refused) == 4
    assert all("Standfirst" in line for line in summary.refused)
    assert any("#1170" in line for line in summary.refused)  # "No Content"
    assert Article.objects.count() == 54
    assert summary.standfirsts_generated == 54
    assert summary.skipped == {"pages (not articles)": 21, "menu items": 70}
    # Attachments: every file is missing (the export has only their URLs), and
    # the audio and video are not pictures; none is fatal.
    assert summary.attachments_in_file == 37
    assert len(summary.missing_files) == 35 and len(summary.not_pictures) == 2
    assert summary.photos_imported == 0
    # Every category and tag is accounted for.
    assert summary.categories_in_file == 68
    assert (
        len(summary.sections)
        + len(summary.categories_as_tags)
        + len(summary.unused_categories)
        == 68
    )
    assert "blogroll" in summary.unused_categories
    declared_and_used = summary.tags_used - summary.tags_undeclared
    assert summary.tags_in_file == 110
    assert len(declared_and_used) + len(summary.unused_tags) == 110
    assert summary.tags_merged == {"content-2": "content περιεχόμενο"}
    assert summary.comments == 33
    lines = "\n".join(summary.lines())
    assert "refused: 4" in lines
    assert "Posts: 58 in the file, 58 accounted for" in lines
    assert "files missing: 35" in lines


def test_states_dates_authors_sections_and_tags_come_across(empty_media):
    run_archive_import(media_dir=empty_media)
    live = Article.objects.live()
    assert live.count() == 55
    picture_only = Article.objects.get(slug="post-format-image")
    assert picture_only.imported_rule_breaks  # shown to editors as work to do
    draft = Article.objects.get(slug="draft")
    assert draft.status == Status.DRAFT and draft.publish_at is None
    scheduled = Article.objects.get(slug="scheduled")
    assert scheduled.status == Status.SCHEDULED
    assert scheduled.publish_at.year == 2030 and not scheduled.is_live()
    protected = Article.objects.get(slug="template-password-protected")
    assert protected.status == Status.DRAFT  # its text was not public
    untitled = Article.objects.get(slug="edge-case-no-title")
    assert untitled.headline == "Untitled post 1169"

    story = Article.objects.get(slug="markup-html-tags-and-formatting")
    assert story.publish_at.isoformat() == "2013-01-12T03:22:19+00:00"
    assert story.first_published_at == story.publish_at
    assert story.section.slug == "classic"
    assert [a.name for a in story.byline_authors] == ["Theme Buster"]
    assert {"content περιεχόμενο", "css", "formatting"} <= {
        t.name for t in story.tags.all()
    }
    markup = Article.objects.get(slug="markup-title-with-markup")
    assert markup.headline == "Markup: Title With Markup"
    many = Article.objects.get(slug="edge-case-many-categories")
    assert many.section.slug == "classic"  # the first of its 63 categories
    # The other 62 become tags, with its own; names differing only in case are one tag.
    post = next(i for i in read_export(EXPORT).items if i.wp_id == 1152)
    others = {term.name.lower() for term in post.tags + post.categories[1:]}
    assert len(post.categories) == 63
    assert {tag.name.lower() for tag in many.tags.all()} == others
    assert Section.objects.filter(slug="6-1").exists()
    assert ArticleEvent.objects.filter(action="import").count() == 58


def test_bodies_are_cleaned_blocks_and_shortcodes_never_show_as_text(empty_media):
    run_archive_import(media_dir=empty_media)
    for article in Article.objects.all():
        body = article.body
        for leftover in ("<!--", "[gallery", "[caption", "[audio", "<img", "<script"):
            assert leftover not in body, (article.slug, leftover)
    gallery = Article.objects.get(slug="post-format-gallery").body
    assert "<h2>Nine Columns</h2>" in gallery
    html = Article.objects.get(slug="markup-html-tags-and-formatting").body
    assert "<p>Single line blockquote:</p>" in html
    assert "<blockquote>Stay hungry. Stay foolish.</blockquote>" in html
    audio = Article.objects.get(slug="post-format-audio").body
    assert 'href="https://wpthemetestdata.files.wordpress.com/2008/06/original' in audio
    prose = Article.objects.get(slug="post-format-standard").body
    assert "[simple boat]" in prose  # not a shortcode: WordPress shows it as text


def test_old_permalinks_answer_301_whatever_their_shape(client, empty_media):
    run_archive_import(media_dir=empty_media)
    new = "/classic/markup-html-tags-and-formatting/"
    for old in (
        "/2013/01/11/markup-html-tags-and-formatting/",
        "/?p=1178",
    ):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == new
    # Looks like a section's address here; still the old post's.
    looks_ours = client.get("/wp-6-1-font-size-scale/")
    assert looks_ours["Location"] == "/6-1/wp-6-1-font-size-scale/"
    assert client.get(new).status_code == 200
    # A draft's old address leads nowhere: nothing unpublished leaks.
    assert client.get("/?p=1164").status_code == 200  # the home page
    assert client.get("/?p=1164").get("Location") is None
    assert client.get("/2020/01/01/scheduled/").status_code == 404


def test_importing_again_changes_nothing_and_an_interrupted_import_continues(
    empty_media,
):
    run_archive_import(media_dir=empty_media)
    events = ArticleEvent.objects.count()
    again = run_archive_import(media_dir=empty_media)
    assert again.already_imported == 58 and sum(again.imported.values()) == 0
    assert again.posts_accounted_for == 58
    assert Article.objects.count() == 58 and ArticleEvent.objects.count() == events
    # As if the first run had stopped before the last posts.
    WordPressItem.objects.filter(wp_id__in=[1755, 1752]).delete()
    Article.objects.filter(slug__in=["block-image", "block-gallery"]).delete()
    resumed = run_archive_import(media_dir=empty_media)
    assert sum(resumed.imported.values()) == 2 and resumed.already_imported == 56
    assert Article.objects.count() == 58


def test_a_slug_already_used_here_is_not_overwritten(empty_media):
    ours = make_article(slug="block-image", headline="Our own story")
    summary = run_archive_import(media_dir=empty_media)
    ours.refresh_from_db()
    assert ours.headline == "Our own story"
    imported = Article.objects.get(slug="block-image-2")
    assert imported.headline == "Block: Image"
    assert any("block-image-2" in note for note in summary.notes)


def write_picture(folder: Path, relative: str, **options) -> None:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(photo_bytes(**options))


def test_attachments_beside_the_export_become_credited_photos(tmp_path):
    media = tmp_path / "wp-content" / "uploads"
    # Post 1016's featured image, with its credit in the file's IPTC data.
    write_picture(
        media,
        "2013/03/featured-image-vertical.jpg",
        width=800,
        height=1200,
        iptc={80: "Jo Lens", 110: "Harbour Pictures"},
    )
    # Post 1011's featured image has no credit anywhere; post 1177's body image.
    write_picture(media, "2013/03/featured-image-horizontal.jpg", width=1200)
    write_picture(
        media,
        "2013/03/image-alignment-580x300.jpg",
        width=580,
        height=300,
        iptc={110: "Harbour Pictures"},
    )

    summary = run_import(media_dir=tmp_path)
    assert summary.photos_imported == 3 and len(summary.missing_files) == 32

    vertical = Article.objects.get(slug="template-featured-image-vertical")
    assert vertical.is_live() and vertical.hero_photo is not None
    assert vertical.hero_photo.credit.line == "Photo: Jo Lens / Harbour Pictures"
    assert vertical.hero_photo_alt_text == "Horizontal Featured Image"  # as WP says
    assert vertical.hero_photo.renditions["jpeg"]

    # A published post whose picture has no credit breaks today's rules.
    assert not Article.objects.filter(
        slug="template-featured-image-horizontal"
    ).exists()
    refused = [line for line in summary.refused if "#1011" in line]
    assert refused and "no credit" in refused[0]

    # The body's picture is the library photo made of its file.
    alignment = Article.objects.get(slug="markup-image-alignment")
    placed = WordPressItem.objects.get(wp_id=967).photo
    assert placed.alt_text == "Image Alignment 580x300"
    assert f'<figure data-photo="{placed.pk}"' in alignment.body


def test_rule_breaking_archive_posts_come_in_only_with_the_flag(tmp_path):
    media = tmp_path / "uploads"
    write_picture(media, "2013/03/featured-image-horizontal.jpg", width=1200)
    summary = run_archive_import(media_dir=tmp_path)
    assert summary.refused == [] and len(summary.rule_breaks) >= 5
    assert Article.objects.count() == 58
    story = Article.objects.get(slug="template-featured-image-horizontal")
    assert story.is_live()
    assert any("no credit" in problem for problem in story.imported_rule_breaks)
    assert any("#1011" in line for line in summary.rule_breaks)


def test_the_command_prints_the_summary_and_refuses_other_files(tmp_path, capsys):
    call_command(
        "import_wordpress", str(EXPORT), "--media", str(tmp_path), "--no-progress"
    )
    out = capsys.readouterr().out
    assert "Posts: 58 in the file, 58 accounted for" in out
    assert "Attachments: 37 in the file" in out
    not_wxr = tmp_path / "feed.xml"
    not_wxr.write_text("<rss><channel><title>x</title></channel></rss>")
    broken = tmp_path / "broken.xml"
    broken.write_text("<rss><channel>")
    for path in (not_wxr, broken, tmp_path / "missing.xml"):
        with pytest.raises(CommandError):
            call_command("import_wordpress", str(path), "--no-progress")
    assert Article.objects.count() == 54


def test_body_conversion_of_classic_text_and_blocks():
    library = Library(by_path={"2013/03/a.jpg": 7})
    converter = BodyConverter(library.photo_of, library.gallery_of)
    classic = converter.convert(
        "First line\nsecond line\n\nNew paragraph "
        '[caption id="1"]<a href="x"><img src="https://s/wp-content/uploads/2013/03/'
        'a-300x200.jpg?w=300"></a> A caption[/caption]',
        post_id=1,
    )
    assert classic.body.startswith("<p>First line<br>\nsecond line</p>")
    assert '<figure data-photo="7"></figure>' in classic.body
    block = converter.convert(
        '<!-- wp:image --><figure class="wp-block-image"><img src="https://s/gone.jpg"'
        ' alt=""/><figcaption>Lost</figcaption></figure><!-- /wp:image -->'
        "<!-- wp:paragraph --><p>Kept.</p><!-- /wp:paragraph -->",
        post_id=1,
    )
    assert block.body == "<p>Kept.</p>" and block.dropped_images == 1


def test_a_taken_down_posts_old_permalink_answers_410(client, empty_media):
    run_archive_import(media_dir=empty_media)
    Article.objects.filter(slug="markup-html-tags-and-formatting").update(
        status=Status.TAKEN_DOWN
    )
    assert client.get("/2013/01/11/markup-html-tags-and-formatting/").status_code == 410
    assert client.get("/?p=1178").status_code == 410  # every address it had


# Exports written here, as WordPress 6 writes them (WXR 1.2) ----------------------


def wxr(*items: str, site: str = "https://harbour.example") -> str:
    """A WordPress 6 export: WXR 1.2 in its https namespace, naming only the
    installation's address (no wp:base_blog_url)."""
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
  xmlns:excerpt="https://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="https://wordpress.org/export/1.2/">
<channel>
  <title>Harbour Times</title>
  <link>{site}</link>
  <language>en-GB</language>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>{site}</wp:base_site_url>
  <wp:author><wp:author_id>1</wp:author_id>
    <wp:author_login><![CDATA[jo]]></wp:author_login>
    <wp:author_display_name><![CDATA[Jo Lens]]></wp:author_display_name>
  </wp:author>
  {"".join(items)}
</channel>
</rss>"""


def wxr_attachment(wp_id: int, url: str, attached_file: str = "") -> str:
    meta = (
        f"<wp:postmeta><wp:meta_key><![CDATA[_wp_attached_file]]></wp:meta_key>"
        f"<wp:meta_value><![CDATA[{attached_file}]]></wp:meta_value></wp:postmeta>"
        if attached_file
        else ""
    )
    return f"""<item><title><![CDATA[Picture {wp_id}]]></title>
  <dc:creator><![CDATA[jo]]></dc:creator>
  <content:encoded><![CDATA[]]></content:encoded>
  <excerpt:encoded><![CDATA[A caption]]></excerpt:encoded>
  <wp:post_id>{wp_id}</wp:post_id>
  <wp:post_date_gmt><![CDATA[2024-03-01 10:00:00]]></wp:post_date_gmt>
  <wp:post_name><![CDATA[picture-{wp_id}]]></wp:post_name>
  <wp:status><![CDATA[inherit]]></wp:status>
  <wp:post_parent>0</wp:post_parent>
  <wp:post_type><![CDATA[attachment]]></wp:post_type>
  <wp:attachment_url><![CDATA[{url}]]></wp:attachment_url>{meta}
</item>"""


def wxr_post(wp_id: int, body: str, *, status: str = "draft") -> str:
    return f"""<item><title><![CDATA[Post {wp_id}]]></title>
  <link>https://harbour.example/?p={wp_id}</link>
  <dc:creator><![CDATA[jo]]></dc:creator>
  <content:encoded><![CDATA[{body}]]></content:encoded>
  <excerpt:encoded><![CDATA[Boats in the harbour.]]></excerpt:encoded>
  <wp:post_id>{wp_id}</wp:post_id>
  <wp:post_date_gmt><![CDATA[2024-03-01 10:00:00]]></wp:post_date_gmt>
  <wp:post_name><![CDATA[post-{wp_id}]]></wp:post_name>
  <wp:status><![CDATA[{status}]]></wp:status>
  <wp:post_parent>0</wp:post_parent>
  <wp:post_type><![CDATA[post]]></wp:post_type>
  <category domain="category" nicename="port"><![CDATA[Port]]></category>
  <category domain="post_tag" nicename="boats"><![CDATA[Boats]]></category>
</item>"""


def write_export(folder: Path, *items: str, **options) -> Path:
    path = folder / "export.xml"
    path.write_text(wxr(*items, **options))
    return path


def test_a_wxr_1_2_export_naming_only_its_site_address_is_imported(tmp_path):
    export = write_export(tmp_path, wxr_post(7, "<p>Ferries are late.</p>"))
    summary = WordPressImport(export, progress=False).run()
    assert summary.site == "https://harbour.example"
    assert dict(summary.imported) == {Status.DRAFT: 1}
    assert Article.objects.get().body == "<p>Ferries are late.</p>"


def test_attachment_paths_outside_the_media_folder_read_as_missing(tmp_path):
    media = tmp_path / "uploads"
    write_picture(media, "2024/03/inside.jpg")
    # A real picture next to the media folder, and one elsewhere on the machine.
    write_picture(tmp_path / "private", "secret.jpg", width=900)
    secret = tmp_path / "private" / "secret.jpg"
    (media / "2024" / "03" / "link.jpg").symlink_to(secret)
    uploads = "https://harbour.example/wp-content/uploads"
    attachments = [
        wxr_attachment(1, f"{uploads}/2024/03/inside.jpg"),
        wxr_attachment(2, f"{uploads}/../private/secret.jpg"),
        wxr_attachment(3, f"{uploads}/%2e%2e/private/secret.jpg"),
        wxr_attachment(4, f"{uploads}/%2E%2E%2Fprivate%2Fsecret.jpg"),
        wxr_attachment(5, f"{uploads}/2024/03/a.jpg", attached_file=str(secret)),
        wxr_attachment(6, f"{uploads}/2024/03/b.jpg", "../private/secret.jpg"),
        wxr_attachment(7, f"{uploads}/2024/03/c.jpg", "2024/../../private/secret.jpg"),
        wxr_attachment(8, f"{uploads}/2024/03/link.jpg"),
        wxr_attachment(9, f"{uploads}/2024/03/passwd.jpg", "/etc/passwd"),
        wxr_attachment(10, f"{uploads}/2024/03/absent.jpg"),
    ]
    summary = WordPressImport(
        write_export(tmp_path, *attachments), media_dir=media, progress=False
    ).run()

    assert summary.photos_imported == 1 and Photo.objects.count() == 1
    assert WordPressItem.objects.get(wp_id=1).photo is not None
    # Outside the folder reads exactly as absent: nothing tells what exists there.
    assert summary.refused_files == [] and summary.not_pictures == []
    assert [line.split(" ", 1)[0] for line in summary.missing_files] == [
        f"#{wp_id}" for wp_id in range(2, 11)
    ]
    assert "files missing: 9" in "\n".join(summary.lines())


def test_posts_and_exports_over_the_size_limits_are_refused_with_a_message(
    tmp_path, settings
):
    settings.NEWSROOM_WORDPRESS_MAX_POST_BYTES = 20_000
    settings.NEWSROOM_MAX_UPLOAD_BYTES = 30_000
    media = tmp_path / "uploads"
    write_picture(media, "2024/03/big.jpg", width=2400, height=1600)
    export = write_export(
        tmp_path,
        wxr_post(7, "<p>Ferries are late.</p>"),
        wxr_post(8, "<p>" + "Tide tables. " * 2000 + "</p>"),
        wxr_attachment(9, "https://harbour.example/wp-content/uploads/2024/03/big.jpg"),
    )
    summary = WordPressImport(export, media_dir=media, progress=False).run()
    assert dict(summary.imported) == {Status.DRAFT: 1}
    assert summary.refused == [
        "post #8 “Post 8”: its text is 25.4 KB, more than the 19.5 KB a post may "
        "have here (NEWSROOM_WORDPRESS_MAX_POST_BYTES); not imported"
    ]
    assert (
        len(summary.refused_files) == 1 and "the limit is" in (summary.refused_files[0])
    )

    settings.NEWSROOM_WORDPRESS_MAX_EXPORT_BYTES = 10_000
    with pytest.raises(CommandError, match="NEWSROOM_WORDPRESS_MAX_EXPORT_BYTES"):
        call_command("import_wordpress", str(export), "--no-progress")


HOSTILE_BODIES = {
    "unclosed [caption]": "[caption id=1]x",
    "unclosed [caption] without its bracket": "[caption ",
    "nested [caption]": "[caption]",
    "unclosed [gallery]": "[gallery ids=1 ",
    "unclosed <img>": "<img src=x ",
    "unclosed <figure>": "<figure class=x ",
    "nested <figure>": "<figure>x",
    "unclosed <a>": "<a href=x ",
    "unclosed <tr>": "<tr x ",
    "one long attribute name": "a",
    "blank lines in a block post": "\n",
    "nested <div>": "<div>x",
    "nested lists": "<ul><li>x",
}


def _conversion_seconds(unit: str, size: int) -> float:
    text = unit * (size // len(unit))
    if unit in {"a", "\n"}:
        text = ("<img " if unit == "a" else "<!-- wp:paragraph -->") + text
    converter = BodyConverter(lambda url, wp_id: None, lambda post_id: [])
    best = float("inf")
    for _ in range(2):
        started = time.process_time()
        converter.convert(text, post_id=1)
        best = min(best, time.process_time() - started)
    return best


@pytest.mark.parametrize("unit", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_body_conversion_takes_time_in_proportion_to_the_text(unit):
    # CPU time of 40 KB and of 160 KB of the same text: four times the text
    # takes about four times as long (sixteen if the work were quadratic).
    small = _conversion_seconds(unit, 40_000)
    large = _conversion_seconds(unit, 160_000)
    assert large < 0.5
    assert large < 8 * small + 0.02
