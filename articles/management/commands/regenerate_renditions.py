"""Make the resized copies of photos again: after a change in how they are made,
a credit corrected for many photos, or lost files; and withdraw those of photos
whose licence has ended."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.models import Photo
from articles.photos.renditions import renditions_are_current, update_renditions


class Command(BaseCommand):
    help = (
        "Make renditions for every photo whose renditions are missing or out of "
        "date (a changed credit or rendition settings), and delete the renditions "
        "of photos whose licence has ended (run it nightly). Each photo is saved as it "
        "is done, so an interrupted run picks up where it stopped when run again. "
        "--all remakes every photo's renditions; resume such a run with "
        "--start-after, as printed when it stops."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Remake the renditions of every photo, even up-to-date ones.",
        )
        parser.add_argument(
            "--start-after",
            type=int,
            default=0,
            metavar="ID",
            help="Skip photos up to and including this id (to resume a run).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count the photos that would get new renditions; change nothing.",
        )

    def handle(self, *args, all: bool, start_after: int, dry_run: bool, **options):
        photos = (
            Photo.objects.filter(pk__gt=start_after)
            .select_related("credit")
            .order_by("pk")
        )
        total = photos.count()
        if dry_run:
            stale = sum(
                1
                for photo in photos.iterator(chunk_size=200)
                if all or not renditions_are_current(photo)
            )
            self.stdout.write(
                f"{stale} of {total} photos would get new renditions (dry run)."
            )
            return
        made, withdrawn, failed, last_done = 0, 0, [], start_after
        progress = tqdm(
            total=total,
            unit="photo",
            desc="Renditions",
            file=self.stderr,
            disable=None if options.get("verbosity", 1) else True,
        )
        try:
            for photo in photos.iterator(chunk_size=200):
                try:
                    withdrawing = photo.is_licence_expired() and photo.renditions
                    if update_renditions(photo, force=all):
                        made += 1
                    elif withdrawing:
                        withdrawn += 1
                except Exception as error:  # one bad file must not stop the run
                    failed.append(photo.pk)
                    progress.write(f"Photo {photo.pk} ({photo.image.name}): {error}")
                last_done = photo.pk
                progress.update()
        except KeyboardInterrupt:
            progress.close()
            raise CommandError(
                f"Stopped after photo {last_done}. Run the same command again to "
                "continue" + (f" (with --start-after {last_done})." if all else ".")
            ) from None
        progress.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Made renditions for {made} photos; withdrew those of {withdrawn} "
                f"whose licence has ended; "
                f"{total - made - withdrawn - len(failed)} were up to date."
            )
        )
        if failed:
            raise CommandError(
                f"{len(failed)} photos failed (ids {', '.join(map(str, failed))}): "
                "replace their files in the admin."
            )
