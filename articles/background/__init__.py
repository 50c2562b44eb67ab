"""Background work on django-tasks: retried, idempotent tasks and their enqueueing.

- `queue`: the `background_task` decorator (retries with back-off) and
  `enqueue`, which hands a task to the configured backend at the right moment.
- `listeners`: what the site's signals put on the queue (the scheduled sweep at
  each publish time, cache warming after a change).

The tasks themselves are in `articles.tasks`.
"""
