"""Where photos are kept as uploaded: a storage without public addresses.

Readers only ever get renditions, which live in the default storage under
`renditions/` (MEDIA_ROOT, served at MEDIA_URL). The originals live in
`NEWSROOM_PHOTO_ORIGINALS_ROOT`, outside that tree, so an expired photo's picture
cannot be downloaded by anyone who kept its address. Staff reach an original
through the photo library (articles/admin/photos.py).
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.functional import cached_property


class OriginalsStorage(FileSystemStorage):
    """A folder on disk that has no URL."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(
            self._location, settings.NEWSROOM_PHOTO_ORIGINALS_ROOT
        )

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "NEWSROOM_PHOTO_ORIGINALS_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError(
            "A photo's original has no public address; link one of its renditions."
        )


def original_storage():
    """The storage of `Photo.image` (STORAGES["photo_originals"])."""
    return storages["photo_originals"]
