"""Rebuild the search index of live articles."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles import search
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Index every live article for search afresh. Run after changing "
        "NEWSROOM_SEARCH_LANGUAGE or changing articles by other means (SQL, a "
        "restored backup); the site keeps the index current otherwise."
    )

    def handle(self, *args, **options):
        total = Article.objects.filter(status__in=Article.LIVE_STATUSES).count()
        with tqdm(
            total=total,
            desc="Indexing",
            unit=" stories",
            file=self.stderr._out,  # the bar redraws its own line
            disable=options["verbosity"] < 1,
        ) as bar:
            count = search.rebuild(progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} live articles."))
