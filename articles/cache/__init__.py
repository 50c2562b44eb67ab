"""The full-page cache for readers, and the HTTP caching headers of public pages.

- `generation`: the site-wide content generation every process shares, changed
  when a change readers could see commits, and the next time-based change.
- `store`: reading and writing the shared page cache without ever failing a page.
- `middleware`: which requests are served from the cache; ETag, 304,
  Cache-Control and Vary; `private, no-store` for staff.
- `public_page`: marks the views whose anonymous GETs may be cached.
- `fragments`: what many pages read (navigation, home lists, related stories),
  kept for the generation so that a page missing the cache reads only its own rows.
- `copies`: on Redis, each process's copies of what it read, dropped as soon as a
  new generation is announced.

A page is cached under its address and remembered with the generation and the
time-based epoch it was rendered in; it is served only while both still hold, so
a change shows on the next request in the process that made it, and in every
other once the new generation is announced (at once without copies).
"""

from articles.cache.middleware import public_page

__all__ = ["public_page"]
