"""The outbox for a task backend outside the database (Redis).

What follows a change must exist exactly when the change commits: not before (a
worker would act on a change that may still roll back), and never lost after (a
process can stop between the commit and its next line). The database task
backend gives that by itself: its task rows are written in the caller's
transaction. RQ's queue lives in Redis, outside the transaction, so for it each
task is first written to `OutboxTask` in the transaction, handed to RQ once the
transaction commits, and deleted; `relay()` (run by the scheduled sweep in the
worker) hands over whatever a stopped process left. Tasks are idempotent, so
one handed over twice (a stop between the hand-over and the delete) does no harm.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from articles.models import OutboxTask

log = logging.getLogger(__name__)

# A row older than this was left by a process that stopped before handing it over.
LEFT_BEHIND = timedelta(seconds=10)


def hold(the_task, args, kwargs) -> None:
    """Write `the_task(*args, **kwargs)` in the current transaction; hand it
    over once the transaction commits."""
    held = OutboxTask.objects.create(
        task_path=the_task.module_path,
        args=list(args),
        kwargs=kwargs,
        run_after=the_task.run_after,
    )
    transaction.on_commit(lambda: hand_over(held.pk), robust=True)


def hand_over(pk: int) -> bool:
    """Enqueue one held task on its backend and delete its row; False if another
    process already did."""
    with transaction.atomic():
        held = (
            OutboxTask.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
        )
        if held is None:
            return False
        the_task = import_string(held.task_path)
        if held.run_after is not None:
            the_task = the_task.using(run_after=held.run_after)
        the_task.enqueue(*held.args, **held.kwargs)
        held.delete()
    return True


def relay(now=None) -> int:
    """Hand over the tasks that stopped processes left behind; return how many."""
    cutoff = (now or timezone.now()) - LEFT_BEHIND
    handed = 0
    for pk in OutboxTask.objects.filter(created_at__lt=cutoff).values_list(
        "pk", flat=True
    ):
        try:
            handed += hand_over(pk)
        except Exception:
            log.exception("Held task %s not handed over; the next sweep retries", pk)
    return handed
