"""Editorial comments and scheduled updates in a real browser (Debian's Chromium,
as in test_browser.py): a comment with a mention reaches the mentioned person's
desk and no reader; a scheduled update goes live at its minute."""

from datetime import timedelta

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles import workflow
from articles.models import Article, EditorialComment, ScheduledUpdate
from tests import test_browser
from tests.factories import make_article, make_author, make_user

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "<p>The port handled 4.2 million containers last year, a record.</p>"


@pytest.fixture
def open_as(browser, live_server, settings):
    """Pages signed in as the given user (or no one), under the site's
    Content-Security-Policy: a violation or a script error fails the test."""
    contexts, problems = [], []

    def open_page(user=None, *, javascript=True, policy_checked=True):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1280, "height": 900},
            java_script_enabled=javascript,
        )
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": cookie,
                        "url": live_server.url,
                    }
                ]
            )
        context.route("**/media/**", test_browser.serve_media)
        context.expose_binding(
            "reportCspViolation", lambda source, text: problems.append(text)
        )
        if policy_checked:
            context.add_init_script(test_browser.CSP_LISTENER)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.on("pageerror", lambda error: problems.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert problems == [], "\n".join(problems)


@pytest.fixture
def writer():
    """A writer by rights: the role groups made by a migration do not survive
    the table flush of a test that really commits."""
    user = make_user("writer", is_staff=True)
    writing = ["view_article", "add_article", "change_article"]
    user.user_permissions.set(Permission.objects.filter(codename__in=writing))
    make_author(name="Wendy Writer", slug="wendy-writer", user=user)
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def story(writer):
    return make_article(
        headline="Port volumes hit a record",
        body=BODY,
        authors=[writer.author],
        tags=["Ports"],
    )


def serious_violations(page, part: str) -> list[str]:
    """What axe-core finds serious or critical in a part of the page, as
    test_browser.py asks of the admin's screens. Axe adds styles of its own,
    which the site's policy blocks: the page is one whose policy is not
    checked."""
    results = Axe().run(page, context=part)
    return [
        f"{v['id']}: {v['help']} at {[node['target'] for node in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def select_in_body(page, text: str) -> None:
    """Select `text` in the body editor as a mouse would."""
    area = page.locator(".prose-editor .ProseMirror[contenteditable=true]")
    expect(area).to_contain_text(text)
    area.evaluate(
        """(editor, text) => {
          const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(text);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + text.length);
            document.getSelection().removeAllRanges();
            document.getSelection().addRange(range);
            return;
          }
          throw new Error(`not in the body: ${text}`);
        }""",
        text,
    )
    page.wait_for_function(
        "(text) => document.getSelection().toString() === text", arg=text
    )


def test_a_comment_with_a_mention_reaches_that_desk_and_no_reader(
    open_as, writer, story
):
    editor = make_user("desk", is_staff=True, is_superuser=True)
    change_url = reverse("admin:articles_article_change", args=[story.pk])
    page = open_as(editor)
    page.goto(change_url)
    # Unsaved work in the article form stays as it is while commenting.
    page.locator("#id_headline").fill("Port volumes hit a new record")
    select_in_body(page, "4.2 million containers")
    page.get_by_role("button", name="Quote the selection").click()
    expect(page.locator("#comment-quote")).to_have_value("4.2 million containers")
    page.locator("#comment-text").fill("@writer is this the final figure?")
    page.get_by_role("button", name="Post comment").click()
    thread = page.locator(".comment-thread")
    expect(thread.locator(".comment-quote")).to_have_text("4.2 million containers")
    expect(thread).to_contain_text("is this the final figure?")
    expect(thread).to_contain_text("mentions @writer")
    expect(page.locator("#id_headline")).to_have_value("Port volumes hit a new record")
    expect(page.locator("#comment-text")).to_have_value("")
    comment = EditorialComment.objects.get()
    assert list(comment.mentions.all()) == [writer]

    desk = open_as(writer)
    desk.goto(reverse("admin:index"))
    mentions = desk.locator("#desk-mentions")
    expect(mentions).to_contain_text("Port volumes hit a record")
    expect(mentions).to_contain_text("is this the final figure?")
    expect(desk.locator("#desk-comments")).to_contain_text("is this the final figure?")
    mentions.locator("a", has_text="Port volumes hit a record").click()
    desk.wait_for_url(f"**{change_url}#comment-{comment.pk}")
    reply = desk.locator(f"#comment-{comment.pk} textarea[name=text]")
    reply.fill("Yes: the annual report confirms it.")
    opened = desk.locator(f"#comment-{comment.pk}")
    opened.get_by_role("button", name="Reply").click()
    expect(desk.locator(".comment-reply")).to_contain_text("annual report confirms")
    opened.get_by_role("button", name="Resolve").click()
    expect(opened).to_contain_text("Resolved by writer")
    desk.goto(reverse("admin:index"))
    expect(desk.locator("#desk-mentions")).to_contain_text(
        "No open comment mentions you."
    )

    checked = open_as(writer, policy_checked=False)
    checked.goto(change_url)
    expect(checked.locator(".comment-thread")).to_be_visible()
    assert serious_violations(checked, "#editorial-comments") == []
    workflow.post_comment(story, "@writer one more open thread", by=editor)
    checked.goto(reverse("admin:index"))
    assert serious_violations(checked, ".desk") == []

    reader = open_as()
    reader.goto(story.get_absolute_url())
    expect(reader.locator("h1")).to_have_text("Port volumes hit a record")
    text = reader.content()
    assert "final figure" not in text and "annual report" not in text
    assert "@writer" not in text


def test_comments_work_as_plain_forms_without_javascript(open_as, writer, story):
    page = open_as(writer, javascript=False)
    page.goto(reverse("admin:articles_article_change", args=[story.pk]))
    expect(page.locator("[data-quote-selection]")).to_be_hidden()
    page.locator("#comment-quote").fill("a record")
    page.locator("#comment-text").fill("Is “record” right? @nobody")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".messagelist .error")).to_contain_text(
        "No one in the newsroom is called @nobody"
    )
    expect(page.locator("#comment-text")).to_have_value("Is “record” right? @nobody")
    page.locator("#comment-text").fill("Is “record” right?")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment-thread .comment-quote")).to_have_text("a record")
    assert EditorialComment.objects.get().author == writer


