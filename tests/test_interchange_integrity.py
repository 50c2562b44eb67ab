"""The interchange format carries embargoes, corrections and takedowns."""

import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from articles.models import (
    Article,
    Author,
    Correction,
    Photo,
    PhotoCredit,
    RelatedLink,
    Section,
)
from tests.test_interchange import article_data, snapshot

Status = Article.Status
pytestmark = pytest.mark.django_db

CORRECTIONS = [
    {
        "kind": "correction",
        "text": "The plant employs 3,000 people, not 30,000.",
        "published_at": "2026-03-27T09:00:00+00:00",
    },
    {
        "kind": "clarification",
        "text": "The robots are leased, not bought.",
        "published_at": "2026-03-28T10:00:00+00:00",
        "withdrawn_at": "2026-03-28T12:00:00+00:00",
        "withdrawal_reason": "The company confirmed they were bought.",
    },
]


def test_export_then_import_reproduces_embargo_corrections_and_takedown(
    write_file, tmp_path, settings
):
    source = write_file(
        [
            article_data(
                "embargoed",
                embargo_until="2030-01-01T06:00:00+08:00",
                corrections=CORRECTIONS,
            ),
            article_data(
                "removed",
                status="taken_down",
                takedown_reason="Court order 2026/114",
            ),
        ]
    )
    call_command("import_articles", str(source))
    embargoed = Article.objects.get(slug="embargoed")
    assert embargoed.is_embargoed() and not embargoed.is_live()
    assert embargoed.corrections.count() == 2
    removed = Article.objects.get(slug="removed")
    assert removed.status == Status.TAKEN_DOWN
    assert removed.takedown_reason == "Court order 2026/114"
    assert removed.taken_down_at is not None

    first = tmp_path / "one" / "export.json"
    call_command("export_articles", str(first))
    exported = {a["slug"]: a for a in json.loads(first.read_text())["articles"]}
    assert exported["embargoed"]["embargo_until"] == "2029-12-31T22:00:00+00:00"
    assert exported["embargoed"]["corrections"] == CORRECTIONS
    assert exported["removed"]["status"] == "taken_down"
    assert exported["removed"]["takedown_reason"] == "Court order 2026/114"

    for model in (
        Correction,
        RelatedLink,
        Article,
        Photo,
        PhotoCredit,
        Author,
        Section,
    ):
        model.objects.all().delete()
    shutil.rmtree(settings.MEDIA_ROOT)
    call_command("import_articles", str(first))
    second = tmp_path / "two" / "export.json"
    call_command("export_articles", str(second))
    assert first.read_text() == second.read_text()


def test_importing_again_adds_no_correction_twice(write_file):
    path = write_file([article_data("twice", corrections=CORRECTIONS[:1])])
    call_command("import_articles", str(path))
    call_command("import_articles", str(path))
    assert Correction.objects.count() == 1


@pytest.mark.parametrize(
    "over, fault",
    [
        (
            {"status": "draft", "published_at": None, "corrections": CORRECTIONS[:1]},
            "article 2 ('bad'): field 'corrections': an article with status 'draft'",
        ),
        (
            {"embargo_until": "2030-01-01T06:00:00"},
            "article 2 ('bad'): field 'embargo_until': '2030-01-01T06:00:00' is not "
            "an ISO 8601 date-time with a UTC offset",
        ),
        (
            {"status": "taken_down"},
            "article 2 ('bad'): field 'takedown_reason': is required for status "
            "'taken_down'",
        ),
        (
            {"corrections": [{"kind": "erratum", "text": "x", "published_at": None}]},
            "article 2 ('bad'): field 'corrections[1].kind'",
        ),
    ],
)
def test_refused_imports_name_the_article_and_field_and_write_nothing(
    write_file, over, fault
):
    before = snapshot()
    path = write_file([article_data("fine"), article_data("bad", **over)])
    with pytest.raises(CommandError) as refused:
        call_command("import_articles", str(path))
    assert fault in str(refused.value)
    assert snapshot() == before
    assert not Correction.objects.exists()
