"""`alongside manage check --deploy` is clean with the variables of docs/deployment.md."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PRODUCTION = {
    "ALONGSIDE_SECRET_KEY": "x7#kq-"
    + "9f3b2c1d8e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c",
    "ALONGSIDE_ALLOWED_HOSTS": "alongside.example.org",
    "ALONGSIDE_CSRF_TRUSTED_ORIGINS": "https://alongside.example.org",
    "ALONGSIDE_AUDIT_KEY": "audit-" + "4c1e9a7b2d8f3e6a0b5c9d2e7f1a4b8c3d6e9f0a",
    # Two Fernet keys, newest first (a rotation in progress): both must be accepted.
    "ALONGSIDE_FIELD_KEYS": "q1v8d0bX2u2b7m5n0Yc3mKkqzQ1tK6lq9n3bV8c4Z2s="
    + ",Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1rZXktISE=",
}


def _check(extra: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # A clean production-like environment: nothing from the test run leaks in
    # (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright, for one).
    leaks = ("ALONGSIDE_", "DATABASE_URL", "DJANGO_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(leaks)}
    env.update(extra, ALONGSIDE_DATA_DIR=str(tmp_path))
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "alongside.config.cli",
            "manage",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_variables(tmp_path: Path) -> None:
    result = _check(PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_complains_without_a_secret_key(tmp_path: Path) -> None:
    result = _check({k: v for k, v in PRODUCTION.items() if k != "ALONGSIDE_SECRET_KEY"}, tmp_path)
    assert result.returncode != 0


def test_secrets_can_come_from_files(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text(PRODUCTION["ALONGSIDE_SECRET_KEY"] + "\n")
    variables = {k: v for k, v in PRODUCTION.items() if k != "ALONGSIDE_SECRET_KEY"}
    result = _check({**variables, "ALONGSIDE_SECRET_KEY_FILE": str(secret_file)}, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
