"""Start a new page cache generation, e.g. after a deploy that changes templates."""

from django.core.management.base import BaseCommand

from articles.cache.generation import bump


class Command(BaseCommand):
    help = (
        "Start a new content generation: every cached page is rendered afresh on "
        "its next request. Content changes do this by themselves; run it after "
        "deploying new templates or code."
    )

    def handle(self, *args, **options):
        bump()
        self.stdout.write(self.style.SUCCESS("Cached pages will be rendered afresh."))
