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


def test_outcomes_score_prints_the_contract_json() -> None:
    import json

    result = _run("outcomes", "score", "phq9", "--answers", "[3,3,2,2,1,1,0,0,null]")
    assert result.returncode == 0, result.stderr
    scored = json.loads(result.stdout)
    assert (scored["total"], scored["band"], scored["missing"], scored["valid"]) == (
        14,
        "Moderate",
        1,
        True,
    )
    assert scored["subscales"] == {}


def test_outcomes_score_invalid_total_is_null() -> None:
    import json

    result = _run("outcomes", "score", "gad7", "--answers", "[1,1,1,1,1,null,null]")
    scored = json.loads(result.stdout)
    assert result.returncode == 0 and scored["total"] is None and scored["valid"] is False


def test_outcomes_score_bad_input_is_one_line() -> None:
    for args, words in (
        (("phq9", "--answers", "[4,0,0,0,0,0,0,0,0]"), "item 1: 4 is not one of the answers"),
        (("phq9", "--answers", "not json"), "--answers is not JSON"),
        (("nosuch", "--answers", "[]"), "unknown instrument 'nosuch'"),
    ):
        result = _run("outcomes", "score", *args)
        assert result.returncode == 2 and words in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
