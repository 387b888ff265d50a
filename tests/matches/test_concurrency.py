"""32 proposals at once for a mentor with one free place: exactly one wins.

Each thread has its own database connection and its own transaction. On
PostgreSQL the mentor row lock (SELECT ... FOR UPDATE) serialises them; on
SQLite the IMMEDIATE transaction takes the database write lock at BEGIN.
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from alongside.matches import services
from alongside.matches.models import Match
from alongside.mentors.models import Mentor
from tests.matches.factories import MatchFactory, ready_mentor, waiting_patient

THREADS = 32


def _sqlite_in_memory() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


@pytest.mark.django_db(transaction=True)
def test_32_concurrent_proposals_take_the_last_place_once(world) -> None:
    if _sqlite_in_memory():
        pytest.skip(
            "SQLite's shared-cache in-memory test database locks tables, not the database; "
            "test_sqlite_file_database_serialises_proposals runs the race on a file instead"
        )
    mentor = ready_mentor(world.home, capacity=2)
    MatchFactory(service=world.home, mentor=mentor)  # one place already taken
    patients = [waiting_patient(world.home) for _ in range(THREADS)]
    therapist = world.people["therapist"]
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def propose(patient) -> None:
        try:
            barrier.wait()
            services.match_propose(actor=therapist, patient=patient, mentor=mentor)
            result = "ok"
        except ValidationError as error:
            result = "full" if "No spare capacity" in str(error) else f"error: {error}"
        except Exception as error:  # noqa: BLE001 - any other failure is the test's finding
            result = f"crash: {error!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=propose, args=(p,)) for p in patients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(set(outcomes)) == ["full", "ok"], outcomes
    assert outcomes.count("ok") == 1
    assert Match.objects.filter(mentor=mentor).count() == 2
    assert Mentor.objects.get(pk=mentor.pk).mentee_count == 2


def test_sqlite_file_database_serialises_proposals(tmp_path) -> None:
    """The same race on SQLite as deployed: a file database, WAL, IMMEDIATE transactions."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    if connection.vendor != "sqlite":
        pytest.skip("runs on the SQLite suite; PostgreSQL is covered by the in-process test")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(ALONGSIDE_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="alongside.config.settings")
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [sys.executable, "-m", "tests.matches.sqlite_race"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert sorted(set(result["outcomes"])) == ["full", "ok"], result["outcomes"]
    assert result["outcomes"].count("ok") == 1
    assert result["matches"] == 2 and result["mentee_count"] == 2
