"""The article form in a real browser: Debian's Chromium driven by Playwright.

Playwright never downloads a browser here; it launches the system's Chromium
(`apt-get install chromium`, done by .ci/run), or the one NEWSROOM_CHROMIUM names.
"""

import mimetypes
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from articles import workflow
from articles.models import Article
from tests.factories import (
    make_article,
    make_author,
    make_credit,
    make_photo,
    make_section,
    make_user,
    photo_bytes,
)

# The live server runs in a thread of the test process: tests get the transactional
# database, and the server sees what they write.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page(browser, live_server, settings):
    editor = make_user("desk", is_staff=True, is_superuser=True)
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
    # Uploads are served by the web server or a CDN, never by Django.
    context.route("**/media/**", serve_media)
    # Every page runs under the site's Content-Security-Policy; a violation (an
    # inline script or style, eval, a source outside the policy) fails the test.
    violations = []
    context.expose_binding(
        "reportCspViolation", lambda source, text: violations.append(text)
    )
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    # Generous: a loaded two-core CI machine can take seconds to serve a page.
    page.set_default_timeout(30_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    policies = []
    page.on(
        "response",
        lambda response: (
            policies.append(response.headers.get("content-security-policy"))
            if response.request.resource_type == "document"
            else None
        ),
    )
    yield page
    context.close()
    assert errors == [], "JavaScript errors on the page"
    assert violations == [], "\n".join(violations)
    assert policies and all(
        policy
        and "script-src 'self'" in policy
        and "'unsafe-eval'" not in policy
        and "script-src 'self' 'unsafe-inline'" not in policy
        for policy in policies
    ), "every page is served with the strict policy"


CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI} in ${event.documentURI}`
  );
});
"""


def serve_media(route):
    relative = route.request.url.split(django_settings.MEDIA_URL, 1)[1]
    path = Path(django_settings.MEDIA_ROOT) / relative
    if not path.is_file():
        route.fulfill(status=404)
        return
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    route.fulfill(status=200, body=path.read_bytes(), content_type=content_type)


def editing_area(page: Page):
    area = page.locator(".prose-editor .ProseMirror[contenteditable=true]")
    area.wait_for()
    return area


def select_just_typed(page: Page, text: str) -> None:
    """Select `text`, the last thing typed, with Shift+Left as a writer would."""

    def select():
        page.keyboard.press("End")
        for _ in text:
            page.keyboard.press("Shift+ArrowLeft")

    until_selection(page, select, f"window.getSelection().toString() === {text!r}")


def caret_to_line_end(page: Page) -> None:
    """Press End, leaving the caret after the line with nothing selected."""
    until_selection(
        page, lambda: page.keyboard.press("End"), "window.getSelection().isCollapsed"
    )


def until_selection(page: Page, keys, holds: str) -> None:
    """Press `keys` until the selection is as `holds` (JavaScript) says.

    For 50 ms after each change the editor (ProseMirror) puts back its own
    selection, so on a busy machine presses can be undone: the selection is
    checked, and made again until it holds.
    """
    for _ in range(10):
        page.wait_for_timeout(100)
        keys()
        page.wait_for_timeout(100)
        if page.evaluate(f"() => {holds}"):
            return
    raise AssertionError(f"the editor's selection never came to: {holds}")


def choose_section(page: Page, name: str) -> None:
    page.click(".field-section .select2-selection")
    page.keyboard.type(name[:4])
    page.locator(".select2-results__option", has_text=name).click()


def test_editor_writes_an_article_with_bold_link_and_photo_and_previews_it(page):
    make_section(name="Technology", slug="technology")
    photo = make_photo(
        caption="Robot arms on a test line in Changsha.",
        alt_text="Three orange robot arms over a conveyor",
        credit=make_credit(photographer="Feng Fei", distributor="AFP"),
    )
    make_photo(caption="Container ships at dawn")

    page.goto(reverse("admin:articles_article_add"))
    body = editing_area(page)
    page.locator("#id_headline").press_sequentially("Robots reach the Xiang River")
    choose_section(page, "Technology")

    body.click()
    page.keyboard.type("The city bets on ")
    page.keyboard.press("Control+b")
    page.keyboard.type("robots")
    page.keyboard.press("Control+b")
    page.keyboard.type(" and on cheap space")
    select_just_typed(page, "cheap space")
    page.click(".prose-menubar button[data-name=link]")
    link_dialog = page.locator("dialog.prose-editor-dialog")
    link_dialog.locator("input[name=href]").fill("https://example.com/park")
    link_dialog.locator("button[type=submit]").click()
    expect(body.locator("a[href='https://example.com/park']")).to_have_text(
        "cheap space"
    )
    caret_to_line_end(page)
    page.keyboard.type(" by the river.")
    page.keyboard.press("Enter")

    page.click(".prose-menubar button[data-name=photoEmbed]")
    library = page.locator("dialog.photo-library")
    expect(library.locator(".photo-library__photo")).to_have_count(2)
    library.locator("input[type=search]").fill("robot arms")
    expect(library.locator(".photo-library__photo")).to_have_count(1)
    library.locator(".photo-library__photo").click()
    expect(library).to_have_count(0)
    in_editor = body.locator(".photo-embed figure")
    expect(in_editor.locator("figcaption")).to_have_text(
        "Robot arms on a test line in Changsha. Photo: Feng Fei via AFP."
    )
    page.keyboard.type("Below the photo.")
    # The caption and alt text start as the library's and are this story's own.
    fields = body.locator(".photo-embed__fields")
    expect(fields.locator("textarea")).to_have_value(
        "Robot arms on a test line in Changsha."
    )
    fields.locator("textarea").fill("Robot arms at the Xiang River park.")
    fields.locator("input").fill("Three orange robot arms by a river")
    expect(in_editor.locator("figcaption")).to_have_text(
        "Robot arms at the Xiang River park. Photo: Feng Fei via AFP."
    )
    expect(in_editor.locator("img")).to_have_attribute(
        "alt", "Three orange robot arms by a river"
    )

    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_contain_text("was added")
    article = Article.objects.get()
    assert article.slug == "robots-reach-the-xiang-river"
    assert article.body == (
        "<p>The city bets on <strong>robots</strong> and on "
        '<a href="https://example.com/park" rel="noopener noreferrer">cheap space</a>'
        f' by the river.</p><figure data-photo="{photo.pk}" data-caption="Robot arms '
        'at the Xiang River park." data-alt="Three orange robot arms by a river">'
        "</figure><p>Below the photo.</p>"
    )
    photo.refresh_from_db()
    assert photo.caption == "Robot arms on a test line in Changsha."  # unchanged
    # Reopened, the editor shows the photo again from its reference.
    expect(editing_area(page).locator(".photo-embed figcaption")).to_have_text(
        "Robot arms at the Xiang River park. Photo: Feng Fei via AFP."
    )
    expect(editing_area(page).locator(".photo-embed__fields input")).to_have_value(
        "Three orange robot arms by a river"
    )
    editor_figure = page.locator(".photo-embed figure").inner_html()

    page.goto(reverse("admin:articles_article_preview", args=[article.pk]))
    rendered = page.locator(".article__body")
    expect(rendered.locator("strong")).to_have_text("robots")
    expect(rendered.locator("a")).to_have_attribute("href", "https://example.com/park")
    image = rendered.locator("figure.inline-photo img")
    expect(image).to_have_attribute(
        "src", "/media/" + photo.renditions["jpeg"][-1]["name"]
    )
    expect(image).to_have_attribute("alt", "Three orange robot arms by a river")
    expect(rendered.locator("figure figcaption")).to_have_text(
        "Robot arms at the Xiang River park. Photo: Feng Fei via AFP."
    )
    # Loaded from a rendition (WebP where the browser takes it), never the original.
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert image.evaluate("img => img.currentSrc").endswith(
        "/media/" + photo.renditions["webp"][-1]["name"]
    )
    assert rendered.locator("figure").inner_html() == editor_figure
    assert rendered.inner_text().endswith("Below the photo.")


def test_character_counts_and_reading_time_update_while_typing(page):
    page.goto(reverse("admin:articles_article_add"))
    body = editing_area(page)
    headline_count = page.locator("#id_headline_count")
    expect(headline_count).to_have_text("0 / 60 characters")
    page.locator("#id_headline").press_sequentially("Changsha bets on robots")
    expect(headline_count).to_have_text("23 / 60 characters")
    page.locator("#id_headline").press_sequentially(
        " as Hunan chases an edge in artificial intelligence"
    )
    expect(headline_count).to_have_text("74 / 60 characters: 14 over")
    expect(headline_count).to_have_class("writing-count writing-count--over")

    page.click("summary:has-text('Search engines')")
    page.locator("#id_seo_description").fill("Robots. " * 20)
    expect(page.locator("#id_seo_description_count")).to_have_text(
        "160 / 155 characters: 5 over"
    )

    body_count = page.locator("#id_body_count")
    expect(body_count).to_have_text("0 words")
    body.click()
    page.keyboard.type("One two three.")
    page.keyboard.press("Enter")
    page.keyboard.type("Four.")
    expect(body_count).to_have_text("4 words · about 1 min read")
    page.evaluate(
        """() => {
            const body = document.querySelector("#id_body")
            body.value = "<p>" + "word ".repeat(700) + "</p>"
            body.dispatchEvent(new Event("input", { bubbles: true }))
        }"""
    )
    expect(body_count).to_have_text("700 words · about 4 min read")


def test_slug_follows_the_headline_until_first_publication(page):
    section = make_section(name="Technology", slug="technology")
    draft = make_article(
        section=section,
        headline="Old headline",
        slug="old-headline",
        status=Article.Status.DRAFT,
        publish_at=None,
    )
    page.goto(reverse("admin:articles_article_change", args=[draft.pk]))
    editing_area(page)
    page.locator("#id_headline").fill("")
    page.locator("#id_headline").press_sequentially("Robots, again: the sequel")
    expect(page.locator("#id_slug")).to_have_value("robots-again-the-sequel")
    page.locator("#id_slug").fill("robots-sequel")
    page.locator("#id_headline").press_sequentially("!")
    expect(page.locator("#id_slug")).to_have_value("robots-sequel")

    published = make_article(
        section=section,
        headline="Published headline",
        slug="published-headline",
        status=Article.Status.UNPUBLISHED,
        first_published_at=timezone.now(),
    )
    page.goto(reverse("admin:articles_article_change", args=[published.pk]))
    editing_area(page)
    page.locator("#id_headline").press_sequentially(" changed")
    expect(page.locator("#id_slug")).to_have_value("published-headline")


def test_leaving_with_unsaved_changes_asks_first_but_saving_does_not(page):
    article = make_article(status=Article.Status.DRAFT, publish_at=None)
    url = reverse("admin:articles_article_change", args=[article.pk])
    asked = []  # every warning is answered "stay on this page"
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))

    page.goto(url)
    editing_area(page)
    page.click("text=View site")
    page.wait_for_url("**/")
    assert asked == []

    page.goto(url)
    editing_area(page).click()
    page.keyboard.type("A saved sentence.")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert asked == []
    article.refresh_from_db()
    assert "A saved sentence." in article.body

    editing_area(page).click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" An unsaved one.")
    with page.expect_event("dialog"):
        page.click("text=View site")
    assert asked == ["beforeunload"]
    expect(editing_area(page)).to_contain_text("An unsaved one.")
    assert page.url.endswith(url)


def test_batch_upload_sends_with_progress_and_lands_on_the_new_photos(page, tmp_path):
    paths = []
    for n in range(3):
        path = tmp_path / f"batch-{n}.jpg"
        path.write_bytes(photo_bytes(500 + n, 300, artist="Feng Fei"))
        paths.append(str(path))
    page.goto(reverse("admin:articles_photo_upload"))
    page.set_input_files("input[name=files]", paths)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/articles/photo/?id__in=*")
    message = page.locator(".messagelist .success")
    message.wait_for()
    assert (
        "3 photo(s) uploaded; their renditions are being made" in message.inner_text()
    )
    page.locator("#result_list").wait_for()
    assert page.locator("td.field-renditions_state").count() == 3


def test_no_public_page_scrolls_sideways_on_a_phone(browser, live_server):
    """At 390 pixels, as on a phone, every kind of public page fits the screen;
    a long photo credit wraps within the text instead of widening the page."""
    credit = make_credit(
        photographer="Maximiliano Fernández-Castellanos",
        agency="Agence France-Presse",
    )
    assert len(credit.line) >= 60
    photo = make_photo(credit=credit, alt_text="A harbour", caption="A harbour.")
    author = make_author(name="Wendy Writer", slug="wendy-writer")
    article = make_article(
        headline="Harbour cranes stand idle as the strike enters its third week",
        hero_photo=photo,
        tags=["Harbour"],
        authors=[author],
    )
    desk = make_user("desk", is_staff=True, is_superuser=True)
    workflow.add_correction(article, "The port is in Tianjin.", by=desk)
    gone = make_article(headline="Withdrawn story", tags=["Harbour"])
    gone.status = Article.Status.TAKEN_DOWN
    gone.save(update_fields=["status"])
    pages = [
        "/",
        article.section.get_absolute_url(),
        article.get_absolute_url(),
        "/tags/harbour/",
        author.get_absolute_url(),
        "/search/?q=harbour",
        "/corrections/",
        "/no-such-page/",
        gone.get_absolute_url(),
    ]
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}
    )
    context.route("**/media/**", serve_media)
    phone = context.new_page()
    phone.set_default_timeout(30_000)
    widths = {}
    for path in pages:
        phone.goto(path)
        widths[path] = phone.evaluate("document.documentElement.scrollWidth")
    phone.goto(article.get_absolute_url())
    credit_box = phone.locator(".hero__credit").bounding_box()
    text_box = phone.locator(".article__headline").bounding_box()
    context.close()
    assert widths == {path: 390 for path in pages}
    assert credit_box["x"] + credit_box["width"] <= text_box["x"] + text_box["width"]


def test_a_story_without_a_picture_gets_a_text_layout_not_a_gap(browser, live_server):
    section = make_section(name="Weather", slug="weather")
    make_article(section=section, hero_photo=make_photo(alt_text="Rain"), tags=["Rain"])
    text_only = make_article(
        section=section,
        headline="Storm warning lifted for the coast",
        standfirst="Forecasters say the worst has passed.",
        publish_at=timezone.now(),
        tags=["Rain"],
    )
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    context.route("**/media/**", serve_media)
    desktop = context.new_page()
    desktop.set_default_timeout(30_000)
    desktop.goto("/")
    lead = desktop.locator(".card--lead")
    lead_column = lead.bounding_box()["width"]
    lead_text = lead.locator(".card__text").bounding_box()["width"]
    lead_classes = lead.get_attribute("class")
    lead_headline = lead.locator(".card__headline").inner_text()
    desktop.goto("/weather/")
    card = desktop.locator(".card", has_text=text_only.headline)
    card_width = card.bounding_box()["width"]
    card_text = card.locator(".card__text").bounding_box()["width"]
    context.close()
    assert lead_headline == text_only.headline
    assert "card--text" in lead_classes
    assert lead_text == lead_column  # the text fills the lead column
    assert card_text == card_width  # no empty photo column beside the text


@pytest.mark.parametrize("path", ["/feeds/", "/feeds/atom/"])
def test_a_feed_opened_in_a_browser_says_what_it_is_and_lists_its_stories(
    browser, live_server, path
):
    article = make_article(headline="Ferries resume after the storm", tags=["Sea"])
    # A context of its own: Chromium adds a banner of its own, with inline
    # styles, to every page made by XSLT; the site's CSP refuses those.
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    response = page.goto(path)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("h1")).to_have_text("Newsroom: latest")
    expect(page.locator("main")).to_contain_text("This is a news feed.")
    link = page.get_by_role("link", name=article.headline)
    href = link.get_attribute("href")
    context.close()
    assert href.endswith(article.get_absolute_url())


# The desk: choosing a hero photo, the article list on a laptop screen, and what
# axe (axe-core, injected into the page) finds on the screens editors use daily.


def test_choosing_a_hero_photo_fills_its_caption_and_alt_text(page):
    make_photo(
        caption="Cranes over the harbour at dawn",
        alt_text="Three cranes against an orange sky",
        credit=make_credit(agency="Harbour Light Images"),
    )
    page.goto(reverse("admin:articles_article_add"))
    page.click(".field-hero_photo .select2-selection")
    page.keyboard.type("Cranes")
    page.locator(".select2-results__option", has_text="Cranes over").click()
    expect(page.locator("#id_hero_caption")).to_have_value(
        "Cranes over the harbour at dawn"
    )
    expect(page.locator("#id_hero_alt_text")).to_have_value(
        "Three cranes against an orange sky"
    )


def test_the_article_list_fits_a_laptop_screen(page):
    for n in range(5):
        make_article(
            headline=f"Harbour authority approves the second container terminal "
            f"after a decade of hearings and appeals {n}",
            tags=["Ports"],
        )
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(reverse("admin:articles_article_changelist"))
    edited = page.locator("#result_list th.column-edited")
    box = edited.bounding_box()
    assert box["x"] + box["width"] <= 1366, "Last edited is off screen"
    link = page.locator("#result_list .field-headline a").first
    height = link.bounding_box()["height"]
    line = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector("
        "'#result_list .field-headline a')).lineHeight) || 16"
    )
    assert height <= 3.5 * line, f"the headline takes {height / line:.1f} lines"


SCREENS = {
    "article list": lambda: reverse("admin:articles_article_changelist"),
    "change page": lambda: reverse(
        "admin:articles_article_change",
        args=[Article.objects.order_by("pk").first().pk],
    ),
    "desk": lambda: reverse("admin:index"),
    "photo library": lambda: reverse("admin:articles_photo_changelist"),
}


@pytest.fixture
def axe_page(browser, live_server, settings):
    """A superuser's page in a laptop's window. Axe adds its own styles, which
    the site's policy blocks (and reports): its checks do not need them."""
    client = Client()
    client.force_login(make_user("axe", is_staff=True, is_superuser=True))
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}
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
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    context.close()


@pytest.mark.parametrize("screen", list(SCREENS))
def test_axe_finds_no_serious_violation(axe_page, screen):
    photo = make_photo(credit=make_credit(agency="AFP"), alt_text="Cranes")
    make_article(headline="Harbour reopens", hero_photo=photo, tags=["Ports"])
    axe_page.goto(SCREENS[screen]())
    results = Axe().run(axe_page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert serious == [], "\n".join(serious)
