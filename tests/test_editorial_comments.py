"""Editorial comments: threads on a story or a passage of it, mentions that reach
the desk, resolving and reopening, each recorded in the story's history."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import workflow
from articles.models import Article, ArticleEvent, EditorialComment, WebhookDelivery
from tests.factories import make_article, make_role_user

Status = Article.Status
Action = ArticleEvent.Action
pytestmark = pytest.mark.django_db

BODY = "<p>The port handled <strong>4.2 million</strong> containers last year.</p>"


@pytest.fixture
def story(writer):
    return make_article(
        headline="Port volumes", body=BODY, authors=[writer.author], tags=["Ports"]
    )


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def comment_url(article):
    return reverse("admin:articles_article_comment", args=[article.pk])


def thread_url(article, comment, verb):
    return reverse(
        "admin:articles_article_comment_thread", args=[article.pk, comment.pk, verb]
    )


def desk(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return {panel.key: panel for panel in response.context["panels"]}


def test_a_comment_on_a_passage_with_a_mention_reaches_the_desk_and_the_history(
    client, editor, writer, story
):
    version = story.version
    comment = workflow.post_comment(
        story,
        "@writer is 4.2 million right? The annual report says 4.1.",
        by=editor,
        quote="handled 4.2 million\ncontainers",
    )
    assert comment.quote == "handled 4.2 million containers"
    assert list(comment.mentions.all()) == [writer]
    story.refresh_from_db()
    assert story.version == version, "a comment overtakes no open form"
    event = story.events.first()
    assert event.action == Action.COMMENT and event.actor == editor
    assert "On “handled 4.2 million containers”: @writer is 4.2" in event.comment
    assert not WebhookDelivery.objects.exists()

    panels = desk(client, writer)
    assert [row.pk for row in panels["mentions"].rows] == [comment.pk]
    assert [row.pk for row in panels["comments"].rows] == [comment.pk]
    html = client.get(reverse("admin:index")).content.decode()
    assert f"{change_url(story)}#comment-{comment.pk}" in html
    assert "The annual report says 4.1." in html
    # The editor wrote it: it is not theirs to act on.
    assert desk(client, editor)["mentions"].rows == []


def test_replies_follow_their_thread_and_resolving_takes_it_off_the_desk(
    client, editor, writer, story
):
    thread = workflow.post_comment(story, "Needs a second source.", by=editor)
    reply = workflow.post_comment(
        story, "Found one. @editor have a look", by=writer, reply_to=thread
    )
    again = workflow.post_comment(story, "Thanks", by=editor, reply_to=reply)
    assert reply.thread == thread and again.thread == thread  # one level of replies
    assert [row.pk for row in desk(client, editor)["mentions"].rows] == [reply.pk]

    workflow.resolve(reply, by=writer)
    thread.refresh_from_db()
    assert thread.resolved_by == writer and thread.is_resolved
    assert desk(client, editor)["mentions"].rows == []
    assert desk(client, writer)["comments"].rows == []
    with pytest.raises(workflow.InvalidTransition, match="resolved already"):
        workflow.resolve(thread, by=editor)

    workflow.reopen(thread, by=editor)
    assert [row.pk for row in desk(client, editor)["mentions"].rows] == [reply.pk]
    actions = list(story.events.values_list("action", flat=True)[:5])
    assert actions == [
        Action.REOPEN_COMMENT,
        Action.RESOLVE_COMMENT,
        Action.COMMENT,
        Action.COMMENT,
        Action.COMMENT,
    ]


@pytest.mark.parametrize(
    ("text", "quote", "message"),
    [
        ("", "", "Write a comment first."),
        ("Check this", "7 million containers", "not in the story's body"),
        ("@nobody check", "", "No one in the newsroom is called @nobody"),
        ("@other check", "", "@other cannot see this story"),
        ("x" * 5001, "", "at most 5000 fit"),
    ],
)
def test_a_refused_comment_says_why_and_saves_nothing(
    editor, story, text, quote, message
):
    make_role_user("Writer", "other")  # not on the story's byline
    with pytest.raises(workflow.InvalidTransition, match=message):
        workflow.post_comment(story, text, by=editor, quote=quote)
    assert not EditorialComment.objects.exists()
    assert not story.events.filter(action=Action.COMMENT).exists()


def test_mentions_are_found_where_people_write_them(editor, writer, story):
    comment = workflow.post_comment(
        story,
        "Mail press@example.com, then ask @Writer. And @editor, please.",
        by=editor,
    )
    assert {user.username for user in comment.mentions.all()} == {"writer", "editor"}


def test_only_those_who_may_see_the_story_read_or_post_its_comments(client, story):
    outsider = make_role_user("Writer", "outsider")
    client.force_login(outsider)
    response = client.post(comment_url(story), {"text": "Hello"})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        workflow.post_comment(story, "Hello", by=outsider)
    assert not EditorialComment.objects.exists()


def test_the_change_page_posts_replies_resolves_and_reopens_with_plain_forms(
    client, editor, writer, story
):
    client.force_login(writer)
    response = client.post(
        comment_url(story),
        {"text": "@editor is the figure final?", "quote": "4.2 million"},
    )
    thread = EditorialComment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{change_url(story)}#comment-{thread.pk}"
    page = client.get(change_url(story)).content.decode()
    assert "is the figure final?" in page and "4.2 million</blockquote>" in page

    client.force_login(editor)
    client.post(comment_url(story), {"text": "Yes.", "reply_to": thread.pk})
    assert thread.replies.get().text == "Yes."
    client.post(thread_url(story, thread, "resolve"))
    assert EditorialComment.objects.get(pk=thread.pk).is_resolved
    page = client.get(change_url(story)).content.decode()
    assert "Resolved by editor" in page and ">Reopen</button>" in page
    client.post(thread_url(story, thread, "reopen"))
    assert not EditorialComment.objects.get(pk=thread.pk).is_resolved


def test_a_refused_comment_keeps_what_was_typed_on_the_page(client, editor, story):
    client.force_login(editor)
    response = client.post(
        comment_url(story),
        {"text": "Is this sourced?", "quote": "9 million ships"},
        follow=True,
    )
    html = response.content.decode()
    assert "The quoted passage is not in the story&#x27;s body" in html
    assert ">Is this sourced?</textarea>" in html
    assert ">9 million ships</textarea>" in html
    # Shown once: the next visit starts afresh.
    assert "Is this sourced?" not in client.get(change_url(story)).content.decode()


def test_the_page_script_gets_the_panel_drawn_afresh(client, editor, story):
    client.force_login(editor)
    panel = {"HTTP_X_COMMENTS_PANEL": "1"}
    response = client.post(comment_url(story), {"text": "Lovely intro"}, **panel)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="module editorial-comments"')
    assert "Lovely intro" in html and "1 open" in html
    refused = client.post(comment_url(story), {"text": " "}, **panel)
    assert refused.status_code == 400
    assert "Write a comment first." in refused.content.decode()
    assert not refused.wsgi_request.session.get(f"editorial-comment-{story.pk}")


@pytest.mark.parametrize(
    ("path", "message"),
    [("{thread}/shout/", "Unknown action"), ("abc/resolve/", "No such comment")],
)
def test_odd_addresses_are_refused_with_a_message(client, editor, story, path, message):
    thread = workflow.post_comment(story, "Hm", by=editor)
    client.force_login(editor)
    url = comment_url(story) + path.format(thread=thread.pk)
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert client.get(url).status_code == 405


def test_a_comment_on_another_story_cannot_be_replied_to_here(client, editor, story):
    elsewhere = workflow.post_comment(make_article(), "Elsewhere", by=editor)
    client.force_login(editor)
    response = client.post(
        comment_url(story), {"text": "Hi", "reply_to": elsewhere.pk}, follow=True
    )
    assert "No such comment." in response.content.decode()
    assert EditorialComment.objects.count() == 1


def test_the_change_page_costs_the_same_queries_with_many_comments(
    client, editor, writer, story
):
    def discuss(n):
        thread = workflow.post_comment(
            story, f"@writer point {n}", by=editor, quote="containers"
        )
        workflow.post_comment(story, f"Answer {n}", by=writer, reply_to=thread)

    client.force_login(editor)
    discuss(0)
    client.get(change_url(story))
    with CaptureQueriesContext(connection) as few:
        client.get(change_url(story))
    for n in range(1, 9):
        discuss(n)
    with CaptureQueriesContext(connection) as many:
        html = client.get(change_url(story)).content.decode()
    assert "Answer 8" in html and "9 open" in html
    assert len(many) == len(few)


def test_a_returned_draft_stays_returned_when_someone_comments_on_it(
    client, editor, writer
):
    draft = make_article(
        headline="Harbour draft",
        status=Status.DRAFT,
        publish_at=None,
        created_by=writer,
    )
    workflow.submit(draft, by=writer)
    workflow.return_to_writer(draft, by=editor, comment="Add a quote from the CEO")
    workflow.post_comment(draft, "@writer the CEO is on leave", by=editor)
    panels = desk(client, writer)
    assert [row.headline for row in panels["returned"].rows] == ["Harbour draft"]
    assert panels["returned"].rows[0].last_comment == "Add a quote from the CEO"
    page = client.get(change_url(draft)).content.decode()
    assert "Add a quote from the CEO" in page and 'id="returned-comment"' in page
