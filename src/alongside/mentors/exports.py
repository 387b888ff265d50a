"""Spreadsheet-safe values for CSV exports that finance staff open in Excel."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these is run as a formula by spreadsheet software
# (CSV injection, OWASP); a leading apostrophe makes it plain text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def spreadsheet_safe(value: Any) -> str:
    text = "" if value is None else str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return text
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text
