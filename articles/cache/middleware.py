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
from articles.edge import keys as edge_keys

READER_METHODS = ("GET", "HEAD")
CACHEABLE_STATUSES = (200, 301)
STATUS_HEADER = "X-Page-Cache"
# A request finding another rendering its page waits this long for it.
RENDER_WAIT_SECONDS = 2.0
RENDER_POLL_SECONDS = 0.02
RENDER_LOCK_SECONDS = 10


def public_page(view):
    """Mark a view's responses as the same for every anonymous reader, naming
    what they show in the surrogate key header (`articles.edge.keys`), which is
    stored with the page like every header."""

    @wraps(view)
    def marked(request, *args, **kwargs):
        with edge_keys.collecting() as shown:
            response = view(request, *args, **kwargs)
            if not getattr(response, "is_rendered", True):
                response.render()  # what it shows is noted as it renders
        response.public_page = True
        if "no-store" not in response.get("Cache-Control", ""):  # not a preview
            edge_keys.add_to(response, [*edge_keys.of_address(request), *shown])
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
                del response[edge_keys.header_name()]
            return response
        if not settings.NEWSROOM_PAGE_CACHE:
            response = self.get_response(request)
            if is_public(response):
                add_public_headers(response, until=generation.NEVER)
                response[STATUS_HEADER] = "off"
                return conditional(request, response)
            return response
        return self.cached(request)

    def cached(self, request):
        key = page_key(request)
        current, epoch, entry = generation.current_with(key, is_current)
        if current is None:
            return self.render(request, key, None, generation.NEVER)
        if is_current(entry, current, epoch):
            return conditional(request, cached_response(entry, epoch), hit=True)
        # One request renders the page; others asking for it meanwhile wait for
        # it rather than render it too (a new generation makes every page miss).
        lock = f"{key}:rendering"
        if not store.add(lock, 1, timeout=RENDER_LOCK_SECONDS):
            entry = wait_for_render(key, lock, current, epoch)
            if entry is not None:
                return conditional(request, cached_response(entry, epoch), hit=True)
            return self.render(request, key, current, epoch)
        try:
            return self.render(request, key, current, epoch)
        finally:
            store.delete(lock)

    def render(self, request, key, current, epoch):
        response = self.get_response(request)
        if not is_public(response):
            return response
        add_public_headers(response, until=epoch)
        if current and can_store(response) and generation.is_fresh_for(current):
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


def is_current(entry, current: str, epoch: float) -> bool:
    return bool(entry) and entry["generation"] == current and entry["epoch"] == epoch


def wait_for_render(key: str, lock: str, current: str, epoch: float):
    """The entry another request is rendering, once stored; None if it does not
    come (the page is not cacheable, or the renderer is slow or gone)."""
    deadline = time.monotonic() + RENDER_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(RENDER_POLL_SECONDS)
        found = store.get_many([key, lock])
        if found is None:
            return None
        if is_current(found.get(key), current, epoch):
            return found[key]
        if lock not in found:
            return None
    return None


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
    edge_keys.add_edge_lifetime(response, until=until)
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
