"""The newsroom's background tasks, and how to hand work to them.

Enqueue with `articles.background.queue.enqueue(task, *args)` (re-exported
here), or with the helpers below. Every task takes plain ids and is idempotent:
it recomputes from what the database says now, so a retry, a duplicate or a
task whose object has gone does no harm. Failures are retried with back-off
(`articles.background.queue.RETRY_DELAYS`) and recorded for the admin.

Workers: `manage.py db_worker` for the database backend (the default),
`manage.py rqworker default --with-scheduler --job-class django_tasks_rq.Job`
for NEWSROOM_TASK_BACKEND=redis.
"""

from django.conf import settings
from django.db import transaction

from articles.background.queue import background_task, enqueue
from articles.edge import keys as edge_keys
from articles.signals import announce_content_changed

__all__ = [
    "enqueue",
    "make_renditions",
    "publish_due",
    "purge_edge",
    "refresh_related",
    "relay_left_behind",
    "renditions_later",
    "send_webhooks",
    "turn_over_pages",
    "warm_pages",
]


@background_task(priority=10)
def make_renditions(photo_id: int) -> str:
    """Make the renditions of one photo, if it still exists and needs them."""
    from articles.models import Photo
    from articles.photos.renditions import update_renditions

    photo = Photo.objects.select_related("credit").filter(pk=photo_id).first()
    if photo is None:
        return "gone"
    with transaction.atomic():
        if not update_renditions(photo):
            return "current"
        # pages now show the new renditions
        announce_content_changed(Photo, keys=edge_keys.for_photos([photo_id]))
    return "made"


def renditions_later(photos) -> None:
    """Queue renditions for `photos` (saved Photo objects or ids)."""
    for photo in photos:
        enqueue(make_renditions, getattr(photo, "pk", photo))


@background_task()
def refresh_related(article_ids: list[int]) -> int:
    """Bring the related-stories index up to date for these articles."""
    from taggit.models import Tag

    from articles import related

    with transaction.atomic():
        related.refresh_articles(article_ids)
        # tag pages count through the index
        announce_content_changed(Tag, keys=edge_keys.for_articles(article_ids))
    return len(article_ids)


@background_task()
def publish_due() -> int:
    """The scheduled sweep, at an article's publish time: record its publication
    (and anything else due), leaving the heartbeat as every sweep does."""
    from articles.workflow.scheduler import run_scheduled

    published = len(run_scheduled().published)
    relay_left_behind()
    return published


def relay_left_behind() -> None:
    """What stopped processes left for others to send: tasks held for Redis, and
    webhook deliveries that are due. Part of every scheduled sweep."""
    from articles.background import outbox
    from articles.webhooks import delivery

    outbox.relay()
    delivery.send_due()


@background_task(priority=20)
def turn_over_pages(change: str) -> str:
    """The page cache's turnover after a committed change, if the process that
    made the change stopped before it could turn it over itself."""
    from articles.cache.generation import turned_over

    return "turned over" if turned_over(change) else "already done"


@background_task(priority=20)
def purge_edge(
    change: str, keys: list[str], hard: bool = False, turnover: str | None = None
) -> str:
    """Purge a committed change's keys at the edge, unless the process that
    made the change already did; retried with back-off while the edge fails."""
    from articles.edge.purging import send_once

    sent = send_once(change, keys, hard=hard, turnover=turnover)
    return "purged" if sent else "already done"


@background_task(priority=20)
def send_webhooks(delivery_ids: list[int]) -> int:
    """Send these webhook deliveries if they are still waiting; while any is
    left to retry, come back when the next attempt is due."""
    from articles.webhooks import delivery

    return delivery.relay(delivery_ids)


@background_task(attempts=2, priority=-10)
def warm_pages(paths: list[str]) -> dict[str, int]:
    """Request the busiest public pages once, so that the first reader after a
    change finds them in the caches (page cache, related-count cache)."""
    from django.test import Client

    client = Client(HTTP_HOST=site_host())
    return {path: client.get(path).status_code for path in paths}


def site_host() -> str:
    for host in settings.ALLOWED_HOSTS:
        if host and "*" not in host and not host.startswith("."):
            return host.strip("[]") if host.startswith("[") else host
    return "localhost"
