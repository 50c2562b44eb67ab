"""Import posts, attachments, categories and tags from a WordPress export (WXR)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.wordpress.importer import WordPressImport
from articles.wordpress.wxr import WxrError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools → Export in WordPress): posts with their "
        "status, dates, authors, categories (the first becomes the section) and "
        "tags; attachments as photos; old permalinks as redirects. Pages, menu "
        "items and comments are skipped and counted. Safe to run again: what was "
        "imported before is left as it is, so an interrupted import continues."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="The WordPress .xml export.")
        parser.add_argument(
            "--media",
            type=Path,
            help="Folder holding the uploads (wp-content/uploads or its YYYY/MM "
            "folders); default: the export's folder. Missing files are reported.",
        )
        parser.add_argument(
            "--allow-rule-breaks",
            action="store_true",
            help="Let in published posts that break today's publishing rules "
            "(such as photos without alt text or credit); each is listed and "
            "marked on its admin page as work for editors.",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Hide the progress bars."
        )

    def handle(self, *args, export, media, allow_rule_breaks, no_progress, **options):
        if media is not None and not media.is_dir():
            raise CommandError(f"{media} is not a folder.")
        run = WordPressImport(
            export,
            media_dir=media,
            allow_rule_breaks=allow_rule_breaks,
            progress=not no_progress,
        )
        try:
            summary = run.run()
        except WxrError as error:
            raise CommandError(str(error)) from None
        for line in summary.lines():
            self.stdout.write(line)
