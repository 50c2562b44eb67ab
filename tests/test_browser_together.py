"""Working on one story together, in a real browser (Debian's Chromium): unsaved
text that survives a closed tab, two editors' saves merged, and the fields both
changed side by side. Fixtures and set-up as in test_browser.py."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article, Presence, WorkingCopy
from tests.factories import make_article, make_user
from tests.test_browser import CSP_LISTENER, editing_area

Status = Article.Status
pytestmark = pytest.mark.django_db(transaction=True)


class Desk:
    """One person's browser, logged in, whose pages must run without a
    JavaScript error or a Content-Security-Policy violation."""

    def __init__(self, browser, live_server, settings, username, name):
        first, last = name.split()
        self.user = make_user(
            username,
            is_staff=True,
            is_superuser=True,
            first_name=first,
            last_name=last,
        )
        client = Client()
        client.force_login(self.user)
        self.context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        self.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        self.problems = []
        self.context.expose_binding(
            "reportCspViolation", lambda source, text: self.problems.append(text)
        )
        self.context.add_init_script(CSP_LISTENER)

    def open(self, article):
        page = self.context.new_page()
        page.set_default_timeout(30_000)
        page.on("pageerror", lambda error: self.problems.append(str(error)))
        page.goto(reverse("admin:articles_article_change", args=[article.pk]))
        return page

    def close(self):
        # Pages say goodbye as they close (presence, unsaved work): those last
        # requests are answered before the test's database goes away.
        for page in self.context.pages:
            page.close()
        for _ in range(50):
            if not Presence.objects.filter(user=self.user).exists():
                break
            time.sleep(0.1)
        time.sleep(0.3)
        self.context.close()
        assert self.problems == []


@pytest.fixture
def desks(browser, live_server, settings):
    made = []

    def desk(username, name):
        made.append(Desk(browser, live_server, settings, username, name))
        return made[-1]

    yield desk
    for desk in made:
        desk.close()


def test_text_typed_and_not_saved_survives_a_closed_tab(desks):
    article = make_article(
        status=Status.DRAFT, headline="Storm nears", standfirst="Winds pick up."
    )
    desk = desks("ann", "Ann Ames")
    page = desk.open(article)
    page.fill("#id_standfirst", "Winds pick up; the ferry stops at noon.")
    body = editing_area(page)
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Schools close early.")
    expect(page.locator("#autosave-status")).to_contain_text("Saved", timeout=15_000)
    # More typed, and the tab closed before the next autosave: the page's
    # goodbye keeps it.
    page.fill("#id_headline", "Storm nears the coast")
    page.close()

    def kept():
        copy = WorkingCopy.objects.filter(article=article).first()
        return copy and copy.fields.get("headline") == "Storm nears the coast"

    for _ in range(50):
        if kept():
            break
        desk.context.new_page().wait_for_timeout(200)
    assert kept(), "the closed tab's last words reached the server"

    again = desk.open(article)
    offer = again.locator("#working-copy-offer")
    expect(offer).to_contain_text("You have unsaved work on this article")
    expect(offer).to_contain_text("Headline")
    offer.get_by_role("link", name="Restore my unsaved work").click()
    expect(again.locator("#id_headline")).to_have_value("Storm nears the coast")
    expect(again.locator("#id_standfirst")).to_have_value(
        "Winds pick up; the ferry stops at noon."
    )
    expect(editing_area(again)).to_contain_text("Schools close early.")
    again.click("input[name=_continue]")
    expect(again.locator(".messagelist")).to_contain_text("changed successfully")
    article.refresh_from_db()
    assert article.headline == "Storm nears the coast"
    assert "Schools close early." in article.body
    assert not WorkingCopy.objects.filter(article=article).exists()


def test_two_editors_change_different_fields_and_both_are_saved(desks):
    article = make_article(
        status=Status.DRAFT, headline="Bridge shut", standfirst="Repairs begin."
    )
    ann, ben = desks("ann", "Ann Ames"), desks("ben", "Ben Bell")
    page_b = ben.open(article)
    page_a = ann.open(article)
    # Each sees the other on the page.
    expect(page_b.locator("#presence")).to_contain_text("Ann Ames", timeout=20_000)
    expect(page_a.locator("#presence")).to_contain_text("Ben Bell")

    page_a.fill("#id_headline", "Bridge shut for a month")
    page_a.click("input[name=_continue]")
    expect(page_a.locator(".messagelist")).to_contain_text("changed successfully")

    page_b.fill("#id_standfirst", "Repairs begin on Monday; buses replace trains.")
    page_b.click("input[name=_continue]")
    expect(page_b.locator(".messagelist")).to_contain_text(
        "what they changed is kept with your changes"
    )
    expect(page_b.locator("#id_headline")).to_have_value("Bridge shut for a month")

    article.refresh_from_db()
    assert article.headline == "Bridge shut for a month"
    assert article.standfirst == "Repairs begin on Monday; buses replace trains."


def test_the_same_field_changed_by_both_is_shown_side_by_side(desks):
    article = make_article(
        status=Status.DRAFT, headline="Dam holds", standfirst="Water is high."
    )
    ann, ben = desks("ann", "Ann Ames"), desks("ben", "Ben Bell")
    page_b = ben.open(article)
    page_a = ann.open(article)
    page_a.fill("#id_standfirst", "Water rose a metre overnight.")
    page_a.click("input[name=_continue]")
    expect(page_a.locator(".messagelist")).to_contain_text("changed successfully")

    page_b.fill("#id_standfirst", "Engineers say the dam is sound.")
    page_b.click("input[name=_continue]")
    conflict = page_b.locator("#merge-standfirst")
    mine = conflict.locator(".merge-side--mine")
    theirs = conflict.locator(".merge-side--theirs")
    expect(mine).to_contain_text("Engineers say the dam is sound.")
    expect(theirs).to_contain_text("Water rose a metre overnight.")
    left, right = mine.bounding_box(), theirs.bounding_box()
    assert left["x"] + left["width"] <= right["x"], "side by side"
    assert abs(left["y"] - right["y"]) < 5
    expect(page_b.locator("#id_standfirst")).to_have_value(
        "Engineers say the dam is sound."
    )

    conflict.get_by_label("Keep both, yours first").check()
    page_b.click("input[name=_continue]")
    expect(page_b.locator(".messagelist")).to_contain_text("changed successfully")
    article.refresh_from_db()
    assert article.standfirst == (
        "Engineers say the dam is sound.\n\nWater rose a metre overnight."
    )


def test_the_status_line_says_when_work_is_not_saved(desks):
    article = make_article(status=Status.DRAFT, headline="Heatwave")
    desk = desks("ann", "Ann Ames")
    page = desk.open(article)
    status = page.locator("#autosave-status")
    desk.context.set_offline(True)
    page.fill("#id_headline", "Heatwave breaks records")
    expect(status).to_have_text("Not saved: offline", timeout=15_000)
    assert not WorkingCopy.objects.exists()
    desk.context.set_offline(False)
    expect(status).to_contain_text("Saved", timeout=15_000)
    expect(status).to_have_text(re.compile(r"Saved \d+ s ago"))
    assert WorkingCopy.objects.get().fields == {"headline": "Heatwave breaks records"}
