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
- `pages_changed`: the page cache turns over.
"""

from django.utils import timezone

from articles.models import ArticleEvent
from articles.signals import announce_content_changed
from articles.webhooks import delivery


def webhooks(event: ArticleEvent) -> None:
    delivery.queue_for(event)


def sweep_at_publish_time(event: ArticleEvent) -> None:
    """A scheduled article gets a sweep at its publish time, so that its
    publication is recorded then, without waiting for cron."""
    from articles.background.queue import has_worker
    from articles.tasks import enqueue, publish_due

    run_after = event.article.publish_at
    if event.action != ArticleEvent.Action.SCHEDULE or run_after is None:
        return
    if not has_worker():
        return  # tasks run at once: nothing waits for a time
    if run_after <= timezone.now():
        enqueue(publish_due)
    else:
        enqueue(publish_due.using(run_after=run_after))


def pages_changed(sender) -> None:
    announce_content_changed(sender)
