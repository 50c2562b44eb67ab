"""What the newsroom tells the rest of the site, sent once the change has committed.

- `content_changed`: something readers could see has changed (an article went
  live or away, was edited, retagged; a tag, photo, credit or section changed).
  Page caches listen to it.
- `article_event`: one workflow step was recorded (`event` is the ArticleEvent),
  for notifications such as webhooks.

Both are sent from `transaction.on_commit`, so a receiver never sees a change
that is later rolled back.
"""

import threading
from contextlib import contextmanager

from django.db import transaction
from django.dispatch import Signal

content_changed = Signal()
article_event = Signal()


def announce_content_changed(sender) -> None:
    """Send `content_changed` when the current transaction commits."""
    waiting = getattr(_together, "senders", None)
    if waiting is not None:
        waiting.add(sender)
        return
    transaction.on_commit(lambda: content_changed.send(sender=sender), robust=True)


# Per thread: the senders an `announcing_together()` block has collected.
_together = threading.local()


@contextmanager
def announcing_together():
    """Changes made in the block are announced once, when it ends (an import of
    thousands of stories), instead of once each."""
    outer = getattr(_together, "senders", None)
    _together.senders = set() if outer is None else outer
    try:
        yield
        senders = _together.senders
    finally:
        _together.senders = outer
    if outer is None:
        for sender in senders:
            announce_content_changed(sender)


def announce_event(event) -> None:
    """Send `article_event` for `event` when the current transaction commits."""
    transaction.on_commit(
        lambda: article_event.send(sender=type(event), event=event), robust=True
    )
