"""The task worker with the scheduled sweep on a timer: what the Procfile's
`worker` runs."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles.background.sweep import SweepTimer


class Command(BaseCommand):
    help = (
        "Run the task worker of the configured backend (db_worker, or rqworker with "
        "NEWSROOM_TASK_BACKEND=redis) and, beside it, the scheduled sweep every "
        "minute (what publish_scheduled does from cron), so no cron is needed. Run "
        "one or more per site; the sweep is safe to run from several at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sweep-every",
            type=float,
            default=60,
            help="Seconds between scheduled sweeps (default: 60).",
        )

    def handle(self, *args, sweep_every, verbosity, **options):
        timer = SweepTimer(every=sweep_every, report=self.stdout.write)
        timer.start()
        self.stdout.write(f"Scheduled sweep every {sweep_every:g} seconds")
        try:
            backend = settings.TASKS["default"]["BACKEND"]
            if backend.endswith("RQBackend"):
                call_command(
                    "rqworker",
                    "default",
                    with_scheduler=True,
                    job_class="django_tasks_rq.Job",
                    verbosity=verbosity,
                )
            elif backend.endswith("DatabaseBackend"):
                call_command("db_worker", reload=False, verbosity=verbosity)
            else:  # tasks run in the processes that enqueue them
                timer.join()
        finally:
            timer.stop()
