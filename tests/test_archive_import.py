"""Importing and exporting an archive: progress shown, each picture handled once."""

import io
import json

import pytest
from django.core.management import call_command

from articles.models import Article, Photo
from demo.interchange_archive import write_archive

pytestmark = pytest.mark.django_db


def test_import_shows_progress_and_queues_renditions_once_per_picture(
    tmp_path, task_queue
):
    path = write_archive(tmp_path / "archive", stories=30, pictures=3)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", str(path), stdout=out, stderr=err)
    assert "Imported 30 articles (30 new, 0 updated)." in out.getvalue()
    assert "Renditions of new pictures are made by the task worker." in out.getvalue()
    progress = err.getvalue()
    assert "Checking: 100%" in progress and "30/30" in progress
    assert "Importing: 100%" in progress and "stories/s" in progress
    assert Article.objects.live().count() == 30
    # Stories bring their picture with another credit now and then: still one
    # photo, and one rendition task, per picture.
    assert Photo.objects.count() == 3
    tasks = task_queue.results(task_path="articles.tasks.make_renditions")
    assert sorted(t.args_kwargs["args"][0] for t in tasks) == sorted(
        Photo.objects.values_list("pk", flat=True)
    )
    assert not Photo.objects.exclude(renditions={}).exists()

    task_queue.run_worker()
    assert not Photo.objects.filter(renditions={}).exists()
    call_command("import_articles", str(path), stdout=out, stderr=err)
    assert "(0 new, 30 updated)" in out.getvalue()
    assert not task_queue.results(
        status="READY", task_path="articles.tasks.make_renditions"
    ).exists()


def test_export_streams_every_story_with_progress(tmp_path):
    path = write_archive(tmp_path / "archive", stories=12, pictures=2)
    call_command(
        "import_articles", str(path), stdout=io.StringIO(), stderr=io.StringIO()
    )
    target = tmp_path / "out" / "export.json"
    err = io.StringIO()
    call_command("export_articles", str(target), stdout=io.StringIO(), stderr=err)
    assert "Exporting: 100%" in err.getvalue() and "12/12" in err.getvalue()
    exported = json.loads(target.read_text())
    assert len(exported["articles"]) == 12
    assert len(list((target.parent / "photos").iterdir())) == 2
    original = json.loads(path.read_text())["articles"][0]
    again = next(a for a in exported["articles"] if a["slug"] == original["slug"])
    assert again["headline"] == original["headline"]
    assert set(again["tags"]) == set(original["tags"])


def test_import_costs_the_same_few_queries_per_story(
    tmp_path, django_capture_on_commit_callbacks
):
    """A 100,000-story archive must import in minutes: each story is written
    with a fixed number of queries, and the site hears of the import once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.signals import content_changed

    announced = []

    def heard(sender, **kwargs):
        announced.append(sender)

    content_changed.connect(heard)
    counts = {}
    try:
        for stories in (10, 40):
            Article.objects.all().delete()
            announced.clear()
            path = write_archive(tmp_path / f"a{stories}", stories=stories, pictures=2)
            with (
                CaptureQueriesContext(connection) as queries,
                django_capture_on_commit_callbacks(execute=True),
            ):
                call_command(
                    "import_articles",
                    str(path),
                    stdout=io.StringIO(),
                    stderr=io.StringIO(),
                )
            counts[stories] = len(queries)
    finally:
        content_changed.disconnect(heard)
    # About 31 a story (the workflow locks, checks, writes, records a revision,
    # an event and which photos it uses); the rules, sections and indexes are
    # read once per file.
    assert (counts[40] - counts[10]) / 30 <= 32
    assert announced.count(Article) == 1


def test_imported_story_has_a_revision_with_its_bylines_and_tags(tmp_path):
    from reversion.models import Version
    from taggit.models import TaggedItem

    from articles.models import Byline

    path = write_archive(tmp_path / "archive", stories=2, pictures=1)
    call_command(
        "import_articles", str(path), stdout=io.StringIO(), stderr=io.StringIO()
    )
    article = Article.objects.get(slug="archive-story-1")
    version = Version.objects.get_for_object(article).get()
    followed = version.revision.version_set.exclude(pk=version.pk)
    bylines = followed.filter(content_type__model="byline")
    tagged = followed.filter(content_type__model="taggeditem")
    assert [v.object_id for v in bylines] == [
        str(pk)
        for pk in Byline.objects.filter(article=article).values_list("pk", flat=True)
    ]
    assert sorted(v.object_id for v in tagged) == sorted(
        str(pk)
        for pk in TaggedItem.objects.filter(object_id=article.pk).values_list(
            "pk", flat=True
        )
    )
    assert {
        t.name for t in article.tags.all()
    } and tagged.count() == article.tags.count()
