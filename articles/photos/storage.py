"""Storing photos: the picture file and its renditions, all or nothing."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from articles.edge import keys as edge_keys
from articles.models import Photo
from articles.photos.originals import original_storage
from articles.photos.renditions import (
    RENDITIONS_FOLDER,
    delete_files,
    rendition_names,
    renditions_are_current,
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


def save_photo(photo: Photo, prepared: PreparedImage | None = None) -> None:
    """Save `photo` (with a new picture when `prepared` is given), all or
    nothing: on any failure no new file is left behind. Its renditions are made
    by a background task; until they are ready pages show the stored file."""
    save_photos([(photo, prepared)])


def save_photos(batch: list[tuple[Photo, PreparedImage | None]]) -> None:
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
                if not renditions_are_current(photo):
                    renditions_later([photo])
            shown = edge_keys.for_photos(photo.pk for photo, _ in batch)
            announce_content_changed(Photo, keys=shown)
    except BaseException:
        delete_stored_files(written)
        raise
    transaction.on_commit(lambda: delete_stored_files(replaced))


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
