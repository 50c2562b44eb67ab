"""The tests run the development configuration (DEBUG on, local hosts), as
`make run` does; DEBUG is off unless asked for. Processes the tests start
inherit it; tests of the production shape set DJANGO_DEBUG=false themselves."""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")

from newsroom.settings import *  # noqa: E402, F403
