"""The scheduled sweep on a timer, inside the task worker (`manage.py run_worker`).

Every `every` seconds, on the boundary (so at the top of each minute by
default), the worker runs the sweep that cron would run: scheduled articles
whose time came are recorded as published, embargoes that ended are recorded,
photo licences that ended have their renditions withdrawn, and the heartbeat
that the desk and `/healthz` read is left; then what stopped processes left is
relayed (tasks held for Redis, webhook deliveries that are due, retries
included), as `publish_scheduled` does. Both are safe to run from
several workers at once, so every worker keeps its own timer.
"""

import threading
import time
from collections.abc import Callable

from django.db import connections

# Past the boundary, so that a story scheduled for that minute is due.
BOUNDARY_DELAY_SECONDS = 0.5


class SweepTimer(threading.Thread):
    def __init__(self, every: float = 60, report: Callable[[str], None] = print):
        super().__init__(name="scheduled-sweep", daemon=True)
        self.every = every
        self.report = report
        self.stopping = threading.Event()

    def run(self) -> None:
        self.sweep()  # at start, catching up on what fell due while stopped
        while not self.stopping.wait(self.until_next()):
            self.sweep()

    def until_next(self) -> float:
        return self.every - time.time() % self.every + BOUNDARY_DELAY_SECONDS

    def sweep(self) -> None:
        from articles.workflow.scheduler import run_scheduled

        try:
            run = run_scheduled()
        except Exception as error:  # recorded in the heartbeat; try next time
            self.report(f"Scheduled sweep failed: {type(error).__name__}: {error}")
        else:
            for article in run.published:
                self.report(f"Published “{article.headline}”")
            for article in run.held:
                self.report(f"Held back for review: “{article.headline}”")
            for article in run.embargoes_ended:
                self.report(f"Embargo ended: “{article.headline}”")
            if run.licences_ended:
                self.report(
                    f"Renditions withdrawn: {run.licences_ended} photo licences ended"
                )
        try:
            from articles.tasks import relay_left_behind

            relay_left_behind()
        except Exception as error:  # retried at the next minute
            self.report(f"Relay failed: {type(error).__name__}: {error}")
        finally:
            connections.close_all()  # this thread's own connections

    def stop(self) -> None:
        self.stopping.set()
