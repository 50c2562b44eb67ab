"""`/healthz`: whether the site can serve and the scheduler keeps time.

Answers JSON for monitoring, 503 when the database is unreachable, or when the
scheduler has not run for more than five minutes while an article is due (or
an article is more than five minutes overdue). An unreachable cache is
reported but is not fatal: pages are then served uncached. It is public, so it
says whether the scheduler's last run failed, never why: editors read the
error on their desk. `edge` names the purger and whether the last purge of
the edge failed (it is retried; a later success clears it).
"""

from datetime import timedelta

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from articles.edge import purging
from articles.models import Article, ScheduledUpdate
from articles.workflow.scheduler import last_heartbeat

LATE = timedelta(minutes=5)
PROBE_KEY = "healthz:probe"


def scheduler_state(now=None) -> dict:
    """The last scheduler run and what is waiting for it (for the desk, too)."""
    now = now or timezone.now()
    heartbeat = last_heartbeat()
    last_run = heartbeat.finished_at if heartbeat else None
    scheduled = Article.objects.filter(status=Article.Status.SCHEDULED)
    updates = ScheduledUpdate.objects.all()
    articles_due = scheduled.filter(publish_at__lte=now).exists()
    due = updates.filter(publish_at__lte=now).exists() or articles_due
    # A story's scheduled update counts as the story would.
    overdue = (
        scheduled.filter(publish_at__lte=now - LATE).count()
        + updates.filter(publish_at__lte=now - LATE).count()
    )
    late = bool(overdue) or (due and (last_run is None or now - last_run > LATE))
    return {
        "last_run": last_run,
        "last_error": heartbeat.error if heartbeat else "",
        "overdue": overdue,
        "late": late,
    }


def _cache_reachable() -> bool:
    try:
        cache.set(PROBE_KEY, "ok", 10)
        return cache.get(PROBE_KEY) == "ok"
    except Exception:  # any backend's connection error
        return False


@require_GET
def healthz(request):
    body = {"database": "ok", "cache": "ok" if _cache_reachable() else "unreachable"}
    healthy = True
    try:
        connection.ensure_connection()
        state = scheduler_state()
    except DatabaseError as error:
        healthy = False
        body["database"] = "unreachable"
        body["database_error"] = type(error).__name__
        body["scheduler"] = {"last_run": None, "late": None}
        body["overdue_articles"] = None
    else:
        last_run = state["last_run"]
        body["scheduler"] = {
            "last_run": last_run.isoformat() if last_run else None,
            "late": state["late"],
            "last_run_failed": bool(state["last_error"]),
        }
        body["overdue_articles"] = state["overdue"]
        healthy = not state["late"]
    body["edge"] = purging.state()
    body["status"] = "ok" if healthy else "failing"
    response = JsonResponse(body, status=200 if healthy else 503)
    add_never_cache_headers(response)
    return response
