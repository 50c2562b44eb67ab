"""Start-up checks that refuse an unsafe production configuration.

Settings are read from the environment; with DEBUG off a forgotten variable must
stop the process at once, naming the variable, rather than serve with the
development key or answer every host.
"""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# The key settings.py falls back to when DJANGO_SECRET_KEY is not set.
DEVELOPMENT_SECRET_KEY = "django-insecure-local-development-key-change-me"
MIN_SECRET_KEY_LENGTH = 50


def require_production_settings(*, secret_key: str, allowed_hosts: list[str]) -> None:
    """Raise ImproperlyConfigured, naming the variable, for each unsafe value."""
    problems = []
    if not os.environ.get("DJANGO_SECRET_KEY"):
        problems.append("DJANGO_SECRET_KEY is not set")
    elif secret_key == DEVELOPMENT_SECRET_KEY or secret_key.startswith(
        "django-insecure"
    ):
        problems.append("DJANGO_SECRET_KEY is the development key")
    elif len(secret_key) < MIN_SECRET_KEY_LENGTH or len(set(secret_key)) < 5:
        problems.append(
            f"DJANGO_SECRET_KEY is too short or too simple (at least "
            f"{MIN_SECRET_KEY_LENGTH} random characters)"
        )
    if not allowed_hosts:
        problems.append(
            "DJANGO_ALLOWED_HOSTS is empty (list the site's host names, "
            "comma-separated)"
        )
    elif "*" in allowed_hosts:
        problems.append("DJANGO_ALLOWED_HOSTS must name the hosts, not '*'")
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start with DJANGO_DEBUG off: "
            + "; ".join(problems)
            + ". See SECURITY.md, 'Production checklist'."
        )


def media_origin(media_url: str) -> list[str]:
    """The origin uploads are served from, when it is not the site's own."""
    parts = urlsplit(media_url)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []
