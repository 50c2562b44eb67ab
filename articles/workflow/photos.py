"""Deleting photos from the library.

A photo any story uses (hero, body, or pending changes) stays. The uses are read
with the photos locked, and a save that places a photo locks it too (see
`editing.check_edit`): a story saved while its photo is being deleted either
keeps the photo or is refused, never left without its picture.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from articles.models import Photo
from articles.photos.usage import deletion_blockers
from articles.workflow.permissions import User, require
from articles.workflow.rules import InvalidTransition


class PhotoInUse(InvalidTransition):
    """A story uses the photo: deleting it would break the story."""


def delete_photos(photos: Iterable[Photo], *, by: User) -> int:
    """Delete the photos, all or none; how many were deleted."""
    require(by.has_perm("articles.delete_photo"), "You may not delete photos.")
    with transaction.atomic():
        locked = list(
            Photo.objects.select_for_update()
            .filter(pk__in=[photo.pk for photo in photos])
            .order_by("pk")
        )
        if blockers := deletion_blockers(locked):
            names = "; ".join(
                f"“{use.article.headline}” ({use.where})" for use in blockers
            )
            raise PhotoInUse(f"Nothing was deleted: stories use it now: {names}.")
        for photo in locked:
            photo.delete()
    return len(locked)
