"""gunicorn settings for Newsroom (read by `gunicorn -c gunicorn.conf.py`).

    gunicorn -c gunicorn.conf.py newsroom.wsgi     # what `make serve` runs

Every value can be changed from the environment without editing this file:

- NEWSROOM_BIND (127.0.0.1:8000): the address to listen on; behind nginx or a
  load balancer, keep it on loopback or a private network.
- WEB_CONCURRENCY (2 x CPUs + 1): worker processes.
- NEWSROOM_THREADS (1): threads per worker; 1 means plain sync workers.
- NEWSROOM_TIMEOUT (30): seconds before a stuck worker is replaced.
- NEWSROOM_ACCESS_LOG (- for stdout): the access log file, empty for none.
- NEWSROOM_FORWARDED_ALLOW_IPS (127.0.0.1): proxies trusted for X-Forwarded-*.

Workers are separate processes, so everything they share (the page cache and
its content generation) lives in Redis or, on one machine without Redis, in a
folder (see CACHES in newsroom/settings.py). Put a proxy (nginx) in front for
TLS and slow clients; it must pass X-Forwarded-Proto.
"""

import multiprocessing
import os

bind = os.environ.get("NEWSROOM_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("NEWSROOM_THREADS", "1"))
timeout = int(os.environ.get("NEWSROOM_TIMEOUT", "30"))
# Connections from the proxy are kept open between requests.
keepalive = 5
# Workers are restarted now and then, so a slow leak never grows unbounded: at a
# spike's thousands of requests a second, every minute or so. The jitter spreads
# the restarts of workers started together, since a worker is replaced only up to
# a second after it exits and its share of requests queues meanwhile.
max_requests = 50000
max_requests_jitter = 25000
accesslog = os.environ.get("NEWSROOM_ACCESS_LOG", "-") or None
errorlog = "-"
# Django is imported once and the workers forked from it (faster start, shared
# memory); no database connection is opened before the fork.
preload_app = True
forwarded_allow_ips = os.environ.get("NEWSROOM_FORWARDED_ALLOW_IPS", "127.0.0.1")
# No control socket: its default path is per user, so two instances on one
# machine (two app servers, a benchmark) would fight over it.
control_socket_disable = True


def when_ready(server):
    """A new start (a deploy) starts a new content generation: pages and fragments
    kept by the code and templates that ran before are not served again."""
    from articles.cache.generation import bump

    bump()
