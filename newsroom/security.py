"""Checks that refuse to serve an unsafe production configuration.

Settings are read from the environment; with DEBUG off a forgotten variable must
stop the web server at once, naming the variable, rather than serve with the
development key or answer every host (`refuse_to_serve_unsafely`, called by
`newsroom/wsgi.py`). `manage.py check --deploy` reports the same problems.
Management commands (migrations, imports, checks) run without them: they serve
no one, and a developer's `manage.py check` needs no production secret.
"""

import os
from urllib.parse import urlsplit

from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

# The key settings.py falls back to when DJANGO_SECRET_KEY is not set.
DEVELOPMENT_SECRET_KEY = "django-insecure-local-development-key-change-me"
MIN_SECRET_KEY_LENGTH = 50


def production_problems(*, secret_key: str, allowed_hosts: list[str]) -> list[str]:
    """What is unsafe about these settings for serving with DEBUG off, each
    naming its variable."""
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
    return problems


def refusal(problems: list[str]) -> str:
    return (
        "Refusing to start with DJANGO_DEBUG off: "
        + "; ".join(problems)
        + ". See SECURITY.md, 'Production checklist'."
    )


def refuse_to_serve_unsafely() -> None:
    """Raise ImproperlyConfigured, naming each variable, before the web server
    serves anyone with DEBUG off and an unsafe setting."""
    from django.conf import settings

    if settings.DEBUG:
        return
    problems = production_problems(
        secret_key=settings.SECRET_KEY, allowed_hosts=settings.ALLOWED_HOSTS
    )
    if problems:
        raise ImproperlyConfigured(refusal(problems))


@register(Tags.security, deploy=True)
def check_production_settings(app_configs=None, **kwargs) -> list[Error]:
    """`manage.py check --deploy`: what would stop the web server."""
    from django.conf import settings

    if settings.DEBUG:
        return []
    problems = production_problems(
        secret_key=settings.SECRET_KEY, allowed_hosts=settings.ALLOWED_HOSTS
    )
    return [Error(refusal(problems), id="newsroom.E001")] if problems else []


def media_origin(media_url: str) -> list[str]:
    """The origin uploads are served from, when it is not the site's own."""
    parts = urlsplit(media_url)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []
