"""CSV referral import: all or nothing, valid rows only, file problems."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from alongside.audit.models import AuditEvent
from alongside.patients import importing
from alongside.patients.models import Patient
from tests.factories import ServiceFactory
from tests.patients.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _rows(n: int) -> list[dict[str, str]]:
    base = date.today() - timedelta(days=40)
    rows = []
    for i in range(n):
        row = dict(importing.EXAMPLE_ROW)
        row.update(
            hospital_number=f"MRN{i:06d}",
            given_name=f"Given{i}",
            family_name=f"Family{i}",
            date_of_injury=base.isoformat(),
            date_of_admission=base.isoformat(),
            date_of_referral=(base + timedelta(days=5)).isoformat(),
        )
        rows.append(row)
    return rows


def _csv(rows: list[dict[str, str]], columns: tuple[str, ...] = importing.COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def service():
    return ServiceFactory(slug="import-service", occupation_classification="anzsco")


@pytest.fixture
def thousand_with_three_bad(tmp_path: Path) -> Path:
    rows = _rows(1000)
    rows[9]["icd10_codes"] = "X99.9"  # row 11 (header is row 1)
    rows[499]["date_of_referral"] = "2001-01-01"  # row 501: before the injury
    rows[997]["date_of_birth"] = "14/13/1990"  # row 999: not a date
    path = tmp_path / "referrals.csv"
    path.write_bytes(_csv(rows))
    return path


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_referrals", *args, stdout=out, stderr=err)
        code = 0
    except CommandError as error:
        err.write(str(error))
        code = error.returncode
    return code, out.getvalue(), err.getvalue()


def test_three_bad_rows_in_a_thousand_stop_the_whole_import(
    service, thousand_with_three_bad
) -> None:
    events_before = AuditEvent.objects.count()
    code, _, err = _run(str(thousand_with_three_bad), "--service", service.slug)
    assert code == 1
    problem_lines = [line for line in err.splitlines() if line.startswith("row ")]
    assert len(problem_lines) == 3
    assert problem_lines[0].startswith("row 11: icd10_codes: ")
    assert problem_lines[1].startswith("row 501: date_of_referral: ")
    assert problem_lines[2].startswith("row 999: date_of_birth: ")
    assert Patient.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


def test_valid_rows_only_imports_the_997_and_reports_the_3(
    service, thousand_with_three_bad
) -> None:
    code, out, err = _run(
        str(thousand_with_three_bad), "--service", service.slug, "--valid-rows-only"
    )
    assert code == 0
    assert Patient.objects.filter(service=service).count() == 997
    assert "Imported 997" in out
    assert sum(1 for line in err.splitlines() if line.startswith("row ")) == 3
    assert not Patient.objects.filter(hospital_number="MRN000009").exists()


def test_dry_run_writes_nothing(service, tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_bytes(_csv(_rows(5)))
    code, out, _ = _run(str(path), "--service", service.slug, "--dry-run")
    assert code == 0 and "5 valid" in out
    assert Patient.objects.count() == 0
    code, out, _ = _run(str(path), "--service", service.slug)
    assert code == 0 and Patient.objects.count() == 5


def test_the_only_service_is_used_when_none_is_named(service, tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_bytes(_csv(_rows(2)))
    assert _run(str(path))[0] == 0
    ServiceFactory(slug="second")
    path.write_bytes(_csv(_rows(3)[2:]))
    code, _, err = _run(str(path))
    assert code == 1 and "--service" in err


def test_missing_columns_are_named(service) -> None:
    columns = tuple(c for c in importing.COLUMNS if c not in ("date_of_injury", "family_name"))
    report = importing.referrals_check(service=service, content=_csv(_rows(2), columns))
    assert report.lines() == ["row 1: header: missing columns: family_name, date_of_injury"]


def test_wrong_encoding_is_refused(service) -> None:
    content = _csv(_rows(1)).replace(b"Given0", "Gülşen".encode("latin-1", "replace"))
    content = content.replace(b"Family0", "Müller".encode("latin-1"))
    report = importing.referrals_check(service=service, content=content)
    assert report.file_refused
    assert "not UTF-8" in report.lines()[0]


def test_a_file_over_10_mb_is_refused_stating_the_limit(service, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * (importing.MAX_BYTES + 1))
    code, _, err = _run(str(path), "--service", service.slug)
    assert code == 1 and "limit is 10 MB" in err
    report = importing.referrals_check(service=service, content=b"x" * (importing.MAX_BYTES + 1))
    assert "10 MB" in report.lines()[0]


def test_duplicates_in_the_database_and_in_the_file_are_reported(service) -> None:
    rows = _rows(3)
    existing = PatientFactory(
        service=service,
        hospital_number="MRN000000",
        date_of_injury=date.fromisoformat(rows[0]["date_of_injury"]),
    )
    rows[2]["hospital_number"] = "MRN000001"
    report = importing.referrals_check(service=service, content=_csv(rows))
    assert report.lines() == [
        "row 2: hospital_number: already referred with this date of injury "
        f"(patient #{existing.pk})",
        "row 4: hospital_number: same hospital number and date of injury as row 3",
    ]


def test_unknown_occupation_code_and_choice_are_named(service) -> None:
    rows = _rows(1)
    rows[0]["occupation_code"] = "9X"
    rows[0]["gender"] = "robot"
    report = importing.referrals_check(service=service, content=_csv(rows))
    fields = sorted(p.field for p in report.problems)
    assert fields == ["gender", "occupation_code"]


def test_template_has_the_header_and_an_example_that_imports(service) -> None:
    out = io.StringIO()
    call_command("import_referrals", "--template", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == ",".join(importing.COLUMNS)
    assert len(lines) == 2
    report = importing.referrals_check(service=service, content=out.getvalue().encode())
    assert report.ok, report.lines()
