"""The task worker behind `alongside worker`, and the supervisor behind `alongside run`.

django-tasks-db's ``db_worker`` ignores a locked database only while it fetches a
task; a lock timeout anywhere else (opening the exclusive transaction, recording a
result, a dropped PostgreSQL connection) ends the process, and concern alerts then
stop going out without anyone noticing. Here the worker survives such errors: it
closes its connections, waits with capped exponential back-off and carries on.
``supervise`` restarts a worker process that exits all the same.

A worker that dies mid-task (SIGKILL, out of memory, the machine lost) leaves its
task claimed: django-tasks-db marks a task RUNNING when a worker takes it and
nothing ever looks at it again, so the task would never finish. Here each worker
holds a *lease* on the task it runs — on PostgreSQL a session advisory lock on a
connection of its own (the server drops it the moment the process dies); on
SQLite, which lives on one machine, the worker's process id, which it writes into
its worker id. Every worker checks now and then for RUNNING tasks older than a
grace period whose lease nobody holds, and puts them back to READY, so the next
worker runs them again, once. A task whose workers died ``MAX_CLAIMS`` times is
marked FAILED instead of being retried for ever. Tasks therefore run *at least*
once: each must be safe to run again after a crash (ours write in one transaction).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.core.management.base import CommandError
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from alongside.config.env import env_int

logger = logging.getLogger("alongside.worker")

# A worker that ran this long since its last failure counts as healthy again,
# so the next failure waits the shortest delay.
HEALTHY_AFTER_SECONDS = 60.0


def backoff_delay(failures: int, *, base: float, cap: float) -> float:
    """Seconds to wait after ``failures`` failures in a row: base, 2×base, 4×base… ≤ cap."""
    return float(min(cap, base * 2 ** max(0, failures - 1)))


# A claim younger than this is never taken back: it covers the moment between a
# worker committing its claim and taking the lease (well under a second).
LEASE_GRACE_SECONDS = env_int("ALONGSIDE_TASK_LEASE_GRACE_SECONDS", 30)
# How often an idle or busy worker looks for tasks whose worker died.
RECOVER_EVERY_SECONDS = env_int("ALONGSIDE_TASK_RECOVER_SECONDS", 30)
MAX_CLAIMS = 3
# First key of the two-key advisory lock, so ours never meet another program's.
LEASE_NAMESPACE = 0x416C6F6E  # "Alon"


class TaskAbandonedError(RuntimeError):
    """Recorded on a task whose workers died every time they ran it."""


def lease_worker_id(given: str) -> str:
    """``host:pid:given``, cut to db_worker's 64 characters: SQLite leases read the pid."""
    prefix = f"{socket.gethostname()[:24]}:{os.getpid()}:"
    return (prefix + given)[:64]


