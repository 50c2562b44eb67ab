"""What a writer, an editor and an admin trying the desk found in their way."""

import pytest
from django.urls import reverse

from articles import workflow
from articles.models import Article, Author
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db

Status = Article.Status


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def workflow_url(article, action):
    return reverse("admin:articles_article_workflow", args=[article.pk, action])


def own_draft(user, **over):
    author = make_author(name="Eddie Editor", slug="eddie-editor", user=user)
    fields = {
        "status": Status.DRAFT,
        "publish_at": None,
        "created_by": user,
        "tags": ["Ports"],
    }
    return make_article(authors=[author], **{**fields, **over})


# An editor publishes or schedules their own story -----------------------------------


def test_an_editors_own_draft_offers_publish_and_schedule(client, editor):
    draft = own_draft(editor)
    client.force_login(editor)
    page = client.get(change_url(draft)).content.decode()
    assert "Publish now" in page
    assert "Schedule" in page
    client.post(workflow_url(draft, "publish"), {"version": draft.version})
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


def test_an_editors_own_draft_still_meets_the_checklist(editor):
    draft = own_draft(editor, tags=())
    with pytest.raises(workflow.InvalidTransition, match="at least 1"):
        workflow.publish(draft, by=editor)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_someone_elses_draft_still_goes_through_review(editor, writer):
    draft = make_article(
        status=Status.DRAFT,
        publish_at=None,
        created_by=writer,
        authors=[writer.author],
        tags=["Ports"],
    )
    assert workflow.allowed_actions(editor, draft) == ["submit"]
    with pytest.raises(workflow.InvalidTransition):
        workflow.publish(draft, by=editor)


# A finished draft is saved and moved on in one click --------------------------------


def new_story(**over) -> dict:
    """What the add form posts for a story ready to go live."""
    from tests.factories import make_credit, make_photo, make_section

    section = make_section(name="Ports", slug="ports")
    photo = make_photo(
        alt_text="Cranes at dawn",
        caption="Cranes at dawn.",
        credit=make_credit(agency="Harbour Light Images"),
    )
    return {
        "headline": "Harbour cranes work through the night",
        "slug": "",
        "section": section.pk,
        "standfirst": "The port clears its backlog.",
        "body": "<p>Three new cranes worked through the night.</p>",
        "hero_photo": photo.pk,
        "hero_caption": "",
        "hero_alt_text": "",
        "tags": "Ports",
        "seo_title": "",
        "seo_description": "",
        "bylines-TOTAL_FORMS": 0,
        "bylines-INITIAL_FORMS": 0,
        "related_links-TOTAL_FORMS": 0,
        "related_links-INITIAL_FORMS": 0,
        **over,
    }


ADD_URL = "/admin/articles/article/add/"


def test_a_writer_saves_and_submits_a_story_in_one_click(client, writer):
    client.force_login(writer)
    page = client.get(ADD_URL).content.decode()
    assert "Save and submit for review" in page
    assert "Save and publish" not in page
    response = client.post(ADD_URL, new_story(_save_and="submit"), follow=True)
    story = Article.objects.get(headline="Harbour cranes work through the night")
    assert story.status == Status.IN_REVIEW
    assert response.redirect_chain[-1][0] == change_url(story)
    assert "Saved. “Harbour cranes work through the night” was submitted" in (
        response.content.decode()
    )


def test_an_editor_saves_and_publishes_their_own_story_in_one_click(client, editor):
    make_author(name="Eddie Editor", slug="eddie-editor", user=editor)
    client.force_login(editor)
    assert "Save and publish" in client.get(ADD_URL).content.decode()
    response = client.post(ADD_URL, new_story(_save_and="publish"), follow=True)
    story = Article.objects.get(headline="Harbour cranes work through the night")
    assert story.status == Status.PUBLISHED
    assert "is published" in response.content.decode()
    # Their draft, reopened, offers the same.
    story.refresh_from_db()
    draft = make_article(
        status=Status.DRAFT,
        publish_at=None,
        created_by=editor,
        authors=list(Author.objects.filter(user=editor)),
    )
    page = client.get(change_url(draft)).content.decode()
    assert 'name="_save_and" value="publish"' in page


def test_a_save_and_move_the_person_may_not_make_keeps_the_save(client, writer):
    client.force_login(writer)
    response = client.post(ADD_URL, new_story(_save_and="publish"), follow=True)
    story = Article.objects.get(headline="Harbour cranes work through the night")
    assert story.status == Status.DRAFT
    assert "Saved, but not moved on: Only editors can publish" in (
        response.content.decode()
    )


