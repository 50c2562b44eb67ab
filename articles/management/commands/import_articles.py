"""Import articles from a JSON file in the Newsroom interchange format."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from articles.background.queue import has_worker
from articles.interchange import InterchangeError, import_articles


class DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Import articles from FILE.json (see docs/interchange.md). Articles are "
        "matched by slug, so importing twice updates instead of duplicating. "
        "Nothing is changed if any article in the file is invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file, change nothing."
        )
        parser.add_argument(
            "--allow-rule-breaks",
            action="store_true",
            help="Let in published stories that break today's publishing rules "
            "(such as archive photos without alt text); each is listed and "
            "marked on its admin page as work for editors.",
        )

    def handle(
        self, *args, file: Path, dry_run: bool, allow_rule_breaks: bool, **options
    ):
        bars = []

        def progress(stage: str, total: int):
            if bars:
                bars[-1].close()
            bars.append(
                tqdm(
                    total=total,
                    desc=stage,
                    unit=" stories",
                    file=self.stderr._out,  # the bar redraws its own line
                    disable=options["verbosity"] < 1,
                    dynamic_ncols=True,
                )
            )
            return bars[-1].update

        try:
            with transaction.atomic():
                result = import_articles(
                    file, allow_rule_breaks=allow_rule_breaks, progress=progress
                )
                if dry_run:
                    raise DryRun
        except DryRun:
            self.stdout.write(f"{file} is valid; nothing was changed (dry run).")
            return
        except InterchangeError as error:
            raise CommandError(
                f"{file} was not imported; nothing was changed:\n  "
                + "\n  ".join(error.errors)
            ) from None
        finally:
            for bar in bars:
                bar.close()
        for note in result.notes:
            self.stdout.write(self.style.WARNING(note))
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(result.created) + len(result.updated)} articles "
                f"({len(result.created)} new, {len(result.updated)} updated)."
            )
        )
        if has_worker():
            self.stdout.write("Renditions of new pictures are made by the task worker.")
