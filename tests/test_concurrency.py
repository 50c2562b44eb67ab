"""Two people at once: real concurrent database connections, one per thread.

On PostgreSQL (DATABASE_URL set) the workflow's row locks decide; on SQLite its
IMMEDIATE transactions do. Each race ends with one winner, a clear refusal for
the other, and nothing lost.
"""

import json
import threading

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models.signals import pre_delete
from django.urls import reverse
from taggit.models import Tag

from articles import workflow
from articles.models import Article, ArticleEvent, PendingChange, Photo
from tests.factories import (
    make_article,
    make_author,
    make_photo,
    make_section,
    make_user,
)

Status = Article.Status
Action = ArticleEvent.Action
pytestmark = pytest.mark.django_db(transaction=True)

EDITOR_RIGHTS = [
    "add_article",
    "view_article",
    "change_article",
    "publish_article",
    "edit_any_article",
]


def race(*calls):
    """Run each call in its own thread and connection, all released at once;
    return what each returned or raised, in order."""
    start = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            outcomes[index] = call()
        except (ValidationError, PermissionDenied) as refusal:
            outcomes[index] = refusal
        except Exception as error:  # a crash: reported by the assertions
            outcomes[index] = ("crash", error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def refusals(outcomes):
    return [o for o in outcomes if isinstance(o, ValidationError | PermissionDenied)]


def crashes(outcomes):
    return [o for o in outcomes if isinstance(o, tuple)]


def make_editor(username):
    """An editor by rights: the role groups made by a migration do not survive
    the table flush of a test that really commits."""
    user = make_user(username, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=EDITOR_RIGHTS))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def editors():
    return make_editor("eddie"), make_editor("edna")


def live_story_with_pending_edit(editor):
    author = make_author(name="Mei Lin")
    article = make_article(headline="Before", tags=["China", "Trade"], authors=[author])
    content = workflow.proposed_content(article)
    content.headline = "After"
    workflow.edit(article, content, by=editor)
    return Article.objects.get(pk=article.pk), author


def test_two_publish_changes_at_once_publish_once_and_keep_everything(editors):
    article, author = live_story_with_pending_edit(editors[0])
    outcomes = race(
        lambda: workflow.publish_changes(article, by=editors[0]),
        lambda: workflow.publish_changes(article, by=editors[1]),
    )
    assert crashes(outcomes) == []
    [refusal] = refusals(outcomes)
    assert "no pending changes" in " ".join(refusal.messages)
    article.refresh_from_db()
    assert article.headline == "After"
    assert sorted(t.name for t in article.tags.all()) == ["China", "Trade"]
    assert [b.author_id for b in article.bylines.all()] == [author.pk]
    assert article.events.filter(action=Action.PUBLISH_CHANGES).count() == 1


def test_two_saves_of_a_live_article_at_once_keep_one_and_refuse_the_other(
    editors,
):
    article = make_article(headline="Original", tags=["China"])
    opened = article.version

    def save(by, headline):
        content = workflow.proposed_content(article)
        content.headline = headline
        return workflow.edit(article, content, by=by, version=opened)

    outcomes = race(
        lambda: save(editors[0], "Eddie's headline"),
        lambda: save(editors[1], "Edna's headline"),
    )
    assert crashes(outcomes) == []
    [refusal] = refusals(outcomes)
    assert isinstance(refusal, workflow.EditConflict)
    assert "Someone else saved this article" in refusal.messages[0]
    winner = PendingChange.objects.get(article=article).content["headline"]
    assert winner in {"Eddie's headline", "Edna's headline"}
    assert Article.objects.get(pk=article.pk).headline == "Original"


def test_a_save_racing_a_publish_ends_with_one_winner(editors):
    article = make_article(
        headline="In review", status=Status.IN_REVIEW, publish_at=None
    )
    opened = article.version

    def save():
        content = workflow.proposed_content(article)
        content.headline = "Edited meanwhile"
        return workflow.edit(article, content, by=editors[0], version=opened)

    outcomes = race(
        save, lambda: workflow.publish(article, by=editors[1], version=opened)
    )
    assert crashes(outcomes) == []
    [refusal] = refusals(outcomes)
    article.refresh_from_db()
    if isinstance(outcomes[0], ValidationError):
        # Published first: the edit is refused and readers see what was reviewed.
        assert article.status == Status.PUBLISHED and article.headline == "In review"
    else:
        # Saved first: publishing content nobody reviewed is refused.
        assert article.status == Status.IN_REVIEW
        assert article.headline == "Edited meanwhile"
    assert "Someone else saved this article" in refusal.messages[0]


