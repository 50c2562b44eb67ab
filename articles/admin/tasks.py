"""Background tasks in the admin: what ran, what is waiting, what failed; and
RQ's queue dashboard (Redis task backend), for superusers only."""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import URLPattern
from django_rq.admin import QueueAdmin
from django_rq.models import Dashboard
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from articles.background.queue import GaveUp

GAVE_UP = f"{GaveUp.__module__}.{GaveUp.__qualname__}"


def gave_up() -> Q:
    """Tasks whose last attempt failed: nothing will retry them."""
    return Q(status="FAILED", exception_class_path=GAVE_UP)


class OutcomeFilter(admin.SimpleListFilter):
    title = "outcome"
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [
            ("gave-up", "Failed for good"),
            ("retrying", "Failed, retried later"),
            ("waiting", "Waiting or running"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "gave-up":
            return queryset.filter(gave_up())
        if self.value() == "retrying":
            return queryset.filter(status="FAILED").exclude(gave_up())
        if self.value() == "waiting":
            return queryset.filter(status__in=["READY", "RUNNING"])
        return queryset


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class BackgroundTaskAdmin(DBTaskResultAdmin):
    list_display = [
        "task_name",
        "arguments",
        "attempt",
        "status",
        "error",
        "enqueued_at",
        "run_after",
        "finished_at",
    ]
    list_filter = [OutcomeFilter, "status", "queue_name"]
    search_fields = ["task_path", "exception_class_path", "traceback"]

    @admin.display(description="arguments")
    def arguments(self, result):
        return ", ".join(repr(arg) for arg in result.args_kwargs.get("args", []))

    @admin.display(description="attempt")
    def attempt(self, result):
        return result.args_kwargs.get("kwargs", {}).get("attempt", 1)

    @admin.display(description="error")
    def error(self, result):
        if result.status != "FAILED":
            return ""
        last_line = result.traceback.strip().splitlines()[-1:] or [""]
        return last_line[0][:160]


def superusers_only(view):
    """RQ's own views let in any staff member; they empty queues and delete jobs
    (renditions, scheduled publishes), so only a superuser gets past this."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (user.is_active and user.is_superuser):
            raise PermissionDenied("Only a superuser may use the task queue dashboard.")
        return view(request, *args, **kwargs)

    return guarded


if admin.site.is_registered(Dashboard):
    admin.site.unregister(Dashboard)


@admin.register(Dashboard)
class TaskQueueDashboardAdmin(QueueAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def get_urls(self):
        # Anonymous visitors still meet the admin login (or, for RQ's statistics
        # JSON, its own token check) inside each view.
        return [
            URLPattern(
                url.pattern, superusers_only(url.callback), url.default_args, url.name
            )
            for url in super().get_urls()
        ]
