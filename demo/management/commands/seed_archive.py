"""Fill the site with a large synthetic archive, for load tests and benchmarks."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from demo.archive import seed_archive


class Command(BaseCommand):
    help = (
        "Add N synthetic articles tagged from a vocabulary of T tags whose "
        "frequencies are skewed like a real newsroom's (a few tags on a third of "
        "everything, a long tail on a handful each). Adds to what is there."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True)
        parser.add_argument("--tags", type=int, required=True)
        parser.add_argument(
            "--years", type=int, default=10, help="How far back the archive goes."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed.")
        parser.add_argument(
            "--no-progress", action="store_true", help="Hide the progress bar."
        )

    def handle(self, *args, articles, tags, years, seed, no_progress, **options):
        if articles < 1 or tags < 1 or years < 1:
            raise CommandError("--articles, --tags and --years must be at least 1.")
        with tqdm(
            total=articles,
            unit="article",
            disable=no_progress,
            file=self.stderr._out,
        ) as bar:
            result = seed_archive(
                articles, tags, years=years, seed=seed, progress=bar.update
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {result.articles} articles tagged from {result.tags} tags."
            )
        )