def test_save_and_publish_still_meets_the_checklist(client, editor):
    make_author(name="Eddie Editor", slug="eddie-editor", user=editor)
    client.force_login(editor)
    response = client.post(
        ADD_URL, new_story(tags="", _save_and="publish"), follow=True
    )
    story = Article.objects.get(headline="Harbour cranes work through the night")
    assert story.status == Status.DRAFT
    assert "Saved, but not moved on" in response.content.decode()


def test_a_live_story_offers_no_save_and_publish(client, editor):
    story = make_article(tags=["Ports"])
    client.force_login(editor)
    assert "_save_and" not in client.get(change_url(story)).content.decode()


# Takedown: a role holds it, and the panel says who -----------------------------------


def test_a_managing_editor_takes_a_story_down(client):
    from tests.factories import make_role_user

    managing = make_role_user("Managing editor", "managing")
    story = make_article(headline="Libel", tags=["Ports"])
    client.force_login(managing)
    page = client.get(change_url(story)).content.decode()
    assert "Take down" in page
    client.post(
        workflow_url(story, "take_down"),
        {"version": story.version, "reason": "Court order"},
    )
    story.refresh_from_db()
    assert story.is_taken_down


def test_the_managing_editor_role_is_an_editor_who_may_take_down():
    from django.contrib.auth.models import Group

    managing = set(
        Group.objects.get(name="Managing editor").permissions.values_list(
            "codename", flat=True
        )
    )
    editor = set(
        Group.objects.get(name="Editor").permissions.values_list("codename", flat=True)
    )
    assert managing - editor == {"take_down_article"}
    assert editor <= managing


def test_the_panel_tells_an_editor_who_may_take_down(client, editor):
    story = make_article(headline="Libel", tags=["Ports"])
    client.force_login(editor)
    page = client.get(change_url(story)).content.decode()
    assert 'id="takedown-who"' in page
    assert "Managing editor" in page


# Credits: the name in use wins, near-duplicates are flagged ------------------------


def photo_post(photo, **over):
    return {
        "alt_text": photo.alt_text,
        "caption": photo.caption,
        "photographer": "",
        "agency": "",
        "distributor": "",
        "copyright_holder": "",
        "licence_terms": "",
        "licence_expires_on": "",
        **over,
    }


@pytest.fixture
def harbour():
    from tests.factories import make_credit, make_photo

    return make_photo(credit=make_credit(agency="Harbour Light Images"))


