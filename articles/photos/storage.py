"""Storing photos: the picture file and its renditions, all or nothing."""

from django.core.files.base import ContentFile
from django.db import transaction

from articles.models import Photo
from articles.photos.renditions import (
    delete_files,
    rendition_names,
    renditions_are_current,
)
from articles.photos.validation import PreparedImage
from articles.tasks import renditions_later


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
    """Save several photos as `save_photo` does, all or none of them."""
    written: list[str] = []
    replaced: list[str] = []
    storage = Photo.image.field.storage
    try:
        with transaction.atomic():
            for photo, prepared in batch:
                if prepared is not None:
                    if photo.pk and photo.image:
                        replaced.append(photo.image.name)
                    written.append(attach_image(photo, prepared))
                photo.save()
                if not renditions_are_current(photo):
                    renditions_later([photo])
    except BaseException:
        delete_files(storage, written)
        raise
    transaction.on_commit(lambda: delete_files(storage, replaced))


def delete_photo_files(photo: Photo) -> None:
    """Remove a deleted photo's file and renditions once the deletion commits."""
    storage = photo.image.storage
    names = [photo.image.name, *rendition_names(photo.renditions or {})]
    transaction.on_commit(lambda: delete_files(storage, names))
