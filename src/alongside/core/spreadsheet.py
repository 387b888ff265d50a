"""Cells that spreadsheet software must read as text, never as a formula.

A cell starting with one of ``FORMULA_TRIGGERS`` is run as a formula by
spreadsheet software (CSV injection, OWASP). In a CSV file a leading apostrophe
makes it plain text; in an XLSX file the cell is written as a string cell (see
``alongside.reports.exports``), so the text stays exactly as it was typed.
"""

from __future__ import annotations

from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def spreadsheet_safe(value: Any) -> str:
    """The CSV text of ``value``: numbers as they are, formula-like text quoted."""
    text = "" if value is None else str(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return text
    if is_formula_like(text):
        return "'" + text
    return text
