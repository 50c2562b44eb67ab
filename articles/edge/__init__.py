"""The edge: a CDN or Varnish in front of the site, told exactly what changed.

- `keys.py`: the surrogate keys a public response names (its header) and the
  keys a change affects.
- `purging.py`: a change's keys are written in its transaction as a purge task,
  sent after the commit (and by the worker, should this process stop first),
  retried with back-off; the last failure is shown on `/healthz`.
- `purgers.py`: how each edge is told (`NEWSROOM_PURGER`): Varnish with xkey,
  Fastly, Cloudflare, or none.
"""
