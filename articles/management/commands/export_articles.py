"""Export every article to a JSON file in the Newsroom interchange format."""

from pathlib import Path

from django.core.management.base import BaseCommand

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
        count = export_articles(file)
        self.stdout.write(self.style.SUCCESS(f"Exported {count} articles to {file}."))
