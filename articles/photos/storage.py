"""Storing photos: the picture file and its renditions, all or nothing."""

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from articles.edge import keys as edge_keys
from articles.models import Photo
from articles.photos.originals import original_storage
from articles.photos.renditions import (
    RENDITIONS_FOLDER,
    delete_files,
    rendition_names,
    renditions_are_current,
    update_renditions,
)
from articles.photos.validation import PreparedImage
from articles.signals import announce_content_changed
from articles.tasks import renditions_later


class DuplicatePicture(Exception):
    """The picture is already in the library (found when the database said so)."""

    def __init__(self, photo: Photo | None):
        self.photo = photo
        known = f" as photo {photo.pk} (“{photo}”)" if photo else ""
        super().__init__(
            f"This picture is already in the library{known}; use that one."
        )


def attach_image(photo: Photo, prepared: PreparedImage) -> str:
    """Store a prepared picture as the photo's file; return the stored name."""
    photo.image.save(prepared.name, ContentFile(prepared.content), save=False)
    photo.sha256 = prepared.sha256
    photo.width, photo.height = prepared.width, prepared.height
    return photo.image.name


def save_photo(
    photo: Photo, prepared: PreparedImage | None = None, *, renditions_now=False
) -> None:
    """Save `photo` (with a new picture when `prepared` is given), all or
    nothing: on any failure no new file is left behind. Its renditions are made
    by a background task, or before this returns with `renditions_now` (an
    upload from the admin: readers never meet the photo without them); until
    new ones are ready pages show the previous renditions, or leave the photo
    out."""
    save_photos([(photo, prepared)], renditions_now=renditions_now)


def save_photos(
    batch: list[tuple[Photo, PreparedImage | None]], *, renditions_now=False
) -> None:
    """Save several photos as `save_photo` does, all or none of them.

    Raises DuplicatePicture when another upload of the same picture got into
    the library first (the forms check, but two uploads can pass together).
    """
    written: list[str] = []
    replaced: list[str] = []
    try:
        with transaction.atomic():
            for photo, prepared in batch:
                if prepared is not None:
                    if photo.pk and photo.image:
                        replaced.append(photo.image.name)
                    written.append(attach_image(photo, prepared))
                try:
                    with transaction.atomic():
                        photo.save()
                except IntegrityError:
                    taken = _taken(photo) if photo.sha256 else None
                    if taken is None:
                        raise
                    raise DuplicatePicture(taken) from None
                if renditions_now:
                    written += update_renditions(photo)
                elif not renditions_are_current(photo):
                    renditions_later([photo])
            shown = edge_keys.for_photos(photo.pk for photo, _ in batch)
            announce_content_changed(Photo, keys=shown)
    except BaseException:
        delete_stored_files(written)
        raise
    transaction.on_commit(lambda: delete_stored_files(replaced))


def store_picture_once(
    prepared: PreparedImage, new_photo: Callable[[], Photo]
) -> tuple[Photo, bool]:
    """The library's photo of this picture, or `new_photo()` saved with it; and
    whether the library had it. When another process stores the same picture at
    the same moment, both end with the one photo that got in first."""
    known = Photo.objects.filter(sha256=prepared.sha256).first()
    if known is not None:
        return known, True
    photo = new_photo()
    try:
        save_photo(photo, prepared)
    except DuplicatePicture as taken:
        if taken.photo is None:
            raise
        return taken.photo, True
    return photo, False


def _taken(photo: Photo) -> Photo | None:
    return Photo.objects.filter(sha256=photo.sha256).exclude(pk=photo.pk).first()


def delete_stored_files(names: list[str]) -> None:
    """Delete files written for photos: renditions and originals alike."""
    delete_files(default_storage, [n for n in names if _is_rendition(n)])
    delete_files(original_storage(), [n for n in names if not _is_rendition(n)])


def _is_rendition(name: str) -> bool:
    return name.startswith(RENDITIONS_FOLDER)


def delete_photo_files(photo: Photo) -> None:
    """Remove a deleted photo's file and renditions once the deletion commits."""
    names = [photo.image.name, *rendition_names(photo.renditions or {})]
    transaction.on_commit(lambda: delete_stored_files(names))
    announce_content_changed(Photo, keys=edge_keys.for_photos([photo.pk]))


# Stragglers: a process killed while its transaction was open wrote picture files
# that no row refers to (its rows were rolled back with it). Such a file is
# deleted once it is older than every transaction still open, which is when no
# transaction can commit a row for it any more; the margin covers the clocks of
# the database and the storage.
STRAGGLER_MARGIN = timedelta(minutes=1)
ORIGINALS_FOLDER = "photos"


def delete_stragglers() -> list[str]:
    """Delete the originals no photo refers to that no open transaction can
    still claim; return their names. Call it inside a transaction."""
    storage = original_storage()
    cutoff = _oldest_open_transaction_start() - STRAGGLER_MARGIN
    referenced = set(Photo.objects.values_list("image", flat=True))
    stragglers = [
        name
        for name in _walk(storage, ORIGINALS_FOLDER)
        if name not in referenced and storage.get_modified_time(name) < cutoff
    ]
    delete_files(storage, stragglers)
    return stragglers


def _oldest_open_transaction_start() -> datetime:
    """When the oldest transaction other than this one began (now if none)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Measured on the database's clock, applied to ours.
            cursor.execute(
                "SELECT coalesce(extract(epoch FROM clock_timestamp() - "
                "min(xact_start)), 0) FROM pg_stat_activity WHERE datname = "
                "current_database() AND pid <> pg_backend_pid()"
            )
            (age,) = cursor.fetchone()
        return timezone.now() - timedelta(seconds=float(max(age, 0)))
    # SQLite: a transaction here holds the database's write lock from its start
    # (transaction_mode IMMEDIATE), so no other is open while this one is.
    if not connection.in_atomic_block:
        raise RuntimeError("Look for stragglers inside a transaction.")
    return timezone.now()


def _walk(storage, folder: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}")
