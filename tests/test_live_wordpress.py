"""Live blogs from WordPress: the Liveblog plugin's entries, kept as comments
of type `liveblog`, come in as the article's live updates."""

import pytest

from articles.models import Article, LiveUpdate
from articles.wordpress.importer import WordPressImport
from tests.test_wordpress import write_export, wxr_post

pytestmark = pytest.mark.django_db


def entry(wp_id, when, content, *, author="Jo Lens", meta=()):
    metas = "".join(
        f"<wp:commentmeta><wp:meta_key><![CDATA[{key}]]></wp:meta_key>"
        f"<wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:commentmeta>"
        for key, value in meta
    )
    return f"""<wp:comment>
    <wp:comment_id>{wp_id}</wp:comment_id>
    <wp:comment_author><![CDATA[{author}]]></wp:comment_author>
    <wp:comment_date_gmt><![CDATA[{when}]]></wp:comment_date_gmt>
    <wp:comment_content><![CDATA[{content}]]></wp:comment_content>
    <wp:comment_approved><![CDATA[liveblog]]></wp:comment_approved>
    <wp:comment_type><![CDATA[liveblog]]></wp:comment_type>
    <wp:comment_parent>0</wp:comment_parent>{metas}
  </wp:comment>"""


def liveblog_post(state, *entries):
    post = wxr_post(7, "<p>Storm coverage.</p>", status="publish")
    meta = (
        "<wp:postmeta><wp:meta_key><![CDATA[liveblog]]></wp:meta_key>"
        f"<wp:meta_value><![CDATA[{state}]]></wp:meta_value></wp:postmeta>"
    )
    return post.replace("</item>", meta + "".join(entries) + "</item>")


def test_liveblog_entries_become_updates_with_edits_deletions_and_key_events(
    tmp_path,
):
    export = write_export(
        tmp_path,
        liveblog_post(
            "enable",
            entry(10, "2024-03-01 10:05:00", "Winds rising."),
            entry(
                11,
                "2024-03-01 10:20:00",
                "Ferries stop.",
                meta=[("liveblog_key_entry", "true")],
            ),
            entry(12, "2024-03-01 10:30:00", "A mistake."),
            entry(
                13,
                "2024-03-01 10:40:00",
                "Winds rising fast.",
                meta=[("liveblog_replaces", "10")],
            ),
            entry(14, "2024-03-01 10:45:00", "", meta=[("liveblog_replaces", "12")]),
        ),
    )
    summary = WordPressImport(export, progress=False, allow_rule_breaks=True).run()
    article = Article.objects.get()
    assert article.is_live_coverage
    updates = list(article.live_updates.order_by("published_at"))
    assert [u.body for u in updates] == [
        "<p>Winds rising fast.</p>",
        "<p>Ferries stop.</p>",
    ]
    assert [u.is_key_event for u in updates] == [False, True]
    assert updates[0].published_at.hour == 10 and updates[0].published_at.minute == 5
    assert [a.name for a in updates[0].authors.all()] == ["Jo Lens"]
    assert article.authors.get() == updates[0].authors.get()
    assert any("live blog" in note for note in summary.notes)


def test_an_archived_liveblog_has_ended(tmp_path):
    export = write_export(
        tmp_path,
        liveblog_post("archive", entry(10, "2024-03-01 10:05:00", "Over.")),
    )
    WordPressImport(export, progress=False, allow_rule_breaks=True).run()
    article = Article.objects.get()
    assert article.has_live_coverage and not article.is_live_coverage
    assert LiveUpdate.objects.count() == 1


def test_comments_of_a_post_without_the_plugin_stay_out(tmp_path):
    post = wxr_post(7, "<p>Plain.</p>", status="publish").replace(
        "</item>", entry(10, "2024-03-01 10:05:00", "Hello.") + "</item>"
    )
    WordPressImport(write_export(tmp_path, post), progress=False).run()
    assert not Article.objects.get().has_live_coverage
    assert not LiveUpdate.objects.exists()
