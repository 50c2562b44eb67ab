"""The site's settings, with the URLs of bench/ceiling.py."""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.ceiling"
