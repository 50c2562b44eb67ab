"""What the newsroom tells the rest of the site, sent once the change has committed.

- `content_changed`: something readers could see has changed (an article went
  live or away, was edited, retagged; a tag, photo, credit or section changed).
  Page caches listen to it.
- `article_event`: one workflow step was recorded (`event` is the ArticleEvent),
  for notifications such as webhooks.

Both are sent from `transaction.on_commit`, so a receiver never sees a change
that is later rolled back.
"""

from django.db import transaction
from django.dispatch import Signal

content_changed = Signal()
article_event = Signal()


def announce_content_changed(sender) -> None:
    """Send `content_changed` when the current transaction commits."""
    transaction.on_commit(lambda: content_changed.send(sender=sender), robust=True)


def announce_event(event) -> None:
    """Send `article_event` for `event` when the current transaction commits."""
    transaction.on_commit(
        lambda: article_event.send(sender=type(event), event=event), robust=True
    )
