from __future__ import annotations

import subprocess
import sys


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "alongside.config.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_unknown_command_is_one_line_and_no_traceback() -> None:
    result = _run("frobnicate")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "invalid choice" in result.stderr


def test_bench_rejects_nonsense_sizes() -> None:
    result = _run("bench", "matching", "--patients", "0", "--mentors", "5")
    assert (
        result.returncode == 2
        and "at least 1" in result.stderr
        and "Traceback" not in result.stderr
    )
