"""Live coverage in the interchange format: export then import reproduces it;
a bad update is refused naming the article and field, and nothing is written."""

import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Author, Correction, LiveUpdate, Photo, Section
from tests.test_interchange import article_data, snapshot

pytestmark = pytest.mark.django_db


def coverage(**over):
    data = {
        "started_at": "2026-03-26T08:30:00+00:00",
        "ended_at": None,
        "updates": [
            {
                "published_at": "2026-03-26T08:35:00+00:00",
                "headline": "Warning issued",
                "body_html": "<p>A warning is in force.</p>",
                "authors": ["Mei Lin"],
                "is_key_event": True,
            },
            {
                "published_at": "2026-03-26T09:00:00+00:00",
                "body_html": "<p>Read this first.</p>",
                "is_pinned": True,
                "corrections": [
                    {
                        "kind": "correction",
                        "text": "The warning is amber, not red.",
                        "published_at": "2026-03-26T09:30:00+00:00",
                    }
                ],
            },
        ],
    }
    data.update(over)
    return data


def test_import_brings_coverage_and_updates_in_through_the_workflow(write_file):
    path = write_file([article_data("storm", live_coverage=coverage())])
    call_command("import_articles", str(path))
    article = Article.objects.get(slug="storm")
    assert article.has_live_coverage and article.is_live_coverage
    key, pinned = article.live_updates.order_by("published_at")
    assert key.is_key_event and key.headline == "Warning issued"
    assert [a.name for a in key.authors.all()] == ["Mei Lin"]
    assert pinned.is_pinned
    assert Correction.objects.get(live_update=pinned).text.startswith("The warning")
    assert article.events.filter(comment="Imported live coverage").count() == 1

    call_command("import_articles", str(path))  # idempotent
    assert article.events.filter(comment="Imported live coverage").count() == 1
    assert LiveUpdate.objects.count() == 2


def test_export_then_import_reproduces_live_updates(write_file, tmp_path, settings):
    call_command(
        "import_articles",
        str(write_file([article_data("storm", live_coverage=coverage())])),
    )
    first = tmp_path / "one" / "export.json"
    call_command("export_articles", str(first))
    for model in (Article, Photo, Author, Section):
        model.objects.all().delete()
    shutil.rmtree(settings.MEDIA_ROOT)
    call_command("import_articles", str(first))
    second = tmp_path / "two" / "export.json"
    call_command("export_articles", str(second))

    assert first.read_text() == second.read_text()
    [exported] = json.loads(first.read_text())["articles"]
    updates = exported["live_coverage"]["updates"]
    assert [u["is_pinned"] for u in updates] == [False, True]
    assert updates[1]["corrections"][0]["text"] == "The warning is amber, not red."
    assert exported["corrections"] == []


@pytest.mark.parametrize(
    ("update", "field"),
    [
        ({"body_html": "<p>No time.</p>"}, "live_coverage.updates[1].published_at"),
        (
            {"published_at": "2026-03-26T08:00:00+00:00", "body_html": "<p>Early</p>"},
            "live_coverage.updates[1].published_at",
        ),
        (
            {"published_at": "2026-03-26T08:40:00+00:00"},
            "live_coverage.updates[1].body_html",
        ),
    ],
)
def test_a_bad_update_is_refused_naming_article_and_field(write_file, update, field):
    path = write_file(
        [
            article_data("calm"),
            article_data("storm", live_coverage=coverage(updates=[update])),
        ]
    )
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        call_command("import_articles", str(path))
    assert f"article 2 ('storm'): field '{field}'" in str(refused.value)
    assert snapshot() == before
    assert not LiveUpdate.objects.exists()


def test_an_update_photo_comes_in_with_its_caption_and_credit(write_file, client):
    """The picture is the hero's: the library's credit is kept for it."""
    update = {
        "published_at": "2026-03-26T08:40:00+00:00",
        "body_html": "<p>The harbour.</p>",
        "photo": {
            "file": "photos/storm.jpg",
            "caption": "Waves on the harbour wall.",
            "alt_text": "Waves breaking",
            "credit": {"photographer": "Ana Lens", "agency": "AFP"},
        },
    }
    path = write_file([article_data("storm", live_coverage=coverage(updates=[update]))])
    call_command("import_articles", str(path))
    article = Article.objects.get(slug="storm")
    page = client.get(article.get_absolute_url()).content.decode()
    live = page.split('id="live"', 1)[1]
    assert "Waves on the harbour wall." in live
    assert "Feng Fei / Imaginechina via AFP" in live


def test_coverage_or_updates_in_the_future_are_refused(write_file):
    path = write_file(
        [
            article_data(
                "storm",
                live_coverage=coverage(
                    ended_at="2999-01-01T00:00:00+00:00",
                    updates=[
                        {
                            "published_at": "2999-01-01T00:00:00+00:00",
                            "body_html": "<p>Later.</p>",
                        }
                    ],
                ),
            )
        ]
    )
    with pytest.raises(CommandError) as refused:
        call_command("import_articles", str(path))
    assert "field 'live_coverage.ended_at': is in the future" in str(refused.value)
    assert "field 'live_coverage.updates[1].published_at': is in the future" in str(
        refused.value
    )
    assert not Article.objects.exists()
