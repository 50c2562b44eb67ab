"""Saves that meet a newer version: merged three ways against the version the
person opened, in the admin, the API and the workflow, with real concurrent
connections where two saves race."""

import pytest
from django.urls import reverse

from articles import workflow
from articles.models import Article, PendingChange
from articles.workflow.merging import keep_opened_version
from tests.factories import (
    change_form_data,
    make_article,
    make_author,
    make_role_user,
)
from tests.test_api_write import Api, token_for
from tests.test_concurrency import make_editor, race

Status = Article.Status


def content_opened_at(client, user, article) -> dict:
    """What `user`'s change page posts, as opened now (the page is really
    opened, so the version it shows is kept)."""
    client.force_login(user)
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    return change_form_data(article)


def change_url(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.mark.django_db
def test_a_headline_and_a_standfirst_changed_by_two_editors_both_stay(client):
    article = make_article(status=Status.DRAFT, headline="Port opens", standfirst="S")
    first, second = make_role_user("Editor", "ann"), make_role_user("Editor", "ben")
    by_first = content_opened_at(client, first, article)
    by_second = content_opened_at(client, second, article)

    client.force_login(first)
    client.post(change_url(article), {**by_first, "headline": "Port opens early"})
    client.force_login(second)
    response = client.post(
        change_url(article), {**by_second, "standfirst": "Ships queue at dawn."}
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.standfirst) == (
        "Port opens early",
        "Ships queue at dawn.",
    )
    assert article.version == by_first["loaded_version"] + 2


@pytest.mark.django_db
def test_a_live_article_merges_into_its_pending_changes(client, editor):
    article = make_article(headline="Live", standfirst="S")
    other = make_role_user("Editor", "other")
    by_editor = content_opened_at(client, editor, article)
    by_other = content_opened_at(client, other, article)
    client.force_login(editor)
    client.post(change_url(article), {**by_editor, "headline": "Live, updated"})
    client.force_login(other)
    client.post(change_url(article), {**by_other, "standfirst": "New standfirst"})

    pending = PendingChange.objects.get(article=article).content
    assert (pending["headline"], pending["standfirst"]) == (
        "Live, updated",
        "New standfirst",
    )
    article.refresh_from_db()
    assert article.headline == "Live"  # readers still see the published version


@pytest.mark.django_db
def test_the_same_field_changed_by_both_shows_both_and_saves_the_choice(client):
    article = make_article(status=Status.DRAFT, headline="Dam", standfirst="Old")
    first, second = make_role_user("Editor", "ann"), make_role_user("Editor", "ben")
    by_first = content_opened_at(client, first, article)
    by_second = content_opened_at(client, second, article)
    client.force_login(first)
    client.post(
        change_url(article),
        {**by_first, "standfirst": "Water rises.", "headline": "Dam holds"},
    )

    client.force_login(second)
    response = client.post(
        change_url(article), {**by_second, "standfirst": "Engineers worry."}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="merge-standfirst"' in html
    assert "Engineers worry." in html and "Water rises." in html
    assert 'id="merge-headline"' not in html  # only one side changed it
    article.refresh_from_db()
    assert article.standfirst == "Water rises."  # nothing saved yet

    # The form came back at the current version with the other's headline.
    form = response.context["adminform"].form
    assert form.data["loaded_version"] == str(article.version)
    assert form.data["headline"] == "Dam holds"
    again = client.post(
        change_url(article), {**form.data.dict(), "merge_standfirst": "both"}
    )
    assert again.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Dam holds"
    assert article.standfirst == "Engineers worry.\n\nWater rises."


@pytest.mark.django_db
def test_taking_the_saved_version_keeps_it(client):
    article = make_article(status=Status.DRAFT, headline="Dam", standfirst="Old")
    first, second = make_role_user("Editor", "ann"), make_role_user("Editor", "ben")
    by_first = content_opened_at(client, first, article)
    by_second = content_opened_at(client, second, article)
    client.force_login(first)
    client.post(change_url(article), {**by_first, "standfirst": "Water rises."})
    client.force_login(second)
    response = client.post(
        change_url(article), {**by_second, "standfirst": "Engineers worry."}
    )
    data = {**response.context["adminform"].form.data.dict()}
    client.post(change_url(article), {**data, "merge_standfirst": "theirs"})
    article.refresh_from_db()
    assert article.standfirst == "Water rises."


@pytest.mark.django_db
def test_a_version_nobody_was_shown_is_refused_as_before(editor):
    article = make_article(status=Status.DRAFT, headline="A", standfirst="S")
    stale = article.version
    workflow.edit(article, _with(article, headline="B"), by=editor)
    with pytest.raises(workflow.EditConflict) as refused:
        workflow.edit_merging(
            article,
            lambda content: _with_content(content, standfirst="T"),
            by=editor,
            version=stale,
        )
    assert not isinstance(refused.value, workflow.MergeConflict)
    article.refresh_from_db()
    assert (article.headline, article.standfirst) == ("B", "S")


def _with(article, **changes):
    return _with_content(workflow.proposed_content(article), **changes)


def _with_content(content, **changes):
    for name, value in changes.items():
        setattr(content, name, value)
    return content


# The API ----------------------------------------------------------------------


@pytest.mark.django_db
def test_api_updates_of_different_fields_from_one_version_merge(client, editor):
    api = Api(client, token_for(editor))
    article = make_article(status=Status.DRAFT, headline="Grid", standfirst="S")
    read = api.get(f"/drafts/{article.pk}").json()
    first = api.patch(
        f"/drafts/{article.pk}", {"headline": "Grid holds", "version": read["version"]}
    )
    assert first.status_code == 200
    second = api.patch(
        f"/drafts/{article.pk}",
        {"standfirst": "Demand peaks.", "version": read["version"]},
    )
    assert second.status_code == 200
    body = second.json()
    assert (body["headline"], body["standfirst"]) == ("Grid holds", "Demand peaks.")
    assert body["version"] == first.json()["version"] + 1


@pytest.mark.django_db
def test_api_update_of_the_same_field_answers_409_with_the_current_version(
    client, editor
):
    api = Api(client, token_for(editor))
    article = make_article(status=Status.DRAFT, headline="Grid", standfirst="S")
    read = api.get(f"/drafts/{article.pk}").json()
    api.patch(
        f"/drafts/{article.pk}", {"standfirst": "One", "version": read["version"]}
    )
    refused = api.patch(
        f"/drafts/{article.pk}",
        {"standfirst": "Two", "headline": "Grid fails", "version": read["version"]},
    )
    assert refused.status_code == 409
    body = refused.json()
    assert body["error"]["code"] == "edit_conflict"
    assert list(body["error"]["fields"]) == ["standfirst"]
    assert body["current"]["standfirst"] == "One"
    assert body["current"]["headline"] == "Grid"
    # Sent again from the current version, the choice is saved.
    again = api.patch(
        f"/drafts/{article.pk}",
        {"standfirst": "Two", "version": body["current"]["version"]},
    )
    assert again.status_code == 200
    assert again.json()["standfirst"] == "Two"


@pytest.mark.django_db
def test_the_schema_documents_the_409_with_the_current_version(client):
    schema = client.get("/api/v1/openapi.json").json()
    conflict = schema["paths"]["/api/v1/drafts/{article_id}"]["patch"]["responses"][
        "409"
    ]
    ref = conflict["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    properties = schema["components"]["schemas"][ref]["properties"]
    assert {"error", "current"} <= set(properties)


# Real concurrent connections ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_merging_saves_at_once_keep_both_changes():
    first, second = make_editor("eddie"), make_editor("edna")
    article = make_article(status=Status.DRAFT, headline="Race", standfirst="S")
    keep_opened_version(article, workflow.proposed_content(article))
    version = article.version

    def save(**changes):
        return lambda: workflow.edit_merging(
            Article.objects.get(pk=article.pk),
            lambda content: _with_content(content, **changes),
            by=first if "headline" in changes else second,
            version=version,
        )

    outcomes = race(save(headline="Race won"), save(standfirst="Close finish"))
    assert all(isinstance(o, Article) for o in outcomes), outcomes
    article.refresh_from_db()
    assert (article.headline, article.standfirst) == ("Race won", "Close finish")
    assert article.version == version + 2


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_field_at_once_make_one_winner_and_one_conflict():
    first, second = make_editor("eddie"), make_editor("edna")
    article = make_article(status=Status.DRAFT, headline="Race", standfirst="S")
    keep_opened_version(article, workflow.proposed_content(article))
    version = article.version

    def save(user, text):
        return lambda: workflow.edit_merging(
            Article.objects.get(pk=article.pk),
            lambda content: _with_content(content, standfirst=text),
            by=user,
            version=version,
        )

    outcomes = race(save(first, "Mine"), save(second, "Yours"))
    won = [o for o in outcomes if isinstance(o, Article)]
    lost = [o for o in outcomes if isinstance(o, workflow.MergeConflict)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert lost[0].merge.conflicts == ["standfirst"]
    article.refresh_from_db()
    assert article.standfirst in {"Mine", "Yours"}
    assert article.version == version + 1


@pytest.mark.django_db
def test_choosing_after_a_conflict_keeps_the_other_saves_byline(client):
    first_author = make_author(name="Ann Ames")
    article = make_article(
        status=Status.DRAFT, headline="Dam", standfirst="Old", authors=[first_author]
    )
    first, second = make_role_user("Editor", "ann"), make_role_user("Editor", "ben")
    by_second = content_opened_at(client, second, article)
    # Someone else adds a byline and rewrites the standfirst meanwhile.
    content_opened_at(client, first, article)
    added = make_author(name="Cy Cole")
    workflow.edit(
        article,
        _with(article, standfirst="Water rises.", authors=[first_author.pk, added.pk]),
        by=first,
    )

    client.force_login(second)
    response = client.post(
        change_url(article), {**by_second, "standfirst": "Engineers worry."}
    )
    data = response.context["adminform"].form.data.dict()
    assert data["merge_base"] == str(by_second["loaded_version"])
    # The bylines on the page are still the ones first opened.
    saved = client.post(change_url(article), {**data, "merge_standfirst": "mine"})
    assert saved.status_code == 302
    article.refresh_from_db()
    assert article.standfirst == "Engineers worry."
    assert [b.author.name for b in article.bylines.order_by("position")] == [
        "Ann Ames",
        "Cy Cole",
    ]
