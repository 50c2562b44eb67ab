"""Clear unsaved work older than NEWSROOM_WORKING_COPY_MAX_AGE_DAYS."""

from django.core.management.base import BaseCommand

from articles.working_copies import (
    clear_old_working_copies,
    count_old_working_copies,
    max_age,
)


class Command(BaseCommand):
    help = (
        "Delete autosaved working copies (editors' unsaved work) and the versions "
        "editors opened, when older than NEWSROOM_WORKING_COPY_MAX_AGE_DAYS "
        "(default 30), and presence nobody refreshed. The scheduled sweep does "
        "the same every minute."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say how many would be cleared, and clear nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            found = count_old_working_copies()
            done = "would be cleared (dry run)"
        else:
            found = clear_old_working_copies()
            done = "cleared"
        self.stdout.write(
            f"{found.working_copies} working copies and {found.opened_versions} "
            f"opened versions older than {max_age().days} days {done}."
        )
