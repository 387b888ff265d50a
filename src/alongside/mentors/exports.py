"""Spreadsheet-safe values for CSV exports that finance staff open in Excel.

The rule lives in ``alongside.core.spreadsheet`` (one way for every export).
"""

from __future__ import annotations

from alongside.core.spreadsheet import FORMULA_TRIGGERS, spreadsheet_safe

__all__ = ["FORMULA_TRIGGERS", "spreadsheet_safe"]
