"""Readers' pages: served from the shared cache, with ETag, 304 and CDN headers.

Only GET and HEAD requests without a session cookie are readers' requests. Their
responses from views marked with `public_page` get a strong ETag, a 304 when the
browser or CDN already has them, `Cache-Control: public` with a short max-age
and stale-while-revalidate, and `Vary: Cookie`; with NEWSROOM_PAGE_CACHE on they
are also kept in the shared cache. A request with a session cookie is never
served from the cache and, once its user turns out to be logged in, is answered
`private, no-store`, as are previews (which are never marked public).
"""

from __future__ import annotations

import hashlib
import math
import time
from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)

from articles.cache import generation, store

READER_METHODS = ("GET", "HEAD")
CACHEABLE_STATUSES = (200, 301)
STATUS_HEADER = "X-Page-Cache"


def public_page(view):
    """Mark a view's responses as the same for every anonymous reader."""

    @wraps(view)
    def marked(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_page = True
        return response

    return marked


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_reader_request(request):
            response = self.get_response(request)
            if is_staff(request):
                patch_cache_control(response, private=True, no_store=True)
            return response
        if not settings.NEWSROOM_PAGE_CACHE:
            response = self.get_response(request)
            if is_public(response):
                add_public_headers(response, until=generation.NEVER)
                response[STATUS_HEADER] = "off"
                return conditional(request, response)
            return response
        key = page_key(request)
        found = store.get_many([generation.GENERATION_KEY, key])
        current = (
            generation.read(found.get(generation.GENERATION_KEY))
            if found is not None
            else None
        )
        epoch = generation.epochs.current(current) if current else generation.NEVER
        entry = found.get(key) if current else None
        if entry and entry["generation"] == current and entry["epoch"] == epoch:
            return conditional(request, cached_response(entry, epoch), hit=True)
        response = self.get_response(request)
        if not is_public(response):
            return response
        add_public_headers(response, until=epoch)
        if current and can_store(response):
            entry = {
                "generation": current,
                "epoch": epoch,
                "status": response.status_code,
                "headers": list(response.items()),
                "content": response.content,
            }
            store.set(key, entry, timeout=settings.NEWSROOM_PAGE_CACHE_SECONDS)
        response[STATUS_HEADER] = "miss" if current else "unavailable"
        return conditional(request, response)


def is_reader_request(request) -> bool:
    return (
        request.method in READER_METHODS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def is_staff(request) -> bool:
    """Whether a logged-in user made the request (their session was loaded)."""
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def is_public(response) -> bool:
    return getattr(response, "public_page", False) and (
        response.status_code in CACHEABLE_STATUSES
    )


def can_store(response) -> bool:
    return not response.cookies and not response.streaming


def page_key(request) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "page:" + hashlib.md5(address.encode(), usedforsecurity=False).hexdigest()


def add_public_headers(response, *, until: float) -> None:
    """Cache-Control for browsers and a CDN; never fresh past the next change."""
    max_age = settings.NEWSROOM_PAGE_MAX_AGE
    if until != generation.NEVER:
        max_age = max(0, min(max_age, math.floor(until - time.time())))
    patch_cache_control(
        response,
        public=True,
        max_age=max_age,
        stale_while_revalidate=settings.NEWSROOM_PAGE_STALE_WHILE_REVALIDATE,
    )
    patch_vary_headers(response, ["Cookie"])
    if not response.has_header("ETag"):
        set_response_etag(response)


def cached_response(entry: dict, epoch: float) -> HttpResponse:
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    if epoch != generation.NEVER:  # max-age counts down to the next change
        del response["Cache-Control"]
        add_public_headers(response, until=epoch)
    return response


def conditional(request, response, *, hit: bool = False):
    """The response, or a 304 when the client's copy (If-None-Match) is current."""
    if hit:
        response[STATUS_HEADER] = "hit"
    return (
        get_conditional_response(request, etag=response.get("ETag"), response=response)
        or response
    )
