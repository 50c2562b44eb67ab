"""The admin front page (each person's desk) and finding work in the article list."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article
from tests.factories import (
    make_article,
    make_photo,
    make_role_user,
    make_section,
)

Status = Article.Status
pytestmark = pytest.mark.django_db


def draft(writer, headline, **over):
    fields = {"status": Status.DRAFT, "publish_at": None, "created_by": writer}
    return make_article(headline=headline, **{**fields, **over})


def desk(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return {panel.key: panel for panel in response.context["panels"]}, response


def headlines(panel):
    return [row.headline for row in panel.rows]


def build_newsroom(writer, editor):
    now = timezone.now()
    draft(writer, "My plain draft")
    returned = draft(writer, "Needs a quote")
    workflow.submit(returned, by=writer)
    workflow.return_to_writer(returned, by=editor, comment="Add a quote from the CEO")
    draft(make_role_user("Writer", "other"), "Someone else's draft")
    submitted = draft(writer, "Ready for review")
    workflow.submit(submitted, by=writer)
    soon = make_article(
        headline="Going out tonight",
        status=Status.IN_REVIEW,
        publish_at=None,
        tags=["Ports"],
    )
    workflow.schedule(soon, by=editor, at=now + timedelta(hours=3))
    later = make_article(
        headline="Next week", status=Status.IN_REVIEW, publish_at=None, tags=["Ports"]
    )
    workflow.schedule(later, by=editor, at=now + timedelta(days=7))
    make_article(headline="Out this morning", publish_at=now - timedelta(hours=2))
    make_photo(
        caption="Expiring picture", licence_expires_on=date.today() + timedelta(days=3)
    )
    make_photo(
        caption="Long licence", licence_expires_on=date.today() + timedelta(days=300)
    )


def test_writer_desk_shows_own_drafts_and_returned_work_with_comment(
    client, writer, editor
):
    build_newsroom(writer, editor)
    panels, response = desk(client, writer)
    # A returned draft is listed once, where the editor's comment is.
    assert headlines(panels["drafts"]) == ["My plain draft"]
    assert panels["drafts"].total == 1
    assert headlines(panels["returned"]) == ["Needs a quote"]
    html = response.content.decode()
    assert "Add a quote from the CEO" in html
    assert "review" not in panels  # writers do not review
    assert "Someone else&#x27;s draft" not in html
    article = Article.objects.get(headline="Needs a quote")
    assert reverse("admin:articles_article_change", args=[article.pk]) in html


def test_editor_desk_shows_review_queue_schedule_published_and_licences(
    client, writer, editor
):
    build_newsroom(writer, editor)
    panels, _ = desk(client, editor)
    assert headlines(panels["review"]) == ["Ready for review"]
    assert headlines(panels["scheduled"]) == ["Going out tonight"]
    assert headlines(panels["published"]) == ["Out this morning"]
    assert [str(p) for p in panels["licences"].rows] == ["Expiring picture"]


def test_desk_counts_beyond_the_rows_shown(client, writer, editor):
    for i in range(13):
        draft(writer, f"Draft {i}")
    panels, response = desk(client, writer)
    assert len(panels["drafts"].rows) == 10
    assert panels["drafts"].total == 13
    assert "10 of 13 shown" in response.content.decode()


def test_desk_costs_a_fixed_number_of_queries(client, writer, editor):
    client.force_login(editor)
    build_newsroom(writer, editor)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("admin:index"))
    section = make_section()
    for i in range(15):
        make_article(headline=f"More {i}", section=section)
        draft(writer, f"Extra draft {i}")
        make_photo(licence_expires_on=date.today())
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("admin:index"))
    assert len(large) == len(small)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=Wendy", {"Robots in Changsha"}),
        ("q=Hunan", {"Robots in Changsha"}),
        ("q=robots", {"Robots in Changsha"}),
        ("status__exact=in_review&section__id__exact={tech}", {"Chip queue"}),
    ],
)
def test_article_list_finds_work_by_byline_tag_state_and_section(
    client, writer, editor, query, expected
):
    tech = make_section(name="Technology")
    draft(
        writer,
        "Robots in Changsha",
        section=tech,
        authors=[writer.author],
        tags=["Hunan province"],
    )
    make_article(headline="Chip queue", section=tech, status=Status.IN_REVIEW)
    make_article(headline="Chip queue elsewhere", status=Status.IN_REVIEW)
    make_article(headline="Bond yields", tags=["bonds"])
    client.force_login(editor)
    url = (
        reverse("admin:articles_article_changelist") + "?" + query.format(tech=tech.pk)
    )
    response = client.get(url)
    shown = {article.headline for article in response.context["cl"].result_list}
    assert shown == expected


def test_article_list_shows_who_last_edited(client, editor):
    article = make_article(
        headline="Edited story", status=Status.IN_REVIEW, tags=["Ports"]
    )
    workflow.publish(article, by=editor)
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "editor" in html.split("Edited story", 1)[1].split("</tr>", 1)[0]


def test_licence_panel_counts_days_in_the_newsrooms_time_zone(settings, editor):
    import datetime as dt

    import time_machine

    from articles.dashboard import panels_for
    from tests.factories import make_photo

    settings.TIME_ZONE = "Pacific/Auckland"
    settings.NEWSROOM_LICENCE_WARNING_DAYS = 14
    # 20:00 UTC on June 1 is already 08:00 on June 2 in Auckland.
    with time_machine.travel(dt.datetime(2026, 6, 1, 20, 0, tzinfo=dt.UTC)):
        make_photo(
            caption="Ends in 14 local days", licence_expires_on=date(2026, 6, 16)
        )
        panels = {panel.key: panel for panel in panels_for(editor)}
    assert [str(p) for p in panels["licences"].rows] == ["Ends in 14 local days"]
