"""Where webhooks may go, and sending one request there.

A webhook's address must lead to the public internet: loopback, private,
link-local (cloud metadata), unique-local, multicast, reserved and unspecified
addresses are refused, as are IPv6 forms that carry one of those IPv4 addresses
(`::ffff:127.0.0.1`, 6to4, NAT64). This is checked when the webhook is saved and
again when each request connects: the host is resolved once, every address it
gives is checked, and the connection goes to a checked address while the Host
header and TLS name stay the webhook's own. A name that resolved to a public
address when saved and to an internal one later (DNS rebinding) is refused.

Hosts named in NEWSROOM_WEBHOOK_ALLOWED_HOSTS (a receiver the site's owners run
on their own network) are exempt from the address check, nothing else.

The admin is told a status and a short fixed message, never what the receiver
answered, and every failure to connect reads the same, so the delivery log
cannot be used to find out which internal ports are open.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings
from django.core.exceptions import ValidationError

TIMEOUT = httpx.Timeout(10.0)

NOT_PUBLIC = "Refused: the address is not public"
HAS_CREDENTIALS = "Refused: the address carries a user name or password"
NO_ANSWER = "No answer (connection failed)"
FIXED_MESSAGES = {NOT_PUBLIC, HAS_CREDENTIALS, NO_ANSWER}

# IPv6 prefixes that carry an IPv4 address in their last 32 bits.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class NotPublic(Exception):
    """The host resolves to an address webhooks may not reach."""


@dataclass(frozen=True)
class Outcome:
    """What one request came to, as the admin may see it."""

    status: int | None
    message: str
    ms: int | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def is_public(address: Address) -> bool:
    """Whether `address` is on the public internet (and not multicast)."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return is_public(embedded)
    return address.is_global and not (
        address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or address.is_loopback
        or address.is_link_local
        or address.is_private
    )


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    if address.version != 6:
        return None
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _normal_host(host: str) -> str:
    host = host.strip().strip("[]").rstrip(".").lower()
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


def allowed_hosts() -> set[str]:
    """NEWSROOM_WEBHOOK_ALLOWED_HOSTS, each as a URL's host is compared."""
    return {_normal_host(host) for host in settings.NEWSROOM_WEBHOOK_ALLOWED_HOSTS}


def vetted_addresses(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, once; NotPublic if any may not be
    reached. Raises OSError when the name does not resolve."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if _normal_host(host) in allowed_hosts():
        return addresses
    for address in addresses:
        if not is_public(ipaddress.ip_address(address.split("%", 1)[0])):
            raise NotPublic(host)
    return addresses


def check_url(url: str) -> None:
    """Refuse, with a message for the admin, an address webhooks may not use."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise ValidationError("Enter a valid URL.", code="invalid") from None
    if parts.username is not None or parts.password is not None:
        raise ValidationError(
            "Leave the user name and password out of the address: webhooks are "
            "authenticated by their signature.",
            code="credentials",
        )
    host = parts.hostname
    if not host:
        raise ValidationError("Give the receiver's host name.", code="host")
    try:
        vetted_addresses(host, port)
    except NotPublic:
        raise ValidationError(
            "This address is not public (it leads to this machine, a private or "
            "internal network, or a reserved range). Webhooks only go to public "
            "addresses; an internal receiver must be listed in "
            "NEWSROOM_WEBHOOK_ALLOWED_HOSTS by whoever runs the site.",
            code="not_public",
        ) from None
    except (OSError, ValueError, UnicodeError):
        raise ValidationError(
            "The receiver's host name could not be found.", code="host"
        ) from None


class _PublicOnlyNetwork(httpcore.SyncBackend):
    """Connects only to addresses `vetted_addresses` let through."""

    def connect_tcp(
        self, host, port, timeout=None, local_address=None, socket_options=None
    ):
        try:
            addresses = vetted_addresses(host, port)
        except (OSError, UnicodeError) as error:
            raise httpcore.ConnectError(str(error)) from None
        failure: Exception = httpcore.ConnectError("no address")
        for address in addresses:
            try:
                return super().connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        raise failure


class PublicOnlyTransport(httpx.HTTPTransport):
    """httpx's transport, connecting through `_PublicOnlyNetwork`; no proxies."""

    def __init__(self):
        super().__init__(trust_env=False)
        # httpx builds its pool without a way to choose how it connects; this is
        # the same pool with the vetting network in place of plain sockets.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=1,
            network_backend=_PublicOnlyNetwork(),
        )


def post(url: str, content: bytes, headers: dict[str, str]) -> Outcome:
    """POST to `url` if it may be reached; the answer's body is never read."""
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        return Outcome(None, HAS_CREDENTIALS)
    started = time.monotonic()
    try:
        with (
            httpx.Client(
                transport=PublicOnlyTransport(),
                timeout=TIMEOUT,
                follow_redirects=False,
                trust_env=False,
            ) as client,
            client.stream("POST", url, content=content, headers=headers) as response,
        ):
            status = response.status_code
    except NotPublic:
        return Outcome(None, NOT_PUBLIC)
    except (httpx.HTTPError, httpx.InvalidURL):
        # Refused, reset, timed out, TLS failed: one message, so that open and
        # closed ports look alike.
        return Outcome(None, NO_ANSWER)
    return Outcome(status, f"HTTP {status}", round((time.monotonic() - started) * 1000))


def describe(entry: dict) -> str:
    """The fixed message of a logged attempt, whatever older versions stored."""
    if entry.get("error") in FIXED_MESSAGES:
        return entry["error"]
    if entry.get("status"):
        return f"HTTP {entry['status']}"
    return NO_ANSWER