def test_a_scheduled_update_goes_live_at_its_minute(open_as, task_queue, story):
    editor = make_user("desk", is_staff=True, is_superuser=True)
    page = open_as(editor)
    page.goto(reverse("admin:articles_article_change", args=[story.pk]))
    page.locator("#id_standfirst").fill("Container traffic rose by a fifth.")
    page.click("input[name=_continue]")
    expect(page.locator(".workflow-pending")).to_be_visible()

    at = (timezone.now() + timedelta(minutes=3)).replace(second=0, microsecond=0)
    form = page.locator("#schedule-changes")
    form.locator("input[name=publish_at]").fill(
        timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")
    )
    form.locator("input[name=note]").fill("Figures for the year added")
    form.locator("text=Schedule changes").click()
    expect(page.locator("#scheduled-update")).to_contain_text(
        f"These pending changes go live {timezone.localtime(at):%b %-d, %Y %H:%M}"
    )
    assert ScheduledUpdate.objects.get().publish_at == at
    sweep = task_queue.results(task_path="articles.tasks.publish_due").get()
    assert sweep.run_after == at
    page.goto(reverse("admin:index"))
    expect(page.locator("#desk-updates")).to_contain_text("Port volumes hit a record")
    expect(page.locator("#desk-updates")).to_contain_text("Figures for the year added")

    reader = open_as()
    with time_machine.travel(at - timedelta(seconds=2)):
        task_queue.run_worker()
        reader.goto(story.get_absolute_url())
        expect(reader.locator(".article__standfirst")).not_to_contain_text("a fifth")
    with time_machine.travel(at):
        task_queue.run_worker()
        reader.goto(story.get_absolute_url())
        expect(reader.locator("body")).to_contain_text(
            "Container traffic rose by a fifth."
        )
        expect(reader.locator(".article__updated")).to_contain_text(
            "Figures for the year added"
        )
    story = Article.objects.get(pk=story.pk)
    assert story.updated_at == at
