"""Publish scheduled articles whose time has come and end passed embargoes."""

from django.core.management.base import BaseCommand

from articles.tasks import relay_left_behind
from articles.workflow.scheduler import run_scheduled


class Command(BaseCommand):
    help = (
        "Move scheduled articles whose publish time has passed to published, record "
        "embargoes that have ended, send what stopped processes left (webhook "
        "deliveries, tasks held for Redis), and leave a heartbeat for /healthz. "
        "Readers already see articles from their publish time; run this every "
        "minute (cron or a worker). Missed runs are caught up in time order. Safe "
        "to run repeatedly and in parallel."
    )

    def handle(self, *args, **options):
        run = run_scheduled()
        relay_left_behind()
        for article in run.published:
            self.stdout.write(f"Published “{article.headline}”")
        for article in run.held:
            self.stdout.write(f"Held back for review: “{article.headline}”")
        for article in run.embargoes_ended:
            self.stdout.write(f"Embargo ended: “{article.headline}”")
        self.stdout.write(
            f"{len(run.published)} scheduled articles published, {len(run.held)} "
            f"held back, {len(run.embargoes_ended)} embargoes ended."
        )
