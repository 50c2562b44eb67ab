"""Webhooks: signed JSON events for registered URLs when articles are published,
updated or unpublished (see docs/webhooks.md).

- `events`: which workflow events become which webhook events, and their bodies.
- `signing`: the Standard Webhooks signature (HMAC-SHA256 over id, time and body).
- `delivery`: queueing, sending in the background, retries with back-off.
- `outgoing`: which addresses webhooks may reach, and sending one request there.
"""
