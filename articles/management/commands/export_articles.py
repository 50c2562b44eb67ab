"""Export every article to a JSON file in the Newsroom interchange format."""

from pathlib import Path

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.interchange import export_articles


class Command(BaseCommand):
    help = (
        "Write all articles to FILE.json (see docs/interchange.md), with their hero "
        "photos copied into a photos/ folder beside it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        file.parent.mkdir(parents=True, exist_ok=True)
        bar = None

        def progress(stage: str, total: int):
            nonlocal bar
            bar = tqdm(
                total=total,
                desc=stage,
                unit=" stories",
                file=self.stderr._out,  # the bar redraws its own line
                disable=options["verbosity"] < 1,
            )
            return bar.update

        try:
            count = export_articles(file, progress)
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(self.style.SUCCESS(f"Exported {count} articles to {file}."))
