"""Serving photo renditions to readers, in production as in development.

Only `MEDIA_ROOT/renditions/` is served: the resized, metadata-stripped copies
pages link to. Their names change with every generation (see `renditions.py`),
so each file may be cached for ever by browsers and a CDN. Original uploads are
never served from here.
"""

from pathlib import Path

from django.conf import settings
from whitenoise.base import WhiteNoise
from whitenoise.middleware import WhiteNoiseMiddleware

RENDITIONS_DIR = "renditions"


class RenditionFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise over the renditions folder, looking files up on each request
    (renditions are made while the site runs, after WhiteNoise's start-up scan),
    with `Cache-Control: public, max-age=<ten years>, immutable`."""

    def __init__(self, get_response=None):
        self.get_response = get_response
        WhiteNoise.__init__(
            self,
            application=None,
            autorefresh=True,
            immutable_file_test=lambda path, url: True,
        )
        self.use_finders = False
        self.static_prefix = f"{settings.MEDIA_URL.rstrip('/')}/{RENDITIONS_DIR}/"
        self.add_files(
            Path(settings.MEDIA_ROOT) / RENDITIONS_DIR, prefix=self.static_prefix
        )

    def __call__(self, request):
        if not request.path_info.startswith(self.static_prefix):
            return self.get_response(request)
        return super().__call__(request)
