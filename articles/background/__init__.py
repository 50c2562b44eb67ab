"""Background work on django-tasks: retried, idempotent tasks and their enqueueing.

- `queue`: the `background_task` decorator (retries with back-off) and
  `enqueue`, which hands a task to the configured backend at the right moment.
- `listeners`: what the site's signals put on the queue (cache warming after a
  change).
- `outbox`: tasks for a queue outside the database (Redis), held in the
  database until the transaction that asked for them commits.

The tasks themselves are in `articles.tasks`.
"""
