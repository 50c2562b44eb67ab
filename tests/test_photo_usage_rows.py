"""Where each photo is used, kept as rows when content is saved, so the photo
library counts and lists uses without reading every article's body."""

from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import workflow
from articles.models import Article, PendingChange, PhotoUsage
from tests.factories import make_article, make_credit, make_photo, make_section

pytestmark = pytest.mark.django_db

Status = Article.Status


def rows(photo):
    return {
        (u.article_id, u.as_hero, u.in_body, u.pending)
        for u in PhotoUsage.objects.filter(photo=photo)
    }


@pytest.fixture
def photo():
    return make_photo(alt_text="Cranes", credit=make_credit(agency="AFP"))


def test_saving_a_draft_records_its_hero_and_body_photos(editor, photo):
    other = make_photo(alt_text="Ships", credit=make_credit(agency="AP"))
    draft = make_article(status=Status.DRAFT, publish_at=None)
    content = workflow.ArticleContent.of(draft)
    content.hero_photo = photo.pk
    content.body = f'<p>x</p><figure data-photo="{other.pk}"></figure>'
    workflow.edit(draft, content, by=editor)
    assert rows(photo) == {(draft.pk, True, False, False)}
    assert rows(other) == {(draft.pk, False, True, False)}

    content = workflow.ArticleContent.of(draft)
    content.body = "<p>No photo now.</p>"
    workflow.edit(draft, content, by=editor)
    assert rows(other) == set()
    assert rows(photo) == {(draft.pk, True, False, False)}


def test_pending_changes_are_uses_until_discarded(editor, photo):
    live = make_article(headline="Live story")
    content = workflow.ArticleContent.of(live)
    content.body += f'<figure data-photo="{photo.pk}"></figure>'
    workflow.edit(live, content, by=editor)
    assert rows(photo) == {(live.pk, False, True, True)}

    workflow.discard_changes(live, by=editor)
    assert rows(photo) == set()


def test_published_changes_move_the_use_onto_the_article(editor, photo):
    live = make_article(headline="Live story", tags=["Ports"])
    content = workflow.ArticleContent.of(live)
    content.hero_photo = photo.pk
    content.hero_alt_text = "Cranes"
    workflow.edit(live, content, by=editor)
    assert rows(photo) == {(live.pk, True, False, True)}
    workflow.publish_changes(live, by=editor)
    assert rows(photo) == {(live.pk, True, False, False)}


def test_the_migration_records_the_uses_of_existing_content(photo):
    section = make_section()
    hero = Article.objects.create(
        headline="Hero", slug="hero", section=section, hero_photo=photo
    )
    placed = Article.objects.create(
        section=section,
        headline="Placed",
        slug="placed",
        body=f'<figure data-photo="{photo.pk}" data-caption="c" data-alt="a"></figure>',
    )
    pending = Article.objects.create(headline="Pending", slug="p", section=section)
    PendingChange.objects.create(
        article=pending, content={"hero_photo": photo.pk, "body": "<p>x</p>"}
    )
    assert rows(photo) == set()  # written without the workflow
    migration = import_module("articles.migrations.0021_where_photos_are_used")
    migration.record_existing_uses(apps, None)
    assert rows(photo) == {
        (hero.pk, True, False, False),
        (placed.pk, False, True, False),
        (pending.pk, True, False, True),
    }


def test_the_photo_library_never_reads_article_bodies(admin_client, photo):
    for _ in range(3):
        make_article(body=f'<figure data-photo="{photo.pk}"></figure>')
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(reverse("admin:articles_photo_changelist"))
    assert ">3 articles</a>" in page.content.decode()
    assert not any('"body"' in q["sql"] for q in queries.captured_queries)
