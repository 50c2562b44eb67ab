"""Readers' addresses of articles, sections and authors, each worked out once.

A list page links every card to its article and section, so the home page alone
made some fifty `reverse()` calls, a fifth of its rendering time. An address
depends only on the URL configuration, the script prefix and its arguments, so
each is kept per process, under those (a bounded number of them).
"""

from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse


def permanent_id(article, host: str) -> str:
    """A `tag:` URI naming the article for good: unchanged when its slug or
    section changes (feeds' entry ids, ninjs `uri`)."""
    minted = article.first_published_at or article.publish_at
    return f"tag:{host},{minted:%Y-%m-%d}:article-{article.pk}"


def address(name: str, *args: str) -> str:
    """`reverse(name, args=args)`, remembered."""
    return _reversed(
        settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), name, args
    )


@lru_cache(maxsize=50_000)
def _reversed(root_urlconf, urlconf, prefix, name, args) -> str:
    return reverse(name, args=args, urlconf=urlconf)


def _forget(**kwargs) -> None:
    _reversed.cache_clear()


setting_changed.connect(_forget, dispatch_uid="articles.site.addresses.forget")
