import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import ApiToken, Article, ArticleEvent, ArticleRedirect
from tests.factories import (
    make_article,
    make_author,
    make_credit,
    make_photo,
    make_role_user,
    make_section,
)

pytestmark = pytest.mark.django_db
Status = Article.Status


def token_for(user):
    return ApiToken.issue(user, name="Test client")[1]


class Api:
    """The write API as a client with one token sees it."""

    def __init__(self, client, token):
        self.client, self.token = client, token

    def call(self, method, path, data=None):
        return getattr(self.client, method)(
            f"/api/v1{path}",
            data=json.dumps(data) if data is not None else None,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.token}",
        )

    def post(self, path, data=None):
        return self.call("post", path, data if data is not None else {})

    def patch(self, path, data):
        return self.call("patch", path, data)

    def get(self, path):
        return self.call("get", path)


@pytest.fixture
def section():
    return make_section(slug="markets")


@pytest.fixture
def as_writer(client, writer):
    return Api(client, token_for(writer))


@pytest.fixture
def as_editor(client, editor):
    return Api(client, token_for(editor))


def test_writer_creates_updates_and_submits_a_draft(as_writer, writer, section):
    created = as_writer.post(
        "/drafts",
        {
            "headline": "Port volumes hit record",
            "section": "markets",
            "body": "<p>Ships.</p><script>alert(1)</script>",
            "tags": ["ports", "Ports", "shipping"],
        },
    )
    assert created.status_code == 201, created.content
    draft = created.json()
    assert draft["status"] == "draft" and draft["slug"] == "port-volumes-hit-record"
    assert draft["body"] == "<p>Ships.</p>"
    assert draft["tags"] == ["ports", "shipping"]
    assert draft["authors"] == ["wendy-writer"]  # the writer's own byline
    assert draft["allowed_actions"] == ["submit"]
    article = Article.objects.get(pk=draft["id"])
    assert article.created_by == writer

    updated = as_writer.patch(
        f"/drafts/{draft['id']}",
        {"standfirst": "A busy month.", "version": draft["version"]},
    )
    assert updated.status_code == 200
    assert updated.json()["standfirst"] == "A busy month."
    assert updated.json()["headline"] == "Port volumes hit record"

    submitted = as_writer.post(f"/drafts/{draft['id']}/submit", {"comment": "Ready"})
    assert submitted.json()["status"] == "in_review"
    event = ArticleEvent.objects.get(article=article, action="submit")
    assert event.actor == writer and event.comment == "Ready"
    # Submitted: the writer may no longer change it, as in the admin.
    refused = as_writer.patch(
        f"/drafts/{draft['id']}",
        {"headline": "Changed", "version": submitted.json()["version"]},
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"


def test_only_editors_publish_and_the_publish_rules_apply(
    as_writer, as_editor, section
):
    draft = as_writer.post(
        "/drafts",
        {
            "headline": "Chips",
            "section": "markets",
            "standfirst": "Chip makers expand.",
            "tags": ["chips"],
        },
    )
    article_id = draft.json()["id"]
    assert as_writer.post(f"/drafts/{article_id}/submit").status_code == 200
    refused = as_writer.post(f"/drafts/{article_id}/publish")
    assert refused.status_code == 403
    assert Article.objects.get(pk=article_id).status == Status.IN_REVIEW

    uncredited = make_photo(credit=None)
    version = Article.objects.get(pk=article_id).version
    as_editor.patch(
        f"/drafts/{article_id}", {"hero_photo": uncredited.pk, "version": version}
    )
    blocked = as_editor.post(f"/drafts/{article_id}/publish")
    assert blocked.status_code == 409
    assert "no credit" in blocked.json()["error"]["message"]
    assert not Article.objects.live().filter(pk=article_id).exists()

    credited = make_photo(credit=make_credit(agency="AFP"))
    version = Article.objects.get(pk=article_id).version
    as_editor.patch(
        f"/drafts/{article_id}", {"hero_photo": credited.pk, "version": version}
    )
    published = as_editor.post(f"/drafts/{article_id}/publish")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["url"].endswith("/markets/chips/")
    assert Article.objects.live().filter(pk=article_id).exists()


def test_editing_a_live_article_waits_for_publish_changes(as_editor, client):
    article = make_article(headline="Old headline", slug="story", tags=["ports"])
    edited = as_editor.patch(
        f"/drafts/{article.pk}",
        {"headline": "New headline", "version": article.version},
    )
    assert edited.json()["has_pending_changes"] is True
    assert edited.json()["headline"] == "New headline"
    page = client.get("/api/v1/articles/story").json()
    assert page["headline"] == "Old headline"
    assert as_editor.post(f"/drafts/{article.pk}/publish-changes").status_code == 200
    assert client.get("/api/v1/articles/story").json()["headline"] == "New headline"


def test_schedule_needs_a_future_time_with_an_offset(as_editor, section):
    make_author(name="Mei Lin", slug="mei-lin")
    draft = as_editor.post(
        "/drafts",
        {
            "headline": "Later",
            "section": "markets",
            "standfirst": "Ports are busy.",
            "tags": ["ports"],
            "authors": ["mei-lin"],
        },
    )
    article_id = draft.json()["id"]
    as_editor.post(f"/drafts/{article_id}/submit")
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    assert as_editor.post(
        f"/drafts/{article_id}/schedule", {"at": past}
    ).status_code == (409)
    soon = (timezone.now() + timedelta(hours=1)).isoformat()
    response = as_editor.post(f"/drafts/{article_id}/schedule", {"at": soon})
    assert response.json()["status"] == "scheduled"


def test_second_save_from_an_old_version_is_a_conflict(as_editor, section):
    draft = as_editor.post("/drafts", {"headline": "Race", "section": "markets"}).json()
    first = as_editor.patch(
        f"/drafts/{draft['id']}", {"standfirst": "One", "version": draft["version"]}
    )
    assert first.status_code == 200
    second = as_editor.patch(
        f"/drafts/{draft['id']}", {"standfirst": "Two", "version": draft["version"]}
    )
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "edit_conflict"
    assert Article.objects.get(pk=draft["id"]).standfirst == "One"


def test_writers_cannot_see_or_touch_each_others_drafts(client, as_writer, section):
    other = make_role_user("Writer", "other-writer")
    theirs = Api(client, token_for(other)).post(
        "/drafts", {"headline": "Theirs", "section": "markets"}
    )
    article_id = theirs.json()["id"]
    assert as_writer.get(f"/drafts/{article_id}").status_code == 404
    assert as_writer.patch(
        f"/drafts/{article_id}", {"headline": "x", "version": 1}
    ).status_code == (404)
    assert Article.objects.get(pk=article_id).headline == "Theirs"


def test_bad_input_is_refused_in_one_shape_and_nothing_is_saved(as_writer, section):
    cases = [
        ({"section": "markets"}, 422, "headline"),
        ({"headline": "x", "section": "nowhere"}, 422, "section"),
        (
            {"headline": "x", "section": "markets", "authors": ["nobody"]},
            422,
            "authors",
        ),
        ({"headline": "x" * 201, "section": "markets"}, 422, "headline"),
        ({"headline": "a\x00b", "section": "markets"}, 422, "headline"),
        ({"headline": "x", "section": "markets", "hero_photo": 999999}, 422, None),
    ]
    for payload, status, field in cases:
        response = as_writer.post("/drafts", payload)
        assert response.status_code == status, (payload, response.content)
        error = response.json()["error"]
        assert error["code"] == "invalid" and error["message"]
        if field:
            assert field in error["fields"], error
    not_json = as_writer.client.post(
        "/api/v1/drafts",
        data="{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {as_writer.token}",
    )
    assert not_json.status_code == 400
    assert not_json.json()["error"]["code"] == "bad_request"
    huge = as_writer.post("/drafts", {"headline": "x", "body": "x" * 3_000_000})
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "too_large"
    for body in ([None, None], 7, "text"):
        assert as_writer.post("/drafts", body).status_code == 422
    draft = as_writer.post("/drafts", {"headline": "x", "section": "markets"}).json()
    not_an_object = as_writer.patch(f"/drafts/{draft['id']}", [None, None])
    assert not_an_object.status_code == 422
    assert as_writer.post(f"/drafts/{draft['id']}/submit", [1]).status_code == 422
    assert Article.objects.get().version == draft["version"]
    Article.objects.all().delete()
    assert not Article.objects.exists()


def test_missing_wrong_and_revoked_tokens_are_401(client, writer, section):
    record, token = ApiToken.issue(writer, name="Phone")
    payload = {"headline": "x", "section": "markets"}
    assert Api(client, "").post("/drafts", payload).status_code == 401
    assert Api(client, token + "x").post("/drafts", payload).status_code == 401
    assert Api(client, token).post("/drafts", payload).status_code == 201
    record.revoke()
    refused = Api(client, token).post("/drafts", payload)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthorized"
    writer.is_active = False
    writer.save()
    fresh = token_for(writer)
    assert Api(client, fresh).post("/drafts", payload).status_code == 401


def test_a_user_without_a_writing_role_cannot_create(client, section):
    admin_only = make_role_user("Admin", "team-admin")
    response = Api(client, token_for(admin_only)).post(
        "/drafts", {"headline": "x", "section": "markets"}
    )
    assert response.status_code == 403


def test_tokens_are_stored_hashed_issued_and_revoked_in_the_admin(client, writer):
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_apitoken_add"),
        {
            "user": writer.pk,
            "name": "Wire importer",
            "scopes": ["read", "write"],
            "lifetime": 30,
        },
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    token = next(word for m in shown for word in m.split() if word.startswith("nrt_"))
    record = ApiToken.objects.get(name="Wire importer")
    assert record.created_by == writer and record.user == writer
    assert record.scopes == ["read", "write"]
    assert abs(record.expires_at - timezone.now() - timedelta(days=30)) < timedelta(
        minutes=1
    )
    assert token not in record.key_hash and len(record.key_hash) == 64
    assert ApiToken.objects.for_token(token) == record
    page = client.get(reverse("admin:articles_apitoken_change", args=[record.pk]))
    assert token not in page.content.decode()

    admin = make_role_user("Admin", "team-admin")
    client.force_login(admin)
    client.post(
        reverse("admin:articles_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [record.pk]},
    )
    record.refresh_from_db()
    assert record.revoked_at is not None and record.revoked_by == admin
    assert ApiToken.objects.for_token(token) is None


def test_slug_change_of_a_live_article_keeps_its_old_address(as_editor):
    article = make_article(slug="old-slug", authors=[make_author()], tags=["x"])
    as_editor.patch(
        f"/drafts/{article.pk}", {"slug": "new-slug", "version": article.version}
    )
    as_editor.post(f"/drafts/{article.pk}/publish-changes")
    article.refresh_from_db()
    assert article.slug == "new-slug"
    assert ArticleRedirect.objects.filter(article=article).exists()


def test_an_update_without_the_version_read_is_refused(as_editor, section):
    draft = as_editor.post("/drafts", {"headline": "Race", "section": "markets"}).json()
    refused = as_editor.patch(f"/drafts/{draft['id']}", {"standfirst": "Blind"})
    assert refused.status_code == 422
    assert "version" in refused.json()["error"]["fields"]
    assert Article.objects.get(pk=draft["id"]).standfirst == ""


def test_moves_made_on_an_old_version_are_conflicts(as_writer, as_editor, section):
    draft = as_writer.post(
        "/drafts",
        {
            "headline": "Chips",
            "section": "markets",
            "standfirst": "Chip makers expand.",
            "tags": ["chips"],
        },
    ).json()
    path = f"/drafts/{draft['id']}"
    seen = draft["version"]
    changed = as_writer.patch(path, {"standfirst": "Fab opens.", "version": seen})
    stale = as_writer.post(f"{path}/submit", {"version": seen})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "edit_conflict"
    current = changed.json()["version"]
    submitted = as_writer.post(f"{path}/submit", {"version": current})
    assert submitted.status_code == 200
    # An editor who read the submitted story publishes only what they read.
    read = as_editor.get(path).json()
    as_editor.patch(path, {"headline": "Chips, again", "version": read["version"]})
    for move, extra in [
        ("publish", {}),
        ("schedule", {"at": (timezone.now() + timedelta(hours=1)).isoformat()}),
    ]:
        refused = as_editor.post(
            f"{path}/{move}", {"version": read["version"], **extra}
        )
        assert refused.status_code == 409, move
        assert refused.json()["error"]["code"] == "edit_conflict"
    assert Article.objects.get(pk=draft["id"]).status == Status.IN_REVIEW
    latest = as_editor.get(path).json()["version"]
    assert as_editor.post(f"{path}/publish", {"version": latest}).status_code == 200
