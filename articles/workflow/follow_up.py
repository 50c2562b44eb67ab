"""What follows a change outside its own rows, written in the change's transaction.

The workflow's functions call these as their last steps, inside the transaction
that locks and changes the article, so that each follow-up exists exactly when
the change commits: a process stopped at any moment after the commit loses none
of them, and one that rolls back leaves none (the outbox pattern). Each is then
carried out twice over: at once by the committing process, after the commit,
and, should that process have stopped first, by the task worker, which finds
the same rows (webhook deliveries, task rows; for RQ, `OutboxTask` rows).

- `webhooks`: the deliveries an event calls for, their bodies as of now.
- `sweep_at_publish_time`: the scheduled sweep at a scheduled article's time
  (or its scheduled changes', or its embargo's end).
- `pages_changed`: the page cache turns over, and the edge purges the keys
  the article's pages and lists carry (`articles.edge`): at once after the
  commit, and by the worker should that fail.
"""

from django.utils import timezone

from articles.edge import keys as edge_keys
from articles.models import ArticleEvent
from articles.signals import announce_content_changed
from articles.webhooks import delivery


def webhooks(event: ArticleEvent) -> None:
    delivery.queue_for(event)


def sweep_at_publish_time(event: ArticleEvent) -> None:
    """A scheduled article gets a sweep at its publish time, scheduled changes
    to a live one at theirs, and an embargoed one at the embargo's end, so that
    the change is made (and the edge purged) then, without waiting for cron."""
    from articles.background.queue import has_worker
    from articles.tasks import enqueue, publish_due

    run_after = _moment_of(event)
    if run_after is None:
        return
    if not has_worker():
        return  # tasks run at once: nothing waits for a time
    if run_after <= timezone.now():
        enqueue(publish_due)
    else:
        enqueue(publish_due.using(run_after=run_after))


def _moment_of(event: ArticleEvent):
    """When what `event` set up falls due, if it set up anything."""
    from articles.models import ScheduledUpdate

    Action = ArticleEvent.Action
    if event.action == Action.SCHEDULE:
        return event.article.publish_at
    if event.action == Action.EMBARGO:
        return event.article.embargo_until
    if event.action == Action.SCHEDULE_CHANGES:
        return (
            ScheduledUpdate.objects.filter(pending_change__article=event.article)
            .values_list("publish_at", flat=True)
            .first()
        )
    return None


def pages_changed(article) -> None:
    """`article` as stored now; a taken-down one is dropped from the edge at
    once, never served stale."""
    from articles.models import Article

    announce_content_changed(
        Article,
        keys=edge_keys.for_article_change(article),
        hard=article.is_taken_down,
    )
