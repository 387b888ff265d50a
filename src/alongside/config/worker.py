"""The task worker behind `alongside worker`, and the supervisor behind `alongside run`.

django-tasks-db's ``db_worker`` ignores a locked database only while it fetches a
task; a lock timeout anywhere else (opening the exclusive transaction, recording a
result, a dropped PostgreSQL connection) ends the process, and concern alerts then
stop going out without anyone noticing. Here the worker survives such errors: it
closes its connections, waits with capped exponential back-off and carries on.
``supervise`` restarts a worker process that exits all the same.
"""

from __future__ import annotations

import logging
import os
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.core.management.base import CommandError
from django.db import InterfaceError, OperationalError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("alongside.worker")

# A worker that ran this long since its last failure counts as healthy again,
# so the next failure waits the shortest delay.
HEALTHY_AFTER_SECONDS = 60.0


def backoff_delay(failures: int, *, base: float, cap: float) -> float:
    """Seconds to wait after ``failures`` failures in a row: base, 2×base, 4×base… ≤ cap."""
    return float(min(cap, base * 2 ** max(0, failures - 1)))


class ResilientWorker(db_worker.Worker):
    """db_worker's loop, restarted in-process after a database error."""

    retry_base_seconds = 1.0
    retry_cap_seconds = 60.0

    def __init__(self, *, sleep: Callable[[float], Any] = time.sleep, **options: Any) -> None:
        super().__init__(**options)
        self._sleep = sleep
        self.database_failures = 0

    def run(self) -> None:
        failures = 0
        while self.running:
            started = time.monotonic()
            try:
                super().run()
                return  # --batch or --max-tasks finished; a signal exits by SystemExit
            except (OperationalError, InterfaceError) as error:
                if time.monotonic() - started > HEALTHY_AFTER_SECONDS:
                    failures = 0
                failures += 1
                self.database_failures += 1
                delay = backoff_delay(
                    failures, base=self.retry_base_seconds, cap=self.retry_cap_seconds
                )
                logger.warning(
                    "Task worker: database error (%s: %s); retrying in %.1f s",
                    type(error).__name__,
                    error,
                    delay,
                )
                # A connection that failed mid-transaction is unusable; start afresh.
                connections.close_all()
                self._sleep(delay)


class Command(db_worker.Command):
    """``db_worker`` with the resilient loop; `alongside worker` runs it."""

    help = "Run background tasks; database errors are retried with back-off"

    def handle(self, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        reload, batch = options["reload"], options["batch"]
        if reload and batch:
            logger.warning("--reload and --batch cannot be used together; not reloading")
            reload = False
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()


def supervise(
    command: Sequence[str],
    *,
    stop: threading.Event,
    backoff_base: float = 1.0,
    backoff_cap: float = 60.0,
    poll_seconds: float = 0.5,
    on_start: Callable[[subprocess.Popen[bytes]], Any] | None = None,
) -> None:
    """Keep ``command`` running until ``stop`` is set, restarting it with back-off.

    When ``stop`` is set the child gets SIGTERM (a graceful worker shutdown: the
    running task finishes), and SIGKILL if it has not gone after ten seconds.
    """
    failures = 0
    while not stop.is_set():
        started = time.monotonic()
        # Its own session: a Ctrl+C in the terminal reaches only the supervisor, which
        # then sends one SIGTERM (a second signal would cut a running task short).
        child = subprocess.Popen(list(command), start_new_session=True)
        if on_start is not None:
            on_start(child)
        while child.poll() is None:
            if stop.wait(poll_seconds):
                _end(child)
                return
        if time.monotonic() - started > HEALTHY_AFTER_SECONDS:
            failures = 0
        failures += 1
        delay = backoff_delay(failures, base=backoff_base, cap=backoff_cap)
        logger.warning(
            "The task worker exited with code %s; starting it again in %.1f s",
            child.returncode,
            delay,
        )
        if stop.wait(delay):
            return


def _end(child: subprocess.Popen[bytes]) -> None:
    child.terminate()
    try:
        child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
