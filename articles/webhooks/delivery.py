"""Queueing and sending deliveries, with retries and back-off.

Every delivery is a row first, written in the same transaction as the workflow
step it reports (`queue_for`), with its body as the article is at that moment:
the deliveries exist exactly when the step commits, and nothing is sent for a
step that rolled back. Once it commits, a background thread sends them at once;
the task worker is the relay that makes sure (`relay`, queued in the same
transaction): it sends whatever a stopped process left and retries failures
after RETRY_DELAYS. `manage.py deliver_webhooks` does the same from cron. Each
attempt claims its row with a conditional UPDATE, so the thread, the worker and
any number of cron runs never send one attempt twice.
"""

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from articles.models import Webhook, WebhookDelivery
from articles.models.webhooks import TEST_EVENT
from articles.webhooks import events, outgoing, signing

log = logging.getLogger(__name__)

# Waits before the 2nd, 3rd, … attempt; after the last, the delivery has failed.
RETRY_DELAYS = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(hours=24),
)
# Longer than any attempt can take: a claimed row is retried if its sender died.
CLAIM = timedelta(seconds=30)
# The worker's first look at new deliveries: by then the committing process has
# normally sent them, and the worker only finds what a stopped process left.
RELAY_DELAY = timedelta(seconds=10)
Status = WebhookDelivery.Status


def queue(kind: str, data: dict, webhooks=None) -> list[WebhookDelivery]:
    """One pending delivery per active webhook that wants `kind`."""
    now = timezone.now()
    if webhooks is None:
        webhooks = [
            w for w in Webhook.objects.filter(is_active=True) if kind in w.events
        ]
    deliveries = []
    for webhook in webhooks:
        delivery = WebhookDelivery(webhook=webhook, event=kind, next_attempt_at=now)
        delivery.body = events.envelope(delivery.uid, kind, data, now)
        deliveries.append(delivery)
    return WebhookDelivery.objects.bulk_create(deliveries)


def queue_for(event) -> list[WebhookDelivery]:
    """The deliveries a workflow event calls for, written in its transaction with
    the article as it is now; sent once the transaction commits."""
    found = events.body_for(event)
    if found is None:
        return []
    deliveries = queue(*found)
    if deliveries:
        ids = [delivery.pk for delivery in deliveries]
        _relay_later(ids)
        transaction.on_commit(lambda: send_soon(ids), robust=True)
    return deliveries


def relay(ids: list[int]) -> int:
    """Send those of `ids` that are due; while any waits for a retry (or for a
    claim of a stopped sender to lapse), come back when the next is due."""
    sent = send_due(ids=ids)
    waiting = WebhookDelivery.objects.filter(pk__in=ids, status=Status.PENDING)
    next_due = min(waiting.values_list("next_attempt_at", flat=True), default=None)
    if next_due is not None:
        _relay_later(list(waiting.values_list("pk", flat=True)), at=next_due)
    return sent


def _relay_later(ids: list[int], at=None) -> None:
    from articles.background.queue import has_worker
    from articles.tasks import enqueue, send_webhooks

    if has_worker():
        at = at or timezone.now() + RELAY_DELAY
        enqueue(send_webhooks.using(run_after=at), ids)


def queue_test(webhook: Webhook) -> WebhookDelivery:
    """A `webhook.test` event for one webhook, whatever events it receives."""
    data = {"message": f"A test event from {settings.NEWSROOM_SITE_NAME}."}
    return queue(TEST_EVENT, data, webhooks=[webhook])[0]


def send_soon(ids: list[int]) -> None:
    if not settings.NEWSROOM_WEBHOOKS_IN_BACKGROUND:
        send_due(ids=ids)
        return
    threading.Thread(target=_send_in_thread, args=(ids,), daemon=True).start()


def _send_in_thread(ids: list[int]) -> None:
    try:
        send_due(ids=ids)
    except Exception:
        log.exception("Webhook deliveries %s failed to send; cron will retry", ids)
    finally:
        connection.close()


def send_due(now=None, ids: list[int] | None = None) -> int:
    """Attempt every delivery that is due (or those of `ids`); return how many."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.due(now)
    if ids is not None:
        due = due.filter(pk__in=ids)
    sent = 0
    for delivery in due.select_related("webhook").order_by("next_attempt_at", "pk"):
        if attempt(delivery, now=now):
            sent += 1
    return sent


def attempt(delivery: WebhookDelivery, now=None) -> bool:
    """Send one attempt if this process wins the claim; False if another did."""
    now = now or timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk,
        status=Status.PENDING,
        next_attempt_at=delivery.next_attempt_at,
    ).update(next_attempt_at=now + CLAIM)
    if not claimed:
        return False
    result = _post(delivery)
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_status = result["status"]
    delivery.log = [*delivery.log, result]
    if result["ok"]:
        delivery.status = Status.DELIVERED
        delivery.next_attempt_at = None
    elif delivery.attempts > len(RETRY_DELAYS):
        delivery.status = Status.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
    delivery.save(
        update_fields=[
            "attempts",
            "last_attempt_at",
            "response_status",
            "log",
            "status",
            "next_attempt_at",
        ]
    )
    return True


def _post(delivery: WebhookDelivery) -> dict:
    """One attempt, as logged: a status and a fixed message, never the answer."""
    webhook = delivery.webhook
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": f"{settings.NEWSROOM_SITE_NAME} webhooks",
        **signing.headers(webhook.secret, str(delivery.uid), timestamp, delivery.body),
    }
    at = timezone.now().isoformat()
    outcome = outgoing.post(webhook.url, delivery.body.encode(), headers)
    return {
        "at": at,
        "status": outcome.status,
        "error": "" if outcome.ok else outcome.message,
        "ms": outcome.ms,
        "ok": outcome.ok,
    }
