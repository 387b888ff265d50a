"""Type-checker comments only where a type checker reads them (issue 10 §6): mypy checks
``src/`` (``make lint``), so an ignore comment in the tests or ``bench/`` silences
nothing and only reads as if something were wrong; and nothing opts out of the formatter."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Built from parts so this file does not hold the words it looks for.
IGNORE = "# type: " + "ignore"
SKIP = "# fmt: " + "skip"


def _lines_with(text: str, folders: list[str]) -> list[str]:
    found = []
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if text in line:
                    found.append(f"{path.relative_to(ROOT)}:{number}")
    return found


def test_no_type_ignore_where_mypy_does_not_look() -> None:
    assert _lines_with(IGNORE, ["tests", "bench"]) == []


def test_nothing_opts_out_of_the_formatter() -> None:
    assert _lines_with(SKIP, ["src", "tests", "bench"]) == []
