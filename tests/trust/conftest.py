"""Concurrency and failure tests: PostgreSQL only (CI's PostgreSQL pass).

They need real concurrent sessions, server processes and a database that can
be made to go away, so they use ``transaction=True`` (rows committed, visible to
other connections and to child processes) and the test database's own URL.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _postgresql_only(request) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: run with DATABASE_URL=postgres://… (CI's PostgreSQL pass)")


def database_url() -> str:
    """The URL of the database this test runs in (pytest-django's test database)."""
    s = connection.settings_dict
    user = quote(s.get("USER") or "")
    password = f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else ""
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{s['NAME']}"


def child_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(),
        ALONGSIDE_DEMO_MODE="1",
        ALONGSIDE_DATA_DIR=str(tmp_path),
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT / "src"), str(ROOT)) if p),
    )
    env.pop("PYTEST_VERSION", None)
    env.update(extra)
    return env


def alongside(*args: str, env: dict[str, str], **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "alongside.config.cli", *args], cwd=ROOT, env=env, **popen
    )


def wait_for(check, *, timeout: float, every: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0
