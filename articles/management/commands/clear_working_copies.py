"""Clear unsaved work older than NEWSROOM_WORKING_COPY_MAX_AGE_DAYS."""

from django.core.management.base import BaseCommand

from articles.working_copies import clear_old, max_age


class Command(BaseCommand):
    help = (
        "Delete autosaved working copies (editors' unsaved work) and the versions "
        "editors opened, when older than NEWSROOM_WORKING_COPY_MAX_AGE_DAYS "
        "(default 30), and presence nobody refreshed. The scheduled sweep does "
        "the same every minute."
    )

    def handle(self, *args, **options):
        cleared = clear_old()
        self.stdout.write(
            f"{cleared.working_copies} working copies and {cleared.opened_versions} "
            f"opened versions older than {max_age().days} days cleared."
        )
