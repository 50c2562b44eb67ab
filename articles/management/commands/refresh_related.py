"""Rebuild the index that related-story scoring reads."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.models import Article
from articles.related import rebuild_index


class Command(BaseCommand):
    help = (
        "Rebuild the related-stories index from every article's status, section, "
        "publication time and tags. Run it after changing articles outside the "
        "admin, the importer and the workflow (for example with SQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-progress", action="store_true", help="Hide the progress bar."
        )

    def handle(self, *args, no_progress, **options):
        with tqdm(
            total=Article.objects.count(),
            unit="article",
            disable=no_progress,
            file=self.stderr._out,
        ) as bar:
            written = rebuild_index(progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"Indexed {written} article tags."))
