from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook as StandardWebhook

from articles import workflow
from articles.models import Article, Webhook, WebhookDelivery
from articles.webhooks import delivery as deliveries
from articles.webhooks.signing import signature
from tests.factories import (
    make_article,
    make_credit,
    make_photo,
    make_role_user,
    make_user,
)
from tests.receiver import Receiver

pytestmark = pytest.mark.django_db
Status = WebhookDelivery.Status


@pytest.fixture(autouse=True)
def loopback_receivers_allowed(settings):
    """The test receivers listen on loopback, which webhooks may reach only
    when it is listed, as an internal receiver of the site's owners."""
    settings.NEWSROOM_WEBHOOK_ALLOWED_HOSTS = [Receiver.host]


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def in_process(settings):
    settings.NEWSROOM_WEBHOOKS_IN_BACKGROUND = False
    settings.NEWSROOM_SITE_URL = "https://news.example"


def ready_story(**over):
    photo = make_photo(credit=make_credit(agency="AFP"))
    fields = {"status": Article.Status.IN_REVIEW, "publish_at": None}
    return make_article(hero_photo=photo, tags=["ports"], **{**fields, **over})


def publish(article, editor, capture):
    with capture(execute=True):
        workflow.publish(article, by=editor)


def test_publish_reaches_the_receiver_signed(
    receiver, in_process, editor, django_capture_on_commit_callbacks
):
    hook = Webhook.objects.create(name="Partner", url=receiver.url)
    story = ready_story(slug="robots", headline="Robots in Changsha")
    publish(story, editor, django_capture_on_commit_callbacks)

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    # The reference implementation of Standard Webhooks accepts the signature.
    verified = StandardWebhook(hook.secret).verify(request["body"], request["headers"])
    assert verified["type"] == "article.published"
    article = verified["data"]["article"]
    assert article["slug"] == "robots" and article["headline"] == "Robots in Changsha"
    assert article["url"] == f"https://news.example{story.get_absolute_url()}"
    assert request["headers"]["webhook-id"] == verified["id"]
    # Any change to the body breaks the signature.
    tampered = request["body"].replace("Robots", "Rabbits")
    expected = signature(
        hook.secret,
        request["headers"]["webhook-id"],
        int(request["headers"]["webhook-timestamp"]),
        tampered,
    )
    assert expected != request["headers"]["webhook-signature"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.DELIVERED and delivery.response_status == 200


def test_a_failed_delivery_is_retried_with_back_off(
    receiver, in_process, editor, django_capture_on_commit_callbacks
):
    Webhook.objects.create(name="Partner", url=receiver.url)
    receiver.statuses = [503, 500]
    publish(ready_story(), editor, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.PENDING and delivery.attempts == 1
    first_wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert first_wait == deliveries.RETRY_DELAYS[0]

    # Not due yet: nothing is sent.
    assert deliveries.send_due(now=delivery.last_attempt_at + timedelta(seconds=5)) == 0
    later = delivery.next_attempt_at + timedelta(seconds=1)
    assert deliveries.send_due(now=later) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.status == Status.PENDING
    assert delivery.next_attempt_at - later == deliveries.RETRY_DELAYS[1]

    assert deliveries.send_due(now=delivery.next_attempt_at) == 1
    delivery.refresh_from_db()
    assert delivery.status == Status.DELIVERED and delivery.attempts == 3
    assert [entry["status"] for entry in delivery.log] == [503, 500, 200]
    ids = {request["headers"]["webhook-id"] for request in receiver.requests}
    bodies = {request["body"] for request in receiver.requests}
    assert len(receiver.requests) == 3 and len(ids) == 1 and len(bodies) == 1


def test_an_unreachable_receiver_gives_up_after_the_last_retry(in_process, editor):
    with Receiver() as gone:
        url = gone.url  # the port is closed once the block ends
    hook = Webhook.objects.create(name="Gone", url=url)
    delivery = deliveries.queue_test(hook)
    now = timezone.now()
    for _ in range(len(deliveries.RETRY_DELAYS) + 1):
        delivery.refresh_from_db()
        assert delivery.status == Status.PENDING
        now = delivery.next_attempt_at
        deliveries.send_due(now=now)
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED
    assert delivery.attempts == len(deliveries.RETRY_DELAYS) + 1
    assert delivery.log[-1]["error"] == "No answer (connection failed)"
    assert deliveries.send_due(now=now + timedelta(days=30)) == 0


def test_deliver_webhooks_command_sends_what_is_due(receiver, settings):
    hook = Webhook.objects.create(name="Partner", url=receiver.url)
    deliveries.queue_test(hook)
    call_command("deliver_webhooks")
    assert [event["type"] for event in receiver.events()] == ["webhook.test"]


def test_one_attempt_is_sent_once_even_if_two_senders_race(receiver):
    hook = Webhook.objects.create(name="Partner", url=receiver.url)
    delivery = deliveries.queue_test(hook)
    stale_copy = WebhookDelivery.objects.get(pk=delivery.pk)
    assert deliveries.attempt(delivery) is True
    assert deliveries.attempt(stale_copy) is False
    assert len(receiver.requests) == 1


def test_update_and_unpublish_events_and_subscriptions(
    receiver, in_process, editor, django_capture_on_commit_callbacks
):
    Webhook.objects.create(name="All", url=receiver.url)
    Webhook.objects.create(
        name="Takedowns only", url=receiver.url, events=["article.unpublished"]
    )
    Webhook.objects.create(name="Paused", url=receiver.url, is_active=False)
    story = make_article(slug="live-story", headline="First", tags=["ports"])
    content = workflow.proposed_content(story)
    content.headline = "Second"
    workflow.edit(story, content, by=editor)
    # Each step commits on its own, as in the admin; its event is sent then.
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish_changes(story, by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.unpublish(story, by=editor)
    kinds = [event["type"] for event in receiver.events()]
    assert kinds == ["article.updated", "article.unpublished", "article.unpublished"]
    updated = receiver.events()[0]["data"]["article"]
    assert updated["headline"] == "Second"
    assert receiver.events()[1]["data"] == {
        "article": {"id": story.pk, "slug": "live-story"}
    }


def test_drafts_and_submissions_send_nothing(
    receiver, in_process, writer, django_capture_on_commit_callbacks
):
    Webhook.objects.create(name="All", url=receiver.url)
    story = make_article(status="draft", publish_at=None, created_by=writer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(story, by=writer)
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_deliveries_are_sent_in_the_background_after_commit(receiver, settings):
    settings.NEWSROOM_WEBHOOKS_IN_BACKGROUND = True
    # Transactional tests run on a flushed database, without the role groups.
    editor = make_user("bg-editor")
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["publish_article", "view_article"])
    )
    editor = type(editor).objects.get(pk=editor.pk)
    Webhook.objects.create(name="Partner", url=receiver.url)
    workflow.publish(ready_story(slug="background"), by=editor)
    assert receiver.arrived.wait(timeout=20)
    assert receiver.events()[0]["data"]["article"]["slug"] == "background"


def test_admin_registers_a_webhook_and_sends_a_test_event(client, receiver):
    admin = make_role_user("Admin", "team-admin")
    client.force_login(admin)
    response = client.post(
        reverse("admin:articles_webhook_add"),
        {"name": "Partner", "url": receiver.url, "events": ["article.published"]},
    )
    assert response.status_code == 302, response.content
    hook = Webhook.objects.get()
    assert hook.events == ["article.published"] and hook.secret.startswith("whsec_")
    page = client.get(reverse("admin:articles_webhook_change", args=[hook.pk]))
    assert "Send test event" in page.content.decode()
    assert hook.secret in page.content.decode()

    sent = client.post(
        reverse("admin:articles_webhook_test", args=[hook.pk]), follow=True
    )
    assert "Test event delivered (HTTP 200)." in sent.content.decode()
    request = receiver.requests[0]
    assert StandardWebhook(hook.secret).verify(request["body"], request["headers"])
    log = client.get(reverse("admin:articles_webhookdelivery_changelist"))
    assert "webhook.test" in log.content.decode()

    receiver.statuses = [500]
    failed = client.post(
        reverse("admin:articles_webhook_test", args=[hook.pk]), follow=True
    )
    assert "Test event not delivered: HTTP 500" in failed.content.decode()


def test_writers_and_editors_cannot_manage_webhooks(client, writer, editor, receiver):
    hook = Webhook.objects.create(name="Partner", url=receiver.url)
    for user in (writer, editor):
        client.force_login(user)
        assert (
            client.get(reverse("admin:articles_webhook_changelist")).status_code == 403
        )
        test_url = reverse("admin:articles_webhook_test", args=[hook.pk])
        assert client.post(test_url).status_code == 403
    assert receiver.requests == []


def test_corrections_takedowns_and_embargoes_reach_webhooks(
    receiver, in_process, editor, django_capture_on_commit_callbacks
):
    from articles.workflow.corrections import add_correction
    from articles.workflow.embargo import end_embargo, set_embargo
    from articles.workflow.takedown import take_down

    Webhook.objects.create(name="All", url=receiver.url, events=all_kinds())
    story = make_article(slug="story", headline="Port volumes")
    with django_capture_on_commit_callbacks(execute=True):
        add_correction(story, "The port is in Haiphong.", by=editor)
    corrected = receiver.events()[-1]
    assert corrected["type"] == "article.corrected"
    assert corrected["data"]["correction"]["text"] == "The port is in Haiphong."
    assert corrected["data"]["article"]["corrections"][0]["kind"] == "correction"

    # An embargo on a live story takes it from readers; its end brings it back.
    until = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        set_embargo(story, until, by=editor)
    assert receiver.events()[-1]["type"] == "article.unpublished"
    with django_capture_on_commit_callbacks(execute=True):
        end_embargo(story.pk, until + timedelta(seconds=1))
    assert receiver.events()[-1]["type"] == "article.published"

    editor.user_permissions.add(Permission.objects.get(codename="take_down_article"))
    editor = type(editor).objects.get(pk=editor.pk)
    with django_capture_on_commit_callbacks(execute=True):
        take_down(story, by=editor, reason="Court order")
    gone = receiver.events()[-1]
    assert gone["type"] == "article.taken_down"
    assert gone["data"] == {"article": {"id": story.pk, "slug": "story"}}
    assert "Court order" not in receiver.requests[-1]["body"]


def test_an_embargo_on_a_story_never_published_sends_nothing(
    receiver, in_process, editor, django_capture_on_commit_callbacks
):
    from articles.workflow.embargo import set_embargo

    Webhook.objects.create(name="All", url=receiver.url, events=all_kinds())
    draft = make_article(status="draft", publish_at=None, first_published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        set_embargo(draft, timezone.now() + timedelta(hours=1), by=editor)
    assert receiver.requests == []


def all_kinds():
    from articles.models import WebhookEvent

    return [kind.value for kind in WebhookEvent]


@pytest.mark.django_db(transaction=True)
def test_the_workers_minute_timer_sends_what_is_due_without_cron(receiver):
    import threading

    from articles.background.sweep import SweepTimer
    from articles.models import SchedulerHeartbeat

    hook = Webhook.objects.create(name="Partner", url=receiver.url)
    deliveries.queue_test(hook)
    said = []
    # The timer's own thread, with its own database connection, as in the worker.
    sweep = threading.Thread(target=SweepTimer(report=said.append).sweep)
    sweep.start()
    sweep.join(60)
    assert [event["type"] for event in receiver.events()] == ["webhook.test"]
    assert SchedulerHeartbeat.objects.get().finished_at is not None
    assert said == []  # nothing failed
