"""Retried tasks and their enqueueing.

A task is written as an idempotent function of plain arguments (ids, not
objects): running it twice, or after the thing it works on has gone, does no
harm. `background_task` makes it a django-tasks Task that, when it raises, is
enqueued again after a growing delay (RETRY_DELAYS), up to `attempts` times;
each failed attempt is recorded by the backend with its traceback (the
"Background tasks" admin for the database backend). The last attempt fails
with `GaveUp` (the original error chained to it): that is what the admin's
desk reports.
"""

import dataclasses
import functools
import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task, task_backends

log = logging.getLogger(__name__)

# The wait before the 2nd, 3rd, … attempt.
RETRY_DELAYS = (
    timedelta(seconds=10),
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
ATTEMPTS = len(RETRY_DELAYS) + 1
ATTEMPT_KWARG = "attempt"


class GaveUp(Exception):
    """A task failed its last attempt; `__cause__` is why."""


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1-based)."""
    return RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1]


def background_task(*, attempts: int = ATTEMPTS, priority: int = 0):
    """Decorate an idempotent function as a task retried with back-off."""

    def decorate(func):
        @functools.wraps(func)
        def run(*args, attempt: int = 1, **kwargs):
            try:
                return func(*args, **kwargs)
            except Exception as error:
                if attempt >= attempts or not _can_defer():
                    raise GaveUp(
                        f"{func.__name__} failed after {attempt} attempt"
                        f"{'s' if attempt != 1 else ''}: {error!r}"
                    ) from error
                delay = retry_delay(attempt)
                log.warning(
                    "%s failed (attempt %d of %d), retrying in %s: %r",
                    func.__name__,
                    attempt,
                    attempts,
                    delay,
                    error,
                )
                retry = the_task.using(run_after=timezone.now() + delay)
                enqueue(retry, *args, attempt=attempt + 1, **kwargs)
                raise

        # RQ has no priorities: there the queue is first come, first served.
        ordered = task_backends["default"].supports_priority
        the_task = task(priority=priority)(run) if ordered else task(run)
        return the_task

    return decorate


def _can_defer() -> bool:
    return task_backends["default"].supports_defer


def has_worker() -> bool:
    """Whether tasks run in a worker (not at once in the caller)."""
    return _can_defer()


def enqueue(the_task, *args, **kwargs) -> None:
    """Hand `the_task(*args, **kwargs)` to the queue, as part of the current
    transaction: the task exists if and only if the transaction commits.

    The database backend writes the task in the caller's transaction by itself.
    A backend outside the database (Redis) cannot join it: the task is held in
    the outbox table in the transaction and handed over once it commits
    (`articles.background.outbox`). A backend that runs tasks at once runs a
    deferred one at once too.
    """
    backend = task_backends[the_task.backend]
    if the_task.run_after is not None and not backend.supports_defer:
        the_task = dataclasses.replace(the_task, run_after=None)
    if _in_database(backend):
        the_task.enqueue(*args, **kwargs)
    else:
        from articles.background import outbox

        outbox.hold(the_task, args, kwargs)


def _in_database(backend) -> bool:
    from django_tasks.backends.immediate import ImmediateBackend
    from django_tasks_db import DatabaseBackend

    return isinstance(backend, DatabaseBackend | ImmediateBackend)
