"""Referral import from a hospital's CSV list (command line and upload page).

All or nothing: every row is checked first and nothing is written unless
every row is valid, or — when the person asks for ``valid_rows_only`` — the
valid rows are written and the bad ones reported. Problems are reported as
``row N: field: problem`` where N counts the header as row 1, as a
spreadsheet shows it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from alongside.accounts import policy
from alongside.accounts.models import User
from alongside.audit.services import audit_record
from alongside.organisations.models import Service
from alongside.patients import selectors, services
from alongside.patients.models import (
    EmploymentType,
    Gender,
    InjuryCategory,
    Mechanism,
    Patient,
    ReferralSource,
)

MAX_BYTES = 10 * 1024 * 1024
MAX_LABEL = "10 MB"

COLUMNS = (
    "hospital_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "gender",
    "phone",
    "email",
    "postcode",
    "referral_source",
    "referrer_name",
    "date_of_injury",
    "date_of_admission",
    "date_of_referral",
    "injury_category",
    "icd10_codes",
    "mechanism",
    "employment_type",
    "occupation_code",
    "employer",
    "languages",
)
REQUIRED_COLUMNS = (
    "hospital_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "date_of_injury",
    "date_of_referral",
)
REQUIRED_VALUES = REQUIRED_COLUMNS
DATE_COLUMNS = ("date_of_birth", "date_of_injury", "date_of_admission", "date_of_referral")
CHOICE_COLUMNS = {
    "gender": Gender,
    "referral_source": ReferralSource,
    "injury_category": InjuryCategory,
    "mechanism": Mechanism,
    "employment_type": EmploymentType,
}
EXAMPLE_ROW = {
    "hospital_number": "MRN0012345",
    "given_name": "Sam",
    "family_name": "Nguyen",
    "date_of_birth": "1987-03-14",
    "gender": "male",
    "phone": "0400 000 000",
    "email": "sam.nguyen@example.org",
    "postcode": "3004",
    "referral_source": "trauma_ward",
    "referrer_name": "Dr A. Example, trauma registrar",
    "date_of_injury": "2025-02-01",
    "date_of_admission": "2025-02-01",
    "date_of_referral": "2025-02-10",
    "injury_category": "sci",
    "icd10_codes": "S14.1; S22.0",
    "mechanism": "road_motorcycle",
    "employment_type": "full_time",
    "occupation_code": "341111",
    "employer": "Example Electrical Pty Ltd",
    "languages": "English; Vietnamese",
}


@dataclass(frozen=True)
class RowProblem:
    row: int
    field: str
    problem: str

    def __str__(self) -> str:
        if self.row == 0:  # the file as a whole (size, encoding)
            return f"{self.field}: {self.problem}"
        return f"row {self.row}: {self.field}: {self.problem}"


@dataclass
class ImportReport:
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    valid: list[tuple[int, Patient]] = field(default_factory=list)
    created: list[Patient] = field(default_factory=list)
    written: bool = False

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems if p.row > 1})

    @property
    def file_refused(self) -> bool:
        """A problem with the file itself (size, encoding, header): no row was read."""
        return any(p.row <= 1 for p in self.problems)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


def template_csv() -> str:
    """The published template: the header and one example row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow(EXAMPLE_ROW)
    return out.getvalue()


def _decode(content: bytes, report: ImportReport) -> str | None:
    if len(content) > MAX_BYTES:
        size = len(content) / (1024 * 1024)
        report.problems.append(
            RowProblem(
                0,
                "file",
                f"the file is {size:.1f} MB; the limit is {MAX_LABEL} — split it into parts",
            )
        )
        return None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        report.problems.append(
            RowProblem(
                0,
                "file",
                f"not UTF-8 text (byte {error.start}); save the file as “CSV UTF-8” and try again",
            )
        )
        return None
    if "\x00" in text:
        report.problems.append(RowProblem(0, "file", "this is not a CSV text file"))
        return None
    return text


def _parse_date(value: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{value!r} is not a date: use YYYY-MM-DD (or DD/MM/YYYY)")


def _parse_choice(value: str, choices: Any) -> str:
    wanted = value.strip().lower()
    for choice_value, label in choices.choices:
        if wanted in (choice_value, str(label).lower()):
            return str(choice_value)
    known = ", ".join(str(v) for v in choices.values)
    raise ValueError(f"{value!r} is not one of: {known}")


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace(",", ";").split(";") if part.strip()]


