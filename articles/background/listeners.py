"""What the site's signals put on the task queue."""

from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from articles.signals import content_changed

# Changes within this many seconds share one warming run.
WARM_DELAY_SECONDS = 5
WARM_PENDING_KEY = "background:warm-pending"


def warm_after_change(sender, **kwargs) -> None:
    """One warming of the front pages per burst of changes (an import of
    thousands of stories asks once)."""
    from articles.background.queue import has_worker
    from articles.models import Section
    from articles.tasks import enqueue, warm_pages

    # Warming in the request that made the change would only slow it down.
    if not has_worker() or not cache.add(WARM_PENDING_KEY, True, WARM_DELAY_SECONDS):
        return
    paths = ["/", *(section.get_absolute_url() for section in Section.objects.all())]
    run_after = timezone.now() + timedelta(seconds=WARM_DELAY_SECONDS)
    with transaction.atomic():
        enqueue(warm_pages.using(run_after=run_after), paths)


def connect() -> None:
    content_changed.connect(warm_after_change, dispatch_uid="background.warm")
