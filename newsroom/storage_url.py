"""`DJANGO_STORAGE_URL`: where media are stored, as one URL.

    s3://ACCESS_KEY:SECRET_KEY@BUCKET?endpoint_url=https://s3.example.com
        &region_name=eu-west-1&custom_domain=cdn.example.com&location=media

Every query parameter is an option of django-storages' S3Storage (the values
`true` and `false` become booleans). Renditions (`renditions/…`) get plain,
unsigned URLs a CDN can cache; every name the site writes is new (renditions
carry a token), so they are sent with a one-year immutable Cache-Control. The
photos as uploaded go to `originals/` in the same bucket, private: the bucket's
policy makes only `renditions/*` readable by everyone.
"""

from urllib.parse import parse_qsl, unquote, urlsplit

IMMUTABLE = "public, max-age=31536000, immutable"
STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
S3 = "storages.backends.s3.S3Storage"


def storages_from_url(url: str) -> dict:
    """Django's STORAGES for `url`; the local disk (MEDIA_ROOT) when empty."""
    if not url:
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": STATIC,
            "photo_originals": {
                "BACKEND": "articles.photos.originals.OriginalsStorage"
            },
        }
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname:
        raise ValueError(
            f"DJANGO_STORAGE_URL must look like s3://KEY:SECRET@BUCKET, not {url!r}"
        )
    options = {
        "bucket_name": parts.hostname,
        "access_key": unquote(parts.username or "") or None,
        "secret_key": unquote(parts.password or "") or None,
        "querystring_auth": False,
        "file_overwrite": False,
        "default_acl": None,
        "object_parameters": {"CacheControl": IMMUTABLE},
    }
    for key, value in parse_qsl(parts.query):
        options[key] = {"true": True, "false": False}.get(value.lower(), value)
    location = options.get("location", "").strip("/")
    originals = {
        **options,
        "location": f"{location}/originals" if location else "originals",
        "querystring_auth": True,
        "custom_domain": None,
        "object_parameters": {"CacheControl": "private"},
    }
    return {
        "default": {"BACKEND": S3, "OPTIONS": options},
        "staticfiles": STATIC,
        "photo_originals": {"BACKEND": S3, "OPTIONS": originals},
    }
