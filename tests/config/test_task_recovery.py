"""Stale-claim recovery (config/worker.py) on either engine: a RUNNING task whose
worker is gone goes back to READY; one whose worker lives is left alone; a task
whose workers died three times is marked failed."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alongside.config.worker import TaskLeases, lease_worker_id, recover_stale_claims
from tests.config.test_worker import remember

pytestmark = pytest.mark.django_db


def _dead_worker_id() -> str:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    # The id a worker in that (now finished) process would have had.
    return lease_worker_id("gone").replace(f":{os.getpid()}:", f":{child.stdout.strip()}:")


def _claimed(worker_ids: list[str], minutes_ago: int = 5) -> DBTaskResult:
    result = remember.enqueue(word="again")
    row = DBTaskResult.objects.get(pk=result.id)
    row.status = "RUNNING"
    row.started_at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    row.worker_ids = worker_ids
    row.save()
    return row


def test_a_task_whose_worker_died_is_queued_again() -> None:
    row = _claimed([_dead_worker_id()])
    leases = TaskLeases()
    try:
        assert recover_stale_claims(leases, grace_seconds=30) == [str(row.pk)]
    finally:
        leases.close()
    row.refresh_from_db()
    assert row.status == "READY" and row.started_at is None and len(row.worker_ids) == 1


def test_a_task_whose_worker_lives_is_left_alone() -> None:
    row = _claimed([lease_worker_id("here")])  # this process: alive
    holder, checker = TaskLeases(), TaskLeases()
    try:
        holder.hold(row.pk)  # on PostgreSQL the lease is the advisory lock
        assert recover_stale_claims(checker, grace_seconds=30) == []
    finally:
        holder.release(row.pk)
        holder.close()
        checker.close()
    row.refresh_from_db()
    assert row.status == "RUNNING"


def test_a_fresh_claim_is_inside_the_grace_period() -> None:
    row = _claimed([_dead_worker_id()], minutes_ago=0)
    leases = TaskLeases()
    try:
        assert recover_stale_claims(leases, grace_seconds=30) == []
    finally:
        leases.close()
    row.refresh_from_db()
    assert row.status == "RUNNING"


def test_three_dead_workers_mark_the_task_failed() -> None:
    row = _claimed([_dead_worker_id()] * 3)
    leases = TaskLeases()
    try:
        assert recover_stale_claims(leases, grace_seconds=30) == []
    finally:
        leases.close()
    row.refresh_from_db()
    assert row.status == "FAILED"
