"""How each edge is told to drop pages by key (NEWSROOM_PURGER).

- `varnish`: an HTTP `PURGE` to every instance in NEWSROOM_VARNISH_URLS, the
  keys in the `xkey-softpurge` header (or `xkey-purge` for a hard purge), as
  `deploy/varnish/default.vcl` reads them.
- `fastly`: the purge-by-key API, `POST /service/{id}/purge` with the keys in
  `Surrogate-Key`, authenticated by `Fastly-Key`; `Fastly-Soft-Purge: 1`
  marks them stale instead of dropping them.
- `cloudflare`: `POST /client/v4/zones/{zone}/purge_cache` with `{"tags": [...]}`.
- `none`: nothing is sent.

Each sends its keys in batches no larger than its edge accepts and raises
`PurgeFailed` unless every request was answered with a 2xx.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
from django.conf import settings

log = logging.getLogger("articles.edge")

TIMEOUT = httpx.Timeout(10.0, connect=3.0)
# Varnish reads request headers of up to 8 KB by default (http_req_hdr_len).
VARNISH_HEADER_BYTES = 6_000
# Fastly's purge-by-key API takes up to 256 keys a request; Cloudflare's
# purge by tag, 30 tags a request.
FASTLY_KEYS_PER_REQUEST = 256
CLOUDFLARE_TAGS_PER_REQUEST = 30


class PurgeFailed(Exception):
    pass


def batches_by_count(keys: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


def batches_by_bytes(keys: list[str], limit: int) -> Iterator[list[str]]:
    batch: list[str] = []
    size = 0
    for key in keys:
        extra = len(key) + 1
        if batch and size + extra > limit:
            yield batch
            batch, size = [], 0
        batch.append(key)
        size += extra
    if batch:
        yield batch


def _check(response: httpx.Response, where: str) -> None:
    if not response.is_success:
        raise PurgeFailed(f"{where} answered {response.status_code}")


def _send(method: str, url: str, **options) -> httpx.Response:
    try:
        return httpx.request(method, url, timeout=TIMEOUT, **options)
    except httpx.HTTPError as error:
        raise PurgeFailed(f"{url}: {error!r}") from error


class Purger:
    name = "none"

    def purge(self, keys: list[str], *, soft: bool) -> int:
        """Send the purges; the number of requests made."""
        return 0


class VarnishPurger(Purger):
    name = "varnish"

    def purge(self, keys, *, soft):
        header = "xkey-softpurge" if soft else "xkey-purge"
        sent = 0
        failures = []
        for base in settings.NEWSROOM_VARNISH_URLS:
            for batch in batches_by_bytes(keys, VARNISH_HEADER_BYTES):
                try:
                    response = _send(
                        "PURGE", base + "/", headers={header: " ".join(batch)}
                    )
                    _check(response, base)
                except PurgeFailed as error:
                    failures.append(str(error))
                    break  # the next instance still gets its purges
                sent += 1
        if failures:
            raise PurgeFailed("; ".join(failures))
        return sent


class FastlyPurger(Purger):
    name = "fastly"

    def purge(self, keys, *, soft):
        url = (
            f"{settings.NEWSROOM_FASTLY_API_URL}/service/"
            f"{settings.NEWSROOM_FASTLY_SERVICE_ID}/purge"
        )
        sent = 0
        for batch in batches_by_count(keys, FASTLY_KEYS_PER_REQUEST):
            headers = {
                "Fastly-Key": settings.NEWSROOM_FASTLY_API_TOKEN,
                "Surrogate-Key": " ".join(batch),
                "Accept": "application/json",
            }
            if soft:
                headers["Fastly-Soft-Purge"] = "1"
            _check(_send("POST", url, headers=headers), "Fastly")
            sent += 1
        return sent


class CloudflarePurger(Purger):
    name = "cloudflare"

    def purge(self, keys, *, soft):
        url = (
            f"{settings.NEWSROOM_CLOUDFLARE_API_URL}/client/v4/zones/"
            f"{settings.NEWSROOM_CLOUDFLARE_ZONE_ID}/purge_cache"
        )
        headers = {"Authorization": f"Bearer {settings.NEWSROOM_CLOUDFLARE_API_TOKEN}"}
        sent = 0
        for batch in batches_by_count(keys, CLOUDFLARE_TAGS_PER_REQUEST):
            _check(
                _send("POST", url, headers=headers, json={"tags": batch}), "Cloudflare"
            )
            sent += 1
        return sent


PURGERS = {
    purger.name: purger
    for purger in (Purger, VarnishPurger, FastlyPurger, CloudflarePurger)
}


def configured() -> Purger:
    return PURGERS[settings.NEWSROOM_PURGER]()
