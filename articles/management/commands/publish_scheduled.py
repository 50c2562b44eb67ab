"""Record the publication of scheduled articles whose publish time has passed."""

from django.core.management.base import BaseCommand

from articles import workflow


class Command(BaseCommand):
    help = (
        "Move scheduled articles whose publish time has passed to published and "
        "record the event. Readers already see them from their publish time; run "
        "this every minute (cron or a worker). Safe to run repeatedly and in parallel."
    )

    def handle(self, *args, **options):
        published = workflow.publish_due()
        for article in published:
            self.stdout.write(f"Published “{article.headline}”")
        self.stdout.write(f"{len(published)} scheduled articles published.")
