"""Run a command, and start it again whenever it dies, until told to stop.

    python -m newsroom.keep_running gunicorn -c gunicorn.conf.py newsroom.wsgi

The Procfile wraps each process in it, so that a web server or task worker
that crashes is back within seconds while the others keep running (honcho
alone would stop them all). SIGTERM or SIGINT stops the command and this
runner together: the command runs in a session of its own and hears the signal
once, from here, so a worker finishes its task before stopping. A command
that dies again soon after starting waits longer each time (up to 30
seconds), so a broken configuration does not spin.
"""

import shlex
import signal
import subprocess
import sys
import time

QUICK_DEATH_SECONDS = 30
LONGEST_WAIT_SECONDS = 30


def main(command: list[str]) -> int:
    stopping = False
    child: subprocess.Popen | None = None

    def stop(signum, frame):
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    wait = 1.0
    while True:
        started = time.monotonic()
        child = subprocess.Popen(command, start_new_session=True)
        code = child.wait()
        if stopping:
            return 0  # stopped when asked
        if time.monotonic() - started > QUICK_DEATH_SECONDS:
            wait = 1.0
        print(
            f"{shlex.join(command)} exited with status {code}; "
            f"starting it again in {wait:g} s",
            file=sys.stderr,
            flush=True,
        )
        deadline = time.monotonic() + wait
        while not stopping and time.monotonic() < deadline:
            time.sleep(0.1)
        if stopping:
            return 0
        wait = min(wait * 2, LONGEST_WAIT_SECONDS)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python -m newsroom.keep_running COMMAND [ARGUMENT …]")
    sys.exit(main(sys.argv[1:]))
