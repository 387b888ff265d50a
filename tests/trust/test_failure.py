"""Failure behaviour on PostgreSQL: a killed writer leaves nothing half-written, a
killed task worker's task runs again exactly once, and the database going away
gives 503s (pages and /healthz) until it comes back, with no restart needed."""

from __future__ import annotations

import csv
import io
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection, connections
from django_tasks_db.models import DBTaskResult

from alongside.patients.models import Patient
from tests.factories import ServiceFactory
from tests.trust.conftest import alongside, child_env, port_open, wait_for
from tests.trust.tasks import note_runs

pytestmark = pytest.mark.django_db(transaction=True)

PORT = 8131
IMPORT_ROWS = 3_000  # six INSERT batches of 500 inside the one transaction


def _referrals_csv(path: Path, rows: int, env: dict[str, str]) -> Path:
    template = alongside(
        "import", "referrals", "--template", env=env, stdout=subprocess.PIPE, text=True
    )
    out, _ = template.communicate(timeout=120)
    header, example = list(csv.reader(io.StringIO(out)))[:2]
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        for index in range(rows):
            row = dict(zip(header, example, strict=True))
            row["hospital_number"] = f"KILL{index:07d}"
            row["email"] = f"person{index}@example.org"
            writer.writerow([row[name] for name in header])
    return path


def _admin(sql: str, *params: object) -> list[tuple]:
    """Run SQL on the server's maintenance database, outside the test database."""
    import psycopg

    s = connection.settings_dict
    with psycopg.connect(
        host=s.get("HOST") or "127.0.0.1",
        port=s.get("PORT") or 5432,
        user=s.get("USER"),
        password=s.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        cursor = admin.execute(sql, params or None)
        return cursor.fetchall() if cursor.description else []


def _inserting_patients(database: str) -> bool:
    rows = _admin(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND xact_start IS NOT NULL "
        "AND query ILIKE 'INSERT INTO \"patients_patient\"%%'",
        database,
    )
    return bool(rows[0][0])


def test_killed_import_mid_write_leaves_no_row_then_a_full_run_writes_all(tmp_path: Path) -> None:
    service = ServiceFactory(slug="kill-test")
    env = child_env(tmp_path)
    source = _referrals_csv(tmp_path / "referrals.csv", IMPORT_ROWS, env)
    database = connection.settings_dict["NAME"]

    importer = alongside(
        "import",
        "referrals",
        str(source),
        "--service",
        service.slug,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(
            lambda: _inserting_patients(database) or importer.poll() is not None,
            timeout=240,
            every=0.01,
            what="the import's INSERTs",
        )
        assert importer.poll() is None, "the import finished before it could be killed"
        importer.send_signal(signal.SIGKILL)  # as the OOM killer or a power cut would
    finally:
        importer.wait(timeout=30)
    assert importer.returncode == -signal.SIGKILL
    # The server ends the dead client's transaction; nothing it inserted remains.
    wait_for(lambda: not _inserting_patients(database), timeout=30, what="the backend to end")
    assert Patient.objects.filter(service=service).count() == 0

    finished = alongside(
        "import",
        "referrals",
        str(source),
        "--service",
        service.slug,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = finished.communicate(timeout=600)
    assert finished.returncode == 0, err[-1000:]
    assert Patient.objects.filter(service=service).count() == IMPORT_ROWS


def _task(result_id: str) -> DBTaskResult:
    return DBTaskResult.objects.get(pk=result_id)


def test_worker_killed_mid_task_runs_it_again_exactly_once(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    result = note_runs.enqueue(notes=str(notes), first_run_seconds=120)
    env = child_env(
        tmp_path, ALONGSIDE_TASK_LEASE_GRACE_SECONDS="1", ALONGSIDE_TASK_RECOVER_SECONDS="1"
    )
    first = alongside("worker", "--interval", "0.2", "--no-startup-delay", env=env)
    try:
        wait_for(lambda: notes.exists() and "start" in notes.read_text(), timeout=60, what="start")
        assert _task(result.id).status == "RUNNING"
        first.send_signal(signal.SIGKILL)
    finally:
        first.wait(timeout=30)
    assert notes.read_text().count("start") == 1 and "end" not in notes.read_text()
    assert _task(result.id).status == "RUNNING"  # what django-tasks-db alone leaves

    second = alongside("worker", "--interval", "0.2", "--no-startup-delay", env=env)
    try:
        wait_for(lambda: _task(result.id).status == "SUCCESSFUL", timeout=90, what="the re-run")
        time.sleep(4)  # several more recovery rounds: nothing runs it a third time
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    text = notes.read_text()
    assert text.count("start") == 2 and text.count("end") == 1, text
    done = _task(result.id)
    assert len(done.worker_ids) == 2 and done.worker_ids[0] != done.worker_ids[1]
    assert done.return_value == 2


def _get(path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=60) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_database_away_gives_503_and_the_app_recovers(tmp_path: Path, world) -> None:
    from tests.personas import sign_in

    database = connection.settings_dict["NAME"]
    away = f"{database}_away"
    server = alongside(
        "serve",
        "--port",
        str(PORT),
        "--workers",
        "1",
        env=child_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: port_open(PORT), timeout=60, what="the server")
        assert _get("/healthz")[0] == 200
        # A page that needs the database: the login form after a session lookup.
        from django.test import Client

        client = Client()
        sign_in(client, world.people["therapist"])
        cookie = client.cookies["sessionid"].value
        connections.close_all()  # the test's own session must not hold the database

        def page() -> tuple[int, str]:
            request = urllib.request.Request(
                f"http://127.0.0.1:{PORT}/", headers={"Cookie": f"sessionid={cookie}"}
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, error.read().decode()

        assert page()[0] == 200
        renamed = False
        try:
            for _ in range(50):  # terminate every session, then rename before any returns
                _admin(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    database,
                )
                try:
                    _admin(f'ALTER DATABASE "{database}" RENAME TO "{away}"')
                    renamed = True
                    break
                except Exception:  # noqa: BLE001 - a session came back in between; again
                    time.sleep(0.1)
            assert renamed, "could not take the database away"
            status, body = _get("/healthz")
            assert status == 503 and '"status": "unavailable"' in body
            status, body = page()
            assert status == 503, body[:300]
            assert "briefly unavailable" in body and "Traceback" not in body
        finally:
            if renamed:
                _admin(f'ALTER DATABASE "{away}" RENAME TO "{database}"')
        # Back: the same server answers again without a restart.
        assert wait_for(lambda: _get("/healthz")[0] == 200, timeout=30, what="recovery")
        assert page()[0] == 200
    finally:
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=30)
    assert "Traceback" not in err or "OperationalError" in err