def _lease_key(task_id: Any) -> int:
    return int.from_bytes(uuid.UUID(str(task_id)).bytes[:4], "big", signed=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class TaskLeases:
    """Leases on running tasks: taken by the worker running one, tested by the others."""

    def __init__(self, using: str = "default") -> None:
        self.using = using
        self._raw: Any = None

    @property
    def _postgres(self) -> bool:
        return bool(connections[self.using].vendor == "postgresql")

    def _session(self) -> Any:
        # A connection of its own: Django's may be closed between tasks (and the
        # task's own code may close it), which would drop the lease mid-task.
        if self._raw is None or self._raw.closed:
            wrapper = connections[self.using]
            self._raw = wrapper.get_new_connection(wrapper.get_connection_params())
            self._raw.autocommit = True
        return self._raw

    def _ask(self, function: str, task_id: Any) -> bool:
        cursor = self._session().execute(
            f"SELECT {function}(%s, %s)", (LEASE_NAMESPACE, _lease_key(task_id))
        )
        row = cursor.fetchone()
        return bool(row[0]) if row else False

    def hold(self, task_id: Any) -> None:
        if self._postgres:
            self._ask("pg_advisory_lock", task_id)

    def release(self, task_id: Any) -> None:
        if self._postgres:
            try:
                self._ask("pg_advisory_unlock", task_id)
            except DatabaseError:
                self.close()  # the lock went with the session anyway
            except Exception:  # noqa: BLE001 - psycopg's own errors: same as above
                self.close()

    def holder_alive(self, task_id: Any, worker_id: str) -> bool:
        if self._postgres:
            if self._ask("pg_try_advisory_lock", task_id):
                self._ask("pg_advisory_unlock", task_id)
                return False
            return True
        host, _, rest = worker_id.partition(":")
        pid = rest.partition(":")[0]
        if host != socket.gethostname()[:24] or not pid.isdigit():
            return True  # not one of ours on this machine: cannot tell, leave it
        return _process_alive(int(pid))

    def close(self) -> None:
        if self._raw is not None:
            try:
                self._raw.close()
            except Exception:  # noqa: BLE001,S110 - closing a broken connection
                pass
            self._raw = None


def recover_stale_claims(
    leases: TaskLeases, *, grace_seconds: float, max_claims: int = MAX_CLAIMS
) -> list[str]:
    """Put RUNNING tasks whose worker died back to READY; return their ids."""
    cutoff = timezone.now() - dt.timedelta(seconds=grace_seconds)
    recovered: list[str] = []
    with exclusive_transaction(leases.using):
        stale = (
            DBTaskResult.objects.using(leases.using)
            .running()
            .filter(started_at__lt=cutoff)
            .select_for_update(skip_locked=True)
        )
        for result in stale:
            worker = result.worker_ids[-1] if result.worker_ids else ""
            if leases.holder_alive(result.id, worker):
                continue
            if len(result.worker_ids) >= max_claims:
                logger.error(
                    "Task %s (%s): its worker died %d times running it; marked failed",
                    result.id,
                    result.task_path,
                    len(result.worker_ids),
                )
                result.set_failed(
                    TaskAbandonedError(f"the worker died {len(result.worker_ids)} times")
                )
                continue
            logger.warning(
                "Task %s (%s): worker %s died while running it; queued to run again",
                result.id,
                result.task_path,
                worker,
            )
            result.status = TaskResultStatus.READY
            result.started_at = None
            result.save(update_fields=["status", "started_at"])
            recovered.append(str(result.id))
    return recovered


class ResilientWorker(db_worker.Worker):
    """db_worker's loop, restarted in-process after a database error."""

    retry_base_seconds = 1.0
    retry_cap_seconds = 60.0

    def __init__(self, *, sleep: Callable[[float], Any] = time.sleep, **options: Any) -> None:
        super().__init__(**options)
        self._sleep = sleep
        self.database_failures = 0
        self.leases = TaskLeases(self.backend_using())
        self._recovery_stop = threading.Event()

    def backend_using(self) -> str:
        return str(DBTaskResult.objects.db)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run the task holding its lease, so other workers know this one is alive."""
        try:
            self.leases.hold(db_task_result.id)
        except Exception as error:  # noqa: BLE001 - a lease is a safeguard, not a gate
            logger.warning("Task %s: could not take its lease (%s)", db_task_result.id, error)
        try:
            super().run_task(db_task_result)
        finally:
            self.leases.release(db_task_result.id)

    def recover_once(self, leases: TaskLeases | None = None) -> list[str]:
        try:
            return recover_stale_claims(leases or self.leases, grace_seconds=LEASE_GRACE_SECONDS)
        except (OperationalError, InterfaceError) as error:
            logger.warning("Task worker: could not look for abandoned tasks (%s)", error)
            return []

    def _recover_in_background(self) -> None:
        # Its own thread (own Django connection, own lease session): the main
        # thread may be busy with a long task, and its lease must test as held.
        leases = TaskLeases(self.leases.using)
        try:
            while not self._recovery_stop.wait(RECOVER_EVERY_SECONDS):
                self.recover_once(leases)
                connections.close_all()
        finally:
            leases.close()

    def run(self) -> None:
        self.recover_once()
        if not self.batch:
            threading.Thread(
                target=self._recover_in_background, name="task-recovery", daemon=True
            ).start()
        try:
            self._run_resiliently()
        finally:
            self._recovery_stop.set()
            self.leases.close()

    def _run_resiliently(self) -> None:
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
            worker_id=lease_worker_id(options["worker_id"]),
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
