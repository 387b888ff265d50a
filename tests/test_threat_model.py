"""THREAT_MODEL.md names a test for every threat, and every named test exists.

The threat model is only worth its rows if each mitigation is proved by a test that runs
in CI; this check keeps the document and the suite from drifting apart (a renamed or
deleted test fails here, and a row without a test fails here).
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
THREAT_MODEL = ROOT / "THREAT_MODEL.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")
STRIDE = set("STRIDE")


def _threat_rows() -> list[str]:
    """Rows of the per-actor tables: those whose first cell is a STRIDE letter."""
    rows = []
    for line in THREAT_MODEL.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells and cells[0] in STRIDE:
            rows.append(line)
    return rows


@cache
def _test_names(path: str) -> frozenset[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return frozenset(
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    )


def test_the_model_has_rows_for_every_actor_and_every_stride_letter() -> None:
    rows = _threat_rows()
    letters = {row.strip().strip("|").split("|")[0].strip() for row in rows}
    assert letters == STRIDE
    text = THREAT_MODEL.read_text(encoding="utf-8")
    for actor in (
        "Anonymous",
        "Patient",
        "Peer mentor",
        "Therapist",
        "Analyst",
        "API client",
        "Operator",
    ):
        assert f"### {actor}" in text


@pytest.mark.parametrize("row", _threat_rows(), ids=lambda row: row.split("|")[2].strip()[:60])
def test_every_threat_names_a_test_that_exists(row: str) -> None:
    references = REFERENCE.findall(row)
    assert references, "this threat names no test"
    for path, name in references:
        assert (ROOT / path).is_file(), f"{path} does not exist"
        assert name in _test_names(path), f"{path} has no {name}"