def test_a_new_agency_close_to_one_in_use_is_flagged(admin_client, harbour):
    from articles.models import PhotoCredit
    from tests.factories import make_photo

    photo = make_photo()
    url = reverse("admin:articles_photo_change", args=[photo.pk])
    response = admin_client.post(url, photo_post(photo, agency="Harbour"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "“Harbour” is not in use yet, but “Harbour Light Images” is" in page
    assert not PhotoCredit.objects.filter(agency="Harbour").exists()

    admin_client.post(
        url, photo_post(photo, agency="Harbour", new_credit_confirmed="on")
    )
    photo.refresh_from_db()
    assert photo.credit.agency == "Harbour"


def test_a_misspelt_agency_is_flagged_and_the_right_one_passes(admin_client, harbour):
    from tests.factories import make_photo

    photo = make_photo()
    url = reverse("admin:articles_photo_change", args=[photo.pk])
    response = admin_client.post(url, photo_post(photo, agency="Harbor Light Images"))
    assert "is not in use yet" in response.content.decode()
    admin_client.post(url, photo_post(photo, agency="harbour light images"))
    photo.refresh_from_db()
    assert photo.credit.agency == "Harbour Light Images"


# The admin's front page shows the newsroom; the internals have a page of their own --

INTERNALS = ["Axes", "Django_Rq", "Otp_Static", "Otp_Totp", "Tasks Database Backend"]


@pytest.mark.parametrize("role", ["Editor", "Admin", "superuser"])
def test_the_front_page_shows_the_newsroom_not_the_libraries(client, role):
    from tests.factories import make_role_user, make_user

    if role == "superuser":
        user = make_user(is_staff=True, is_superuser=True)
    else:
        user = make_role_user(role)
    client.force_login(user)
    page = client.get(reverse("admin:index")).content.decode()
    for name in [*INTERNALS, "Taggit", "Authentication and Authorization"]:
        assert name not in page
    if role != "Admin":
        assert ">Tags</a>" in page
    if role != "Editor":
        assert "People and roles" in page
    internals = reverse("admin:internals")
    assert (internals in page) == (role == "superuser")


def test_superusers_find_the_internals_on_a_page_of_their_own(client, editor):
    from tests.factories import make_user

    client.force_login(make_user(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:internals")).content.decode()
    for name in INTERNALS:
        assert name in page
    client.force_login(editor)
    assert client.get(reverse("admin:internals")).status_code == 403


# A byline is a checklist rule ------------------------------------------------------


def test_a_story_without_a_byline_does_not_go_live(client, editor):
    story = make_article(
        headline="Who wrote this?",
        status=Status.IN_REVIEW,
        publish_at=None,
        authors=[],
        tags=["Ports"],
    )
    with pytest.raises(workflow.InvalidTransition, match="no byline"):
        workflow.publish(story, by=editor)
    client.force_login(editor)
    page = client.get(change_url(story)).content.decode()
    assert "Cannot go live yet:</strong> Byline" in page


# A shared preview link comes with a copy button --------------------------------------


def test_a_shared_preview_link_is_offered_with_a_copy_button(client, editor):
    story = make_article(status=Status.IN_REVIEW, publish_at=None, tags=["Ports"])
    client.force_login(editor)
    page = client.post(workflow_url(story, "share"), follow=True).content.decode()
    assert 'id="shared-preview-url" value="http://testserver/preview/' in page
    assert 'data-copy="shared-preview-url">Copy link</button>' in page
    again = client.get(change_url(story)).content.decode()
    assert 'id="shared-preview-url"' not in again  # shown once, where it was asked


# A returned story shows the editor's comment by its status; times say their zone ----


def test_a_returned_story_shows_the_editors_comment_by_its_status(
    client, editor, writer
):
    story = make_article(
        headline="Needs a quote",
        status=Status.IN_REVIEW,
        publish_at=None,
        created_by=writer,
        authors=[writer.author],
        tags=["Ports"],
    )
    workflow.return_to_writer(story, by=editor, comment="Add a quote from the CEO")
    client.force_login(writer)
    page = client.get(change_url(story)).content.decode()
    status = page.index('id="workflow-heading"')
    note = page.index('id="returned-comment"')
    assert status < note < page.index('class="workflow-actions"')
    assert "Add a quote from the CEO" in page[note : note + 400]


def test_times_in_the_admin_say_their_time_zone(client, editor, settings):
    settings.TIME_ZONE = "Europe/Paris"
    from datetime import datetime
    from zoneinfo import ZoneInfo

    at = datetime(2026, 12, 24, 18, 30, tzinfo=ZoneInfo("Europe/Paris"))
    story = make_article(status=Status.SCHEDULED, publish_at=at, tags=["Ports"])
    client.force_login(editor)
    page = client.get(change_url(story)).content.decode()
    assert "Goes live Dec 24, 2026 18:30 CET" in page
    listing = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Dec 24, 2026 18:30 CET" in listing


# The revision comparison speaks the newsroom's language -----------------------------


def test_the_revision_comparison_reads_as_what_changed(client):
    import reversion

    from tests.factories import make_role_user

    managing = make_role_user("Managing editor", "managing")
    story = make_article(headline="Harbour reopens", tags=["Ports"])
    workflow.take_down(story, by=managing, reason="Court order")
    workflow.reinstate(story, by=managing, reason="Order lifted")
    newer, older = list(reversion.models.Version.objects.get_for_object(story))[:2]
    client.force_login(managing)
    page = client.get(
        reverse("admin:articles_article_compare", args=[story.pk]),
        {"version_id1": older.pk, "version_id2": newer.pk},
    ).content.decode()
    crumbs = page[page.index('class="breadcrumbs"') :]
    crumbs = crumbs[: crumbs.index("</div>")]
    assert "Articles</a> &rsaquo;\n  <a" in crumbs
    assert crumbs.count("Articles") == 1
    assert "Harbour reopens</a>" in crumbs
    assert "Compare articles" not in page
    assert "time since that date" not in page
    assert "taken down by" not in page.lower()
    assert "add: None" not in page
    assert "Changes to “Harbour reopens”" in page
