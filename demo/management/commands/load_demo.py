"""Load the demo articles into an empty site."""

from pathlib import Path

from django.core.management.base import BaseCommand

from articles.interchange import import_articles
from articles.models import Article

DEMO_FILE = Path(__file__).resolve().parents[2] / "articles.json"


class Command(BaseCommand):
    help = (
        "Import the demo articles when the site has no articles yet; an existing "
        "site is left as it is."
    )

    def handle(self, *args, **options):
        if Article.objects.exists():
            self.stdout.write("Articles exist already; demo content not loaded.")
            return
        result = import_articles(DEMO_FILE)
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {len(result.created)} demo articles.")
        )
