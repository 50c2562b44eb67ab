"""Edges of the site that answered too much, or answered 500: the corrections
feed, the accounts login address, the integrity buttons and the health check."""

import pytest
from defusedxml import ElementTree
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.workflow import scheduler
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db
HOSTILE = '<a href="javascript:x()">x</a>'


def test_corrections_feed_escapes_correction_text_and_withdrawal_reasons(
    client, editor
):
    kept = make_article(headline="Kept")
    workflow.add_correction(kept, f"Kept {HOSTILE}", by=editor)
    gone = make_article(headline="Gone")
    withdrawn = workflow.add_correction(gone, "Said wrongly", by=editor)
    workflow.withdraw_correction(withdrawn, by=editor, reason=f"Reason {HOSTILE}")

    feed = client.get(reverse("articles:corrections_feed")).content
    descriptions = [
        element.text
        for item in ElementTree.fromstring(feed).iter("item")
        for element in item.iter("description")
    ]
    # Feed readers read a description as HTML: the markup must arrive as text.
    escaped = "&lt;a href=&quot;javascript:x()&quot;&gt;x&lt;/a&gt;"
    assert f"Kept {escaped}" in descriptions
    assert any(f"Reason {escaped}" in text for text in descriptions)
    assert not any("<a " in text for text in descriptions)


def test_accounts_login_leads_to_the_admin_login_keeping_the_destination(client):
    response = client.get("/accounts/login/?next=/admin/articles/article/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/articles/article/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("action", "field"), [("override", "rule"), ("withdraw_correction", "correction")]
)
@pytest.mark.parametrize("value", ["abc", "1.5", "²", "9" * 40, "-1", ""])
def test_integrity_buttons_refuse_an_id_that_is_not_a_number_with_a_message(
    client, action, field, value
):
    article = make_article()
    # Someone who may press both buttons, so that the id is what is refused.
    client.force_login(make_user(is_staff=True, is_superuser=True))
    url = reverse("admin:articles_article_workflow", args=[article.pk, action])
    response = client.post(url, {field: value, "reason": "Why", "version": "²"})
    assert response.status_code == 302
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(message.startswith("No such") for message in said), said
    assert not article.events.filter(action="override").exists()


def test_healthz_says_the_scheduler_failed_but_not_why(client, monkeypatch, editor):
    article = make_article(status="scheduled", publish_at=timezone.now())
    secret = "OperationalError: password authentication failed for db-7.internal"

    def broken(pk, now):
        raise RuntimeError(secret)

    monkeypatch.setattr(scheduler, "publish_one", broken)
    with pytest.raises(RuntimeError):
        scheduler.run_scheduled()

    public = client.get(reverse("healthz"))
    assert "db-7.internal" not in public.content.decode()
    assert "RuntimeError" not in public.content.decode()
    assert public.json()["scheduler"]["last_run_failed"] is True
    client.force_login(editor)
    desk = client.get(reverse("admin:index")).content.decode()
    assert "db-7.internal" in desk  # editors still read the reason
    assert article.status == "scheduled"


@pytest.mark.parametrize("chosen", ["²", "x", "٣"])
def test_the_article_list_filters_by_a_tag_number_only(admin_client, chosen):
    make_article(tags=["ports"])
    response = admin_client.get(
        reverse("admin:articles_article_changelist"), {"tags__id__exact": chosen}
    )
    # A refused filter: Django's admin shows the unfiltered list with ?e=1.
    assert response.status_code in (200, 302)