def api_client_for(user):
    """A client of the write API with its own token, for one thread."""
    from django.test import Client

    from articles.models import ApiToken

    token = ApiToken.issue(user, name="Race")[1]

    def post(path, data):
        return Client().post(
            f"/api/v1{path}",
            data=json.dumps(data),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    return post


@pytest.mark.parametrize("attempt", range(3))
def test_drafts_created_at_once_with_one_headline_each_get_a_slug(editors, attempt):
    section = make_section(slug="markets")
    posts = [api_client_for(editor) for editor in (*editors, *editors)]
    body = {"headline": "Port strike ends", "section": section.slug}
    outcomes = race(*(lambda post=post: post("/drafts", body) for post in posts))
    assert crashes(outcomes) == []
    assert [o.status_code for o in outcomes] == [201] * len(posts)
    assert sorted(o.json()["slug"] for o in outcomes) == [
        "port-strike-ends",
        "port-strike-ends-2",
        "port-strike-ends-3",
        "port-strike-ends-4",
    ]


@pytest.mark.parametrize("attempt", range(3))
def test_drafts_bringing_one_new_tag_at_once_share_it(editors, attempt):
    section = make_section(slug="markets")
    posts = [api_client_for(editor) for editor in (*editors, *editors)]
    outcomes = race(
        *(
            lambda n=n, post=post: post(
                "/drafts",
                {
                    "headline": f"Strike, part {n}",
                    "section": section.slug,
                    "tags": ["Dock strike", f"Part {n}"],
                },
            )
            for n, post in enumerate(posts)
        )
    )
    assert crashes(outcomes) == []
    assert [o.status_code for o in outcomes] == [201] * len(posts)
    [tag] = Tag.objects.filter(name="Dock strike")
    assert Article.objects.filter(tags=tag).count() == len(posts)


def test_a_slug_sent_by_two_clients_at_once_goes_to_one_and_the_other_hears_409(
    editors,
):
    section = make_section(slug="markets")
    posts = [api_client_for(editor) for editor in editors]
    body = {"headline": "Budget", "slug": "budget", "section": section.slug}
    outcomes = race(*(lambda post=post: post("/drafts", body) for post in posts))
    assert crashes(outcomes) == []
    assert sorted(o.status_code for o in outcomes) == [201, 409]
    [refused] = [o for o in outcomes if o.status_code == 409]
    assert refused.json()["error"]["code"] == "slug_taken"
    assert Article.objects.filter(slug="budget").count() == 1


def test_a_photo_deleted_while_a_story_places_it_never_leaves_the_story_without_it(
    client, editors
):
    photo = make_photo()
    article = make_article(headline="Harbour", status=Status.DRAFT, publish_at=None)
    opened = article.version
    saved = []

    def place_photo():
        content = workflow.proposed_content(article)
        content.hero_photo = photo.pk
        try:
            saved.append(workflow.edit(article, content, by=editors[0], version=opened))
        except ValidationError as refusal:
            saved.append(refusal)
        finally:
            connection.close()

    def save_meanwhile(sender, instance, **kwargs):
        # The deletion has read the photo's uses and is about to delete it: a
        # save on another connection places the photo now.
        pre_delete.disconnect(save_meanwhile, sender=Photo)
        saving.start()
        saving.join(timeout=3)

    saving = threading.Thread(target=place_photo)
    pre_delete.connect(save_meanwhile, sender=Photo)
    admin = make_user("boss", is_staff=True, is_superuser=True)
    client.force_login(admin)
    try:
        response = client.post(
            reverse("admin:articles_photo_delete", args=[photo.pk]), {"post": "yes"}
        )
    finally:
        pre_delete.disconnect(save_meanwhile, sender=Photo)
        saving.join()
    assert response.status_code == 302
    [outcome] = saved
    article.refresh_from_db()
    if isinstance(outcome, ValidationError):
        # Deleted first: the save is refused and says why.
        assert "no longer in the photo library" in outcome.messages[0]
        assert not Photo.objects.filter(pk=photo.pk).exists()
        assert article.hero_photo_id is None and article.version == opened
    else:
        # Saved first: the photo stays, with its story.
        assert Photo.objects.filter(pk=photo.pk).exists()
        assert article.hero_photo_id == photo.pk


def test_two_admin_saves_taking_one_slug_at_once_save_one_and_refuse_the_other():
    from django.test import Client

    section = make_section()
    admin = make_user("boss", is_staff=True, is_superuser=True)
    form = {
        "headline": "Budget day",
        "slug": "budget-day",
        "section": section.pk,
        "standfirst": "",
        "body": "<p>Text.</p>",
        "hero_photo": "",
        "seo_title": "",
        "seo_description": "",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "related_links-TOTAL_FORMS": "0",
        "related_links-INITIAL_FORMS": "0",
    }

    def save():
        client = Client()
        client.force_login(admin)
        return client.post(reverse("admin:articles_article_add"), form)

    outcomes = race(save, save)
    assert crashes(outcomes) == []
    assert sorted(o.status_code for o in outcomes) == [200, 302]
    [refused] = [o for o in outcomes if o.status_code == 200]
    assert "Article with this Slug already exists." in refused.content.decode()
    assert Article.objects.filter(slug="budget-day").count() == 1
