"""Tables that read as cards on a phone keep their labels (issue 12, point 6).

The habit (docs/interface.md, "On a phone"): a table with class "stack" gives every
body cell a data-label naming its column, so that below 40rem each row shows as a
card with each value under its column's name. This test reads every template and
checks the habit is kept: a cell without data-label would show a bare value.
"""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "alongside"
TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table>", re.S)
CELL = re.compile(r"<(td|th)\b([^>]*)>")


def _stacked_tables() -> list[tuple[Path, str]]:
    found = []
    for template in sorted(SRC.rglob("templates/**/*.html")):
        for match in TABLE.finditer(template.read_text(encoding="utf-8")):
            if re.search(r'class="[^"]*\bstack\b', match.group(1)):
                found.append((template, match.group(2)))
    return found


def test_every_body_cell_of_a_stacked_table_names_its_column() -> None:
    tables = _stacked_tables()
    assert len(tables) >= 5, "the contact history, concerns, expenses, pairs and lists stack"
    missing = []
    for template, body in tables:
        assert "</thead>" in body, f"{template}: a stacked table needs a header row"
        rows = body.split("</thead>", 1)[1]
        for cell in CELL.finditer(rows):
            attrs = cell.group(2)
            if "data-label=" in attrs or "colspan=" in attrs:
                continue
            missing.append(f"{template.relative_to(SRC)}: <{cell.group(1)}{attrs}>")
    assert not missing, "cells without data-label:\n" + "\n".join(missing)


def test_the_contact_history_stacks() -> None:
    names = {template.relative_to(SRC).as_posix() for template, _ in _stacked_tables()}
    assert "contacts/templates/contacts/match.html" in names
    assert "mentors/templates/mentors/expenses.html" in names