def _row_data(
    raw: dict[str, str], row_number: int, report: ImportReport
) -> tuple[dict[str, Any], set[str]]:
    """The row's values, and the columns already reported as bad."""
    data: dict[str, Any] = {}
    failed: set[str] = set()
    for column in COLUMNS:
        value = (raw.get(column) or "").strip()
        if not value:
            if column in REQUIRED_VALUES:
                report.problems.append(RowProblem(row_number, column, "required, but empty"))
                failed.add(column)
            continue
        try:
            if column in DATE_COLUMNS:
                data[column] = _parse_date(value)
            elif column in CHOICE_COLUMNS:
                data[column] = _parse_choice(value, CHOICE_COLUMNS[column])
            elif column == "icd10_codes":
                data[column] = value.replace(",", ";").replace(" ", ";").split(";")
                data[column] = [code for code in data[column] if code]
            elif column == "languages":
                data[column] = _split(value)
            else:
                data[column] = value
        except ValueError as error:
            report.problems.append(RowProblem(row_number, column, str(error)))
            failed.add(column)
    return data, failed


def referrals_check(*, service: Service, content: bytes) -> ImportReport:
    """Read and validate every row; writes nothing."""
    report = ImportReport()
    text = _decode(content, report)
    if text is None:
        return report
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if not header:
        report.problems.append(RowProblem(1, "header", "the file is empty"))
        return report
    if missing:
        report.problems.append(RowProblem(1, "header", "missing columns: " + ", ".join(missing)))
        return report
    unknown = [name for name in header if name and name not in COLUMNS]
    if unknown:
        report.problems.append(
            RowProblem(
                1,
                "header",
                "unknown columns: " + ", ".join(unknown) + " (see the template)",
            )
        )
        return report
    today = selectors.service_today(service)
    seen: dict[tuple[str, date], int] = {}
    try:
        for index, raw in enumerate(reader, start=2):
            if None in raw:
                report.rows += 1
                report.problems.append(RowProblem(index, "row", "more cells than the header has"))
                continue
            if not any((value or "").strip() for value in raw.values()):
                continue  # blank line
            report.rows += 1
            data, failed = _row_data(raw, index, report)
            try:
                patient = services.referral_build(service=service, data=data, today=today)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    if name not in failed:
                        for message in messages:
                            report.problems.append(RowProblem(index, name, message))
                continue
            except services.DuplicateReferral as duplicate:
                if failed:
                    continue
                report.problems.append(
                    RowProblem(
                        index,
                        "hospital_number",
                        "already referred with this date of injury "
                        f"(patient #{duplicate.existing.pk})",
                    )
                )
                continue
            if failed:
                continue
            key = (patient.hospital_number, patient.date_of_injury)
            if key in seen:
                report.problems.append(
                    RowProblem(
                        index,
                        "hospital_number",
                        f"same hospital number and date of injury as row {seen[key]}",
                    )
                )
                continue
            seen[key] = index
            report.valid.append((index, patient))
    except csv.Error as error:
        report.problems.append(RowProblem(reader.line_num, "row", f"not readable as CSV ({error})"))
    if report.rows == 0 and not report.problems:
        report.problems.append(RowProblem(1, "file", "no rows under the header"))
    return report


def referrals_import(
    *,
    actor: User | None,
    service: Service,
    content: bytes,
    valid_rows_only: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Check, then write in one transaction: all rows, or only the valid ones if asked."""
    if actor is not None:
        policy.require(actor, "patient.manage", service)
    with transaction.atomic():
        report = referrals_check(service=service, content=content)
        if dry_run or report.file_refused or (report.problems and not valid_rows_only):
            return report
        try:
            with transaction.atomic():
                for _, patient in report.valid:
                    patient.save()
                    audit_record(
                        actor=actor, action="patient.create", target=patient, fields=["import"]
                    )
                    report.created.append(patient)
        except IntegrityError:
            # Someone entered one of these referrals while the file was being read.
            report.created.clear()
            report.problems.append(
                RowProblem(
                    0,
                    "file",
                    "another referral with the same hospital number and date of injury "
                    "was saved meanwhile; nothing was imported, run the import again",
                )
            )
            return report
        report.written = True
    return report
