"""What follows a change outside its own rows, written in the change's transaction.

The workflow's functions call these as their last steps, inside the transaction
that locks and changes the article, so that each follow-up exists exactly when
the change commits: a process stopped at any moment after the commit loses none
of them, and one that rolls back leaves none (the outbox pattern). Each is then
carried out twice over: at once by the committing process, after the commit,
and, should that process have stopped first, by the task worker, which finds
the same rows (webhook deliveries, task rows; for RQ, `OutboxTask` rows).

- `webhooks`: the deliveries an event calls for, their bodies as of now.
- `sweep_at_publish_time`: the scheduled sweep at a scheduled article's time.
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
    """A scheduled article gets a sweep at its publish time, and an embargoed
    one at the embargo's end, so that the change is recorded (and the edge
    purged) then, without waiting for cron."""
    from articles.background.queue import has_worker
    from articles.tasks import enqueue, publish_due

    moments = {
        ArticleEvent.Action.SCHEDULE: event.article.publish_at,
        ArticleEvent.Action.EMBARGO: event.article.embargo_until,
    }
    run_after = moments.get(event.action)
    if run_after is None:
        return
    if not has_worker():
        return  # tasks run at once: nothing waits for a time
    if run_after <= timezone.now():
        enqueue(publish_due)
    else:
        enqueue(publish_due.using(run_after=run_after))


def pages_changed(article) -> None:
    """`article` as stored now; a taken-down one is dropped from the edge at
    once, never served stale."""
    from articles.models import Article

    announce_content_changed(
        Article,
        keys=edge_keys.for_article_change(article),
        hard=article.is_taken_down,
    )
