"""Signatures in the Standard Webhooks form (https://www.standardwebhooks.com/).

    webhook-id:        the delivery's id, the same on every retry
    webhook-timestamp: seconds since 1970 when this attempt was sent
    webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">

The key is the base64 part of the webhook's `whsec_…` secret. Receivers can check
it with any Standard Webhooks library, or the four lines in docs/webhooks.md.
Written here rather than taken from a library: signing is one HMAC, and the
receiving side is where a library helps.
"""

import base64
import hashlib
import hmac


def signing_key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def signature(secret: str, message_id: str, timestamp: int, body: str) -> str:
    signed = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, timestamp: int, body: str) -> dict:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }
