"""CSV and XLSX files of what a page shows, safe to open in a spreadsheet.

``table_response(name, headers, rows, fmt)`` answers a download; ``table_bytes``
makes the same file for a background job. Text that a spreadsheet would run as
a formula (``=``, ``+``, ``-``, ``@`` …) is neutralised: quoted with an
apostrophe in CSV, written as a string cell in XLSX. Numbers, dates and
booleans keep their types in XLSX. An empty selection is a valid file with its
header row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from alongside.core.spreadsheet import is_formula_like, spreadsheet_safe

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def wanted_format(request: Any) -> str | None:
    """``csv`` or ``xlsx`` when the request asks for a file (``?format=…``), else None."""
    fmt = request.GET.get("format", "")
    return fmt if fmt in FORMATS else None


def _csv_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return spreadsheet_safe(value)


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([spreadsheet_safe(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    # A byte-order mark so that Excel reads the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # Excel has no time zones; exported as local
    if value is not None and not isinstance(value, int | float | bool | dt.date | dt.datetime):
        value = str(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and (cell.data_type == "f" or is_formula_like(value)):
        cell.data_type = "s"  # text, never a formula
    return cell


def xlsx_bytes(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "Export"
) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    header_cells = []
    for header in headers:
        cell = _xlsx_cell(sheet, header)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def table_bytes(
    fmt: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "Export"
) -> bytes:
    if fmt == "xlsx":
        return xlsx_bytes(headers, rows, title=title)
    return csv_bytes(headers, rows)


def table_response(
    name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, *, title: str = ""
) -> HttpResponse:
    """A download of ``rows`` as ``name.csv`` or ``name.xlsx``."""
    response = HttpResponse(
        table_bytes(fmt, headers, rows, title=title or name), content_type=FORMATS[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
