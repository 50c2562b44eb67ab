"""A breaking story in real browsers: an editor runs live coverage from the
admin while a reader keeps the article open, with the page cache on.

Debian's Chromium driven by Playwright, as in tests/test_browser.py.
"""

import json
import re

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from articles import workflow
from articles.models import Article, LiveUpdate
from articles.site import live
from tests.factories import make_article, make_credit, make_photo, make_role_user
from tests.test_browser import serve_media

# The roles (groups) come from migrations: made again after an earlier flush.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("roles")]

POLL_SECONDS = 1
UPDATES = 20


@pytest.fixture
def desk(browser, live_server, settings):
    """The editor's browser, signed in to the admin."""
    editor = make_role_user("Editor", "breaking")
    client = Client()
    client.force_login(editor)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    context.route("**/media/**", serve_media)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()


@pytest.fixture
def reader(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.route("**/media/**", serve_media)
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    yield page
    context.close()
    assert errors == [], "JavaScript errors on the reader's page"


@pytest.fixture
def fast_polling(monkeypatch):
    monkeypatch.setattr(live, "POLL_SECONDS", POLL_SECONDS)


def post_from_the_panel(desk: Page, change_url: str, text: str, **flags) -> None:
    """Post an update as an editor does: the panel's form on the change page."""
    desk.goto(change_url)
    form = desk.locator("#live-update-form")
    form.get_by_label("Headline").fill(flags.get("headline", ""))
    area = form.locator(".ProseMirror[contenteditable=true]")
    area.click()
    desk.keyboard.type(text)
    if flags.get("key_event"):
        form.get_by_label("Key event").check()
    if flags.get("pinned"):
        form.get_by_label("Pin at the top").check()
    form.get_by_role("button", name="Post update").click()
    expect(desk.locator(".messagelist")).to_contain_text("Update posted.")


def post_with_photo(desk: Page, change_url: str, photo_id: int, text: str) -> None:
    """The picture desk's update: a library photo in the body, sent as the
    panel's form sends it (over HTTP, with the session and CSRF token)."""
    desk.goto(change_url)
    form = desk.locator("#live-update-form")
    token = form.locator("input[name=csrfmiddlewaretoken]").input_value()
    action = form.get_attribute("action")
    response = desk.request.post(
        action,
        form={
            "csrfmiddlewaretoken": token,
            "update-headline": "Flooded harbour road",
            "update-body": f'<p>{text}</p><figure data-photo="{photo_id}"></figure>',
        },
        headers={"Referer": desk.url},
    )
    assert response.ok


def new_updates_shown(reader: Page, text: str) -> None:
    """The reader's open page offers the new update and shows it, no reload."""
    button = reader.locator(".live__show")
    expect(button).to_be_visible(timeout=POLL_SECONDS * 1000 + 10_000)
    expect(button).to_have_text(re.compile(r"^\d+ new updates?$"))
    button.click()
    expect(reader.locator(".live__updates")).to_contain_text(text)
    expect(button).to_be_hidden()


def json_ld(page: Page) -> dict:
    return json.loads(
        page.locator('script[type="application/ld+json"]').first.text_content()
    )


def test_breaking_story_reaches_an_open_page_without_reload(
    desk, reader, page_cache, fast_polling
):
    article = make_article(headline="Typhoon makes landfall", tags=["Typhoon"])
    photo = make_photo(
        alt_text="Water over a harbour road",
        credit=make_credit(photographer="Ana Lens", agency="AFP"),
    )
    change_url = f"/admin/articles/article/{article.pk}/change/"

    desk.goto(change_url)
    desk.locator("#live-coverage summary").click()
    desk.get_by_role("button", name="Start live coverage").click()
    expect(desk.locator(".messagelist")).to_contain_text("Live coverage started.")

    reader.goto(article.get_absolute_url())
    expect(reader.locator(".article__header .live-badge")).to_have_text("Live")
    reader.evaluate("() => { window.stillTheSamePage = true; }")
    polls = []
    reader.on(
        "response",
        lambda r: (
            polls.append((r.status, r.headers.get("x-page-cache")))
            if "/updates/" in r.url
            else None
        ),
    )

    for n in range(1, UPDATES + 1):
        text = f"Update number {n} from the coast."
        if n == 7:
            post_with_photo(desk, change_url, photo.pk, text)
        else:
            post_from_the_panel(
                desk,
                change_url,
                text,
                headline=f"Headline {n}" if n % 4 == 0 else "",
                key_event=n in (3, 12),
                pinned=n == 5,
            )
        new_updates_shown(reader, text)

    # While nothing changes, the reader's next polls come from the page cache.
    def answered_from_the_cache() -> bool:
        return any(status == 304 or cache == "hit" for status, cache in polls)

    for _ in range(POLL_SECONDS * 50):
        if answered_from_the_cache():
            break
        reader.wait_for_timeout(100)
    assert answered_from_the_cache(), polls

    # One update corrected from the panel.
    corrected = LiveUpdate.objects.get(body__contains="Update number 9 ")
    desk.goto(change_url)
    item = desk.locator(f"#admin-update-{corrected.pk}")
    item.get_by_label("Correction of this update").fill("It was the east coast.")
    item.get_by_role("button", name="Correct").click()
    expect(desk.locator(".messagelist")).to_contain_text("Correction added")

    assert reader.evaluate("() => window.stillTheSamePage") is True
    shown = reader.locator(".live__updates .live-update")
    expect(shown).to_have_count(UPDATES)
    # The pinned update stays on top; the newest comes next.
    expect(shown.nth(0)).to_contain_text("Update number 5 ")
    expect(shown.nth(1)).to_contain_text(f"Update number {UPDATES} ")

    reader.reload()
    expect(reader.locator(f"#update-{corrected.pk}")).to_contain_text(
        "It was the east coast."
    )
    expect(reader.locator(".live__key-events li")).to_have_count(2)
    expect(reader.locator(".live-update figure img")).to_have_count(1)
    data = json_ld(reader)
    assert data["@type"] == "LiveBlogPosting"
    assert data["coverageStartTime"]
    postings = data["liveBlogUpdate"]
    assert len(postings) == UPDATES
    for posting in postings:
        assert posting["@type"] == "BlogPosting"
        assert posting["headline"] and posting["datePublished"]
        assert posting["author"][0]["name"] == "Staff Reporter"
    [with_image] = [p for p in postings if "image" in p]
    assert with_image["image"][0]["creditText"].endswith("Ana Lens / AFP")

    desk.goto(change_url)
    desk.get_by_role("button", name="End live coverage").click()
    expect(desk.locator(".messagelist")).to_contain_text("Live coverage ended.")
    reader.reload()
    expect(reader.locator(".live-badge")).to_have_count(0)
    expect(reader.locator(".live__coverage")).to_contain_text("coverage ended")
    assert "coverageEndTime" in json_ld(reader)
    reader.goto("/")
    expect(reader.get_by_role("link", name="Typhoon makes landfall")).to_be_visible()
    expect(reader.locator(".live-badge")).to_have_count(0)
    assert Article.objects.get(pk=article.pk).coverage_end_at is not None


HIDDEN_TAB = """
window.tabHidden = true;
Object.defineProperty(document, "hidden", { get: () => window.tabHidden });
"""


def test_a_hidden_tab_does_not_poll_until_it_is_shown(reader, fast_polling):
    editor = make_role_user("Editor", "quiet")
    article = make_article(headline="Quiet night")
    workflow.start_coverage(article, by=editor)
    reader.context.add_init_script(HIDDEN_TAB)
    polls = []
    reader.on(
        "request", lambda r: polls.append(r.url) if "/updates/" in r.url else None
    )
    reader.goto(article.get_absolute_url())
    reader.wait_for_timeout(POLL_SECONDS * 3000)
    assert polls == []

    reader.evaluate(
        "() => { window.tabHidden = false;"
        " document.dispatchEvent(new Event('visibilitychange')); }"
    )
    reader.wait_for_timeout(POLL_SECONDS * 2000)
    assert polls
