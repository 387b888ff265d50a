"""Point 4 of issue 9: the task worker survives database errors, `alongside run`
restarts a worker that exits, and /healthz reports a stalled queue."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import time_machine
from django.db import OperationalError
from django.test import Client
from django_tasks import task
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from alongside.config.worker import ResilientWorker, backoff_delay, supervise

RAN: list[str] = []


@task()
def remember(*, word: str) -> str:
    RAN.append(word)
    return word


def _worker_options() -> dict[str, object]:
    return {
        "queue_names": ["default"],
        "interval": 0,
        "batch": True,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": "test-worker",
        "excluded_queue_names": [],
    }


@pytest.fixture
def lock_timeout_once(monkeypatch):
    """The worker's first exclusive transaction times out, as SQLite does under a long
    write ("database is locked" raised by BEGIN, outside db_worker's own guard)."""
    real = db_worker.exclusive_transaction
    calls = {"n": 0}

    @contextlib.contextmanager
    def flaky(using=None):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("database is locked")
        with real(using):
            yield

    monkeypatch.setattr(db_worker, "exclusive_transaction", flaky)
    return calls


@pytest.mark.django_db(transaction=True)
def test_probe_4_worker_survives_lock_timeout(lock_timeout_once) -> None:
    RAN.clear()
    result = remember.enqueue(word="concern alert")
    slept: list[float] = []

    worker = ResilientWorker(sleep=slept.append, **_worker_options())
    worker.run()

    assert RAN == ["concern alert"]
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    assert worker.database_failures == 1 and slept == [1.0]


@pytest.mark.django_db(transaction=True)
def test_the_stock_worker_dies_on_the_same_error(lock_timeout_once) -> None:
    """Why the wrapper exists: django-tasks-db's own loop lets the error escape."""
    remember.enqueue(word="lost")
    with pytest.raises(OperationalError):
        db_worker.Worker(**_worker_options()).run()


def test_backoff_doubles_up_to_the_cap() -> None:
    assert [backoff_delay(n, base=1, cap=30) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def _pids(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def _wait_for(condition, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_supervisor_restarts_a_worker_that_exits(tmp_path: Path) -> None:
    starts = tmp_path / "starts"
    child = f"import os, sys; open({str(starts)!r}, 'a').write(f'{{os.getpid()}}\\n'); sys.exit(1)"
    stop = threading.Event()
    supervisor = threading.Thread(
        target=supervise,
        args=([sys.executable, "-c", child],),
        kwargs={"stop": stop, "backoff_base": 0.05, "backoff_cap": 0.2, "poll_seconds": 0.02},
    )
    supervisor.start()
    try:
        assert _wait_for(lambda: len(_pids(starts)) >= 3), "the worker was not restarted"
    finally:
        stop.set()
        supervisor.join(timeout=10)
    assert not supervisor.is_alive()
    assert len(set(_pids(starts))) >= 3  # three different processes


def test_supervisor_stops_a_running_worker_when_told(tmp_path: Path) -> None:
    starts = tmp_path / "starts"
    child = (
        f"import os, time; open({str(starts)!r}, 'a').write(f'{{os.getpid()}}\\n'); time.sleep(60)"
    )
    stop = threading.Event()
    children: list[subprocess.Popen[bytes]] = []
    supervisor = threading.Thread(
        target=supervise,
        args=([sys.executable, "-c", child],),
        kwargs={"stop": stop, "poll_seconds": 0.02, "on_start": children.append},
    )
    supervisor.start()
    assert _wait_for(lambda: len(_pids(starts)) == 1)
    stop.set()
    supervisor.join(timeout=15)
    assert not supervisor.is_alive()
    assert children[0].returncode is not None and not _alive(_pids(starts)[0])
    assert len(_pids(starts)) == 1  # stopping does not start another


@pytest.mark.django_db
def test_healthz_reports_a_stalled_queue(settings) -> None:
    settings.ALONGSIDE_QUEUE_STALL_MINUTES = 10
    start = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        remember.enqueue(word="waiting")
    with time_machine.travel(start + dt.timedelta(minutes=9), tick=False):
        fresh = Client().get("/healthz")
    with time_machine.travel(start + dt.timedelta(minutes=11), tick=False):
        stalled = Client().get("/healthz")

    assert fresh.status_code == 200 and fresh.json() == {"status": "ok"}
    assert stalled.status_code == 200
    assert stalled.json() == {
        "status": "degraded",
        "queue": {"stalled_tasks": 1, "oldest_minutes": 11, "stall_minutes": 10},
    }


@pytest.mark.django_db
def test_healthz_ignores_tasks_scheduled_for_later_and_tasks_taken() -> None:
    start = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        remember.using(run_after=start + dt.timedelta(minutes=8)).enqueue(word="later")
        taken = remember.enqueue(word="taken")
        DBTaskResult.objects.filter(pk=taken.id).update(status="RUNNING")
    with time_machine.travel(start + dt.timedelta(minutes=15), tick=False):
        response = Client().get("/healthz")
    # The scheduled task has been ready for 7 minutes only; the other is running.
    assert response.json() == {"status": "ok"}


def test_alongside_worker_passes_its_options_to_the_worker(monkeypatch) -> None:
    from alongside.config import cli

    seen: list[list[str]] = []
    monkeypatch.setattr(cli, "cmd_worker", lambda args: seen.append(args.rest) or 0)
    assert cli.main(["worker", "--batch", "--no-startup-delay"]) == 0
    assert seen == [["--batch", "--no-startup-delay"]]
