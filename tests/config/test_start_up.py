"""Outside demo mode, start-up stops with one clear line when the secret key is missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def _alongside(
    extra: dict[str, str], tmp_path: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    # Nothing from the test run leaks in, not even pytest's own PYTEST_VERSION marker.
    leaks = ("ALONGSIDE_", "DATABASE_URL", "DJANGO_", "PYTEST_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(leaks)}
    env.update(extra, ALONGSIDE_DATA_DIR=str(tmp_path))
    return subprocess.run(
        [sys.executable, "-m", "alongside.config.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_probe_12_missing_secret_key_stops_start_up_in_one_line(tmp_path: Path) -> None:
    result = _alongside(
        {"ALONGSIDE_ALLOWED_HOSTS": "alongside.example.org"}, tmp_path, "manage", "check"
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("alongside: ALONGSIDE_SECRET_KEY (or ALONGSIDE_SECRET_KEY_FILE)")


def test_demo_mode_still_starts_without_a_key(tmp_path: Path) -> None:
    result = _alongside({"ALONGSIDE_DEMO_MODE": "1"}, tmp_path, "manage", "check")
    assert result.returncode == 0, result.stderr


def test_missing_field_keys_stop_start_up_in_one_line(tmp_path: Path) -> None:
    keys = {"ALONGSIDE_SECRET_KEY": "s" * 60, "ALONGSIDE_AUDIT_KEY": "a" * 40}
    result = _alongside(keys, tmp_path, "manage", "check")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "alongside: ALONGSIDE_FIELD_KEYS (or ALONGSIDE_FIELD_KEYS_FILE) is not set; clinical "
        "notes, reflections and transcripts are encrypted with it (see docs/deployment.md)"
    ]


def test_a_sqlite_file_named_by_database_url_gets_the_same_safety_options(
    tmp_path: Path,
) -> None:
    # Without them, five people signing in at once met "database is locked" (a 503).
    code = (
        "from django.conf import settings; import json; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    )
    result = _alongside(
        {"ALONGSIDE_DEMO_MODE": "1", "DATABASE_URL": f"sqlite:///{tmp_path}/named.sqlite3"},
        tmp_path,
        "manage",
        "shell",
        "-c",
        code,
    )
    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout.strip().splitlines()[-1])
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] == 20
    assert "journal_mode=WAL" in options["init_command"]
