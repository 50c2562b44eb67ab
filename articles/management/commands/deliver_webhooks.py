"""Send webhook deliveries that are due: retries, and any a stopped process left."""

from django.core.management.base import BaseCommand

from articles.webhooks.delivery import send_due


class Command(BaseCommand):
    help = (
        "Send every webhook delivery that is due: retries after a failure (with "
        "back-off) and deliveries a stopped process did not send. Run it every "
        "minute (cron or a worker); safe to run repeatedly and in parallel."
    )

    def handle(self, *args, **options):
        sent = send_due()
        self.stdout.write(f"{sent} webhook deliveries attempted.")
