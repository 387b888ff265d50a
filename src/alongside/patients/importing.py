"""Referral import from a hospital's CSV list (command line and upload page).

All or nothing: every row is checked first and nothing is written unless
every row is valid, or — when the person asks for ``valid_rows_only`` — the
valid rows are written and the bad ones reported. Problems are reported as
``row N: field: problem`` where N counts the header as row 1, as a
spreadsheet shows it.

Checking runs outside any transaction and only reads (one query for the
service's existing hospital numbers, none per row): on SQLite with IMMEDIATE
transactions even a read inside ``transaction.atomic()`` takes the write
lock, and checking 10,000 rows takes seconds, during which nobody else could
sign in or log a contact. Writing is one short transaction: re-read what can
have changed since the check (referrals for the same hospital numbers saved
meanwhile), bulk-insert, one audit event naming every referral created.
The upload page runs both steps in the task worker (``ReferralImportJob``).
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Field
from django.utils import timezone

from alongside.accounts import policy
from alongside.accounts.models import User
from alongside.accounts.policy import SYSTEM, Actor
from alongside.audit.services import audit_record
from alongside.core import person_details
from alongside.core.vocabulary import AmputationLaterality
from alongside.organisations.models import Service
from alongside.patients import selectors, services
from alongside.patients.models import (
    EmploymentType,
    Gender,
    InjuryCategory,
    Mechanism,
    Patient,
    ReferralImportJob,
    ReferralImportStatus,
    ReferralSource,
)

MAX_BYTES = 10 * 1024 * 1024
MAX_LABEL = "10 MB"
MAX_ROWS = 20_000
MAX_ROWS_LABEL = f"{MAX_ROWS:,} rows"
LIMITS_LABEL = f"at most {MAX_LABEL} and {MAX_ROWS_LABEL}"
# How often a long check reports how far it has got (the upload page shows it).
PROGRESS_EVERY = 500
WRITE_BATCH = 500
Progress = Callable[[int], None]

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
    "sci_level",
    "asia_grade",
    "tbi_severity",
    "gcs",
    "pta_days",
    "amputation_site",
    "amputation_laterality",
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


@dataclass(frozen=True)
class _Choices:
    """A model field's choices in the shape of a Vocabulary (``choices``, ``values``)."""

    choices: tuple[tuple[str, str], ...]

    @property
    def values(self) -> list[str]:
        return [value for value, _ in self.choices]


def _field_choices(name: str) -> _Choices:
    # Only columns with choices are named here, so the field is concrete and has them.
    model_field = cast(Field, Patient._meta.get_field(name))
    choices = cast(Iterable[tuple[Any, Any]], model_field.choices)
    return _Choices(tuple((str(v), str(label)) for v, label in choices))


CHOICE_COLUMNS = {
    "gender": Gender,
    "referral_source": ReferralSource,
    "injury_category": InjuryCategory,
    "sci_level": _field_choices("sci_level"),
    "asia_grade": _field_choices("asia_grade"),
    "tbi_severity": _field_choices("tbi_severity"),
    "amputation_site": _field_choices("amputation_site"),
    "amputation_laterality": AmputationLaterality,
    "mechanism": Mechanism,
    "employment_type": EmploymentType,
}
NUMBER_COLUMNS = ("gcs", "pta_days")
# Spellings the import accepted before patients and mentors shared one gender
# vocabulary (``core.vocabulary.Gender``); hospital lists made then still use them.
OLD_SPELLINGS: dict[Any, dict[str, str]] = {
    Gender: {
        "female": Gender.WOMAN,
        "male": Gender.MAN,
        "other": Gender.SELF_DESCRIBED,
        "not_stated": Gender.NOT_SAID,
    },
}
EXAMPLE_ROW = {
    "hospital_number": "MRN0012345",
    "given_name": "Sam",
    "family_name": "Nguyen",
    "date_of_birth": "1987-03-14",
    "gender": "man",
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
    "sci_level": "C6",
    "asia_grade": "B",
    "tbi_severity": "",
    "gcs": "",
    "pta_days": "",
    "amputation_site": "",
    "amputation_laterality": "",
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
    # Existing referrals of the service at check time: (hospital number, injury) -> patient id.
    existing: dict[tuple[str, date], int] = field(default_factory=dict, repr=False)

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


def _parse_date(value: str, day_first: bool = False) -> date:
    """ISO always; DD/MM/YYYY only where the service says its lists are day-first, or
    where the day cannot be a month (25/10/2006). "03/04/1987" is never guessed."""
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)  # the template's format, and fast
        except ValueError:
            pass
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        pass
    try:
        parsed = datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        raise ValueError(f"{value!r} is not a date: use YYYY-MM-DD") from None
    if not day_first and parsed.day <= 12 and parsed.day != parsed.month:
        raise ValueError(
            f"{value!r} could be day/month or month/day: write it as YYYY-MM-DD "
            "(or ask your service manager to set the service's lists as day/month/year)"
        )
    return parsed


@functools.cache
def _choice_lookup(choices: Any) -> dict[str, str]:
    """Value, lower-case label or old spelling -> value (a current value always wins)."""
    lookup = {str(label).lower(): str(value) for value, label in choices.choices}
    lookup.update({old: str(new) for old, new in OLD_SPELLINGS.get(choices, {}).items()})
    lookup.update({str(value).lower(): str(value) for value in choices.values})
    lookup.update({str(value): str(value) for value in choices.values})
    return lookup


def _parse_choice(value: str, choices: Any) -> str:
    found = _choice_lookup(choices).get(value.strip().lower())
    if found is not None:
        return found
    known = ", ".join(str(v) for v in choices.values)
    raise ValueError(f"{value!r} is not one of: {known}")


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace(",", ";").split(";") if part.strip()]


def _row_data(
    raw: dict[str, str], row_number: int, report: ImportReport, day_first: bool = False
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
                data[column] = _parse_date(value, day_first)
            elif column in CHOICE_COLUMNS:
                data[column] = _parse_choice(value, CHOICE_COLUMNS[column])
            elif column == "icd10_codes":
                data[column] = value.replace(",", ";").replace(" ", ";").split(";")
                data[column] = [code for code in data[column] if code]
            elif column in NUMBER_COLUMNS:
                if not value.isdigit():
                    raise ValueError(f"{value!r} is not a whole number")
                data[column] = int(value)
            elif column == "languages":
                data[column] = _split(value)
            else:
                data[column] = value
        except ValueError as error:
            report.problems.append(RowProblem(row_number, column, str(error)))
            failed.add(column)
    return data, failed


def duplicate_key(hospital_number: str, date_of_injury: date) -> tuple[str, date]:
    """Hospital numbers are compared ignoring case and surrounding space."""
    return (person_details.hospital_number_key(hospital_number), date_of_injury)


def _existing_referrals(
    service: Service, *, injured_on: Iterable[date] | None = None
) -> dict[tuple[str, date], int]:
    """The service's referrals by duplicate key, in one query (or one per 500 dates)."""
    rows = Patient.objects.filter(service=service).exclude(hospital_number="")
    if injured_on is None:
        chunks: list[Any] = [rows]
    else:
        dates = sorted(set(injured_on))
        chunks = [
            rows.filter(date_of_injury__in=dates[start : start + 500])
            for start in range(0, len(dates), 500)
        ]
    found: dict[tuple[str, date], int] = {}
    for chunk in chunks:
        for number, injured, pk in chunk.values_list("hospital_number", "date_of_injury", "pk"):
            found.setdefault(duplicate_key(number, injured), pk)
    return found


def _too_many_rows(report: ImportReport) -> None:
    report.valid.clear()
    report.problems.insert(
        0,
        RowProblem(
            0,
            "file",
            f"the file has more than {MAX_ROWS_LABEL}; the limit is {MAX_ROWS_LABEL} "
            "— split it into parts",
        ),
    )


def referrals_check(
    *, service: Service, content: bytes, progress: Progress | None = None
) -> ImportReport:
    """Read and validate every row; writes nothing.

    Call it outside any transaction: it only reads, once, and then works in
    memory, so other people's writes go on while a long file is checked.
    ``progress`` is called with the number of rows checked every
    ``PROGRESS_EVERY`` rows.
    """
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
    report.existing = _existing_referrals(service)
    seen: dict[tuple[str, date], int] = {}
    try:
        for index, raw in enumerate(reader, start=2):
            if progress is not None and report.rows and report.rows % PROGRESS_EVERY == 0:
                progress(report.rows)
            if None in raw:
                report.rows += 1
                report.problems.append(RowProblem(index, "row", "more cells than the header has"))
                continue
            if not any((value or "").strip() for value in raw.values()):
                continue  # blank line
            report.rows += 1
            if report.rows > MAX_ROWS:
                _too_many_rows(report)
                report.rows -= 1
                return report
            data, failed = _row_data(raw, index, report, service.import_day_first)
            try:
                patient = services.referral_validate(service=service, data=data, today=today)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    if name not in failed:
                        for message in messages:
                            report.problems.append(RowProblem(index, name, message))
                continue
            if failed:
                continue
            key = duplicate_key(patient.hospital_number, patient.date_of_injury)
            if key in report.existing:
                report.problems.append(
                    RowProblem(
                        index,
                        "hospital_number",
                        "already referred with this date of injury "
                        f"(patient #{report.existing[key]})",
                    )
                )
                continue
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
    if progress is not None:
        progress(report.rows)
    return report


def referrals_write(
    *, actor: Actor, service: Service, report: ImportReport, valid_rows_only: bool = False
) -> ImportReport:
    """Write a checked report's valid rows in one short transaction.

    Only what can have changed since the check is looked at again: referrals
    for the same hospital numbers and dates of injury saved meanwhile. Such a
    row is reported like any bad row (and, unless ``valid_rows_only``, nothing
    is written). The rows are inserted in batches, and one audit event names
    every referral created.
    """
    if report.file_refused or (report.problems and not valid_rows_only) or not report.valid:
        return report
    with transaction.atomic():
        now_existing = _existing_referrals(
            service, injured_on=(patient.date_of_injury for _, patient in report.valid)
        )
        meanwhile: list[RowProblem] = []
        rows: list[Patient] = []
        for index, patient in report.valid:
            key = duplicate_key(patient.hospital_number, patient.date_of_injury)
            if key in now_existing:
                meanwhile.append(
                    RowProblem(
                        index,
                        "hospital_number",
                        "already referred with this date of injury "
                        f"(patient #{now_existing[key]}, saved while the file was checked)",
                    )
                )
            else:
                rows.append(patient)
        if meanwhile:
            report.problems = sorted([*report.problems, *meanwhile], key=lambda p: p.row)
            bad = {p.row for p in meanwhile}
            report.valid = [(index, patient) for index, patient in report.valid if index not in bad]
            if not valid_rows_only or not rows:
                return report
        try:
            with transaction.atomic():
                created = Patient.objects.bulk_create(rows, batch_size=WRITE_BATCH)
                audit_record(
                    actor=actor,
                    action="patient.create",
                    object_type=Patient._meta.label_lower,
                    service_id=service.pk,
                    object_ids=[patient.pk for patient in created],
                    fields=["import"],
                )
        except IntegrityError:
            # A clash the re-read cannot see (another import committing in between on
            # PostgreSQL): nothing was written; the person runs the import again.
            report.problems.append(
                RowProblem(
                    0,
                    "file",
                    "another referral with the same hospital number and date of injury "
                    "was saved meanwhile; nothing was imported, run the import again",
                )
            )
            return report
        report.created = list(created)
        report.written = True
    return report


def referrals_import(
    *,
    actor: Actor,
    service: Service,
    content: bytes,
    valid_rows_only: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check outside any transaction, then write in one short one (not for a dry run)."""
    if actor is not SYSTEM:
        policy.require(actor, "patient.manage", service)
    report = referrals_check(service=service, content=content, progress=progress)
    if dry_run:
        return report
    return referrals_write(
        actor=actor, service=service, report=report, valid_rows_only=valid_rows_only
    )


# --- Imports from the upload page: a job the task worker runs ---------------------------

PROBLEMS_KEPT = 500  # lines stored on the job for the page; problem_count has them all
PREVIEW_ROWS = 20


def import_job_create(
    *,
    actor: User,
    service: Service,
    file_name: str,
    content: bytes,
    valid_rows_only: bool = False,
) -> ReferralImportJob:
    """Keep the uploaded file and queue its check; the page then shows the progress."""
    from alongside.patients import tasks

    policy.require(actor, "patient.manage", service)
    if len(content) > MAX_BYTES:
        raise ValidationError(
            {
                "file": f"The file is {len(content) / (1024 * 1024):.1f} MB; "
                f"the limit is {MAX_LABEL}."
            }
        )
    _forget_old_files()
    with transaction.atomic():
        job = ReferralImportJob.objects.create(
            service=service,
            created_by=actor,
            file_name=file_name[:255],
            content=content,
            valid_rows_only=valid_rows_only,
        )
        audit_record(actor=actor, action="referral_import.upload", target=job)
    tasks.referral_import_check.enqueue(job_id=job.pk)
    return job


def import_job_confirm(*, actor: User, job: ReferralImportJob) -> ReferralImportJob:
    """Queue the write of a checked file; a second confirmation changes nothing."""
    from alongside.patients import tasks

    policy.require(actor, "patient.manage", job)
    if not job.can_confirm:
        raise ValidationError("This file cannot be imported; upload it again.")
    with transaction.atomic():
        claimed = ReferralImportJob.objects.filter(
            pk=job.pk, status=ReferralImportStatus.CHECKED
        ).update(status=ReferralImportStatus.WRITING, rows_checked=0)
        if claimed:
            audit_record(actor=actor, action="referral_import.confirm", target=job)
    if claimed:
        tasks.referral_import_write.enqueue(job_id=job.pk)
    job.refresh_from_db()
    return job


def _forget_old_files() -> None:
    """Files of imports older than a day are emptied: a preview does not wait for ever."""
    cutoff = timezone.now() - timedelta(days=1)
    ReferralImportJob.objects.filter(created_at__lt=cutoff).exclude(
        status__in=(ReferralImportStatus.IMPORTED, ReferralImportStatus.NOT_IMPORTED)
    ).update(
        status=ReferralImportStatus.NOT_IMPORTED,
        content=b"",
        message="Nothing was imported: the file was removed after a day; upload it again.",
    )


def _job_progress(job_id: int) -> Progress:
    def report(rows: int) -> None:
        # Autocommit: a tiny write, so the page sees it at once.
        ReferralImportJob.objects.filter(pk=job_id).update(rows_checked=rows)

    return report


def _store_report(job: ReferralImportJob, report: ImportReport) -> None:
    job.rows_read = report.rows
    job.rows_checked = report.rows
    job.rows_valid = len(report.valid)
    job.bad_rows = len(report.bad_rows)
    job.file_refused = report.file_refused
    lines = report.lines()
    job.problems = lines[:PROBLEMS_KEPT]
    job.problem_count = len(lines)


def import_job_check(*, job_id: int) -> ReferralImportJob:
    """The worker's first step: check every row (outside any transaction), keep a preview."""
    job = ReferralImportJob.objects.get(pk=job_id)
    report = referrals_check(
        service=job.service, content=bytes(job.content), progress=_job_progress(job.pk)
    )
    _store_report(job, report)
    job.preview = [
        {
            "row": index,
            "hospital_number": patient.hospital_number,
            "name": patient.full_name,
            "date_of_injury": patient.date_of_injury.isoformat(),
            "date_of_referral": patient.date_of_referral.isoformat()
            if patient.date_of_referral
            else "",
        }
        for index, patient in report.valid[:PREVIEW_ROWS]
    ]
    job.status = ReferralImportStatus.CHECKED
    if not job.can_confirm:
        job.content = b""  # nothing can be imported from it: do not keep it
        job.message = "Nothing will be imported from this file."
    job.save()
    return job


def import_job_write(*, job_id: int) -> ReferralImportJob:
    """The worker's second step: check again (the file may be hours old), then write."""
    job = ReferralImportJob.objects.select_related("service", "created_by").get(pk=job_id)
    if job.status != ReferralImportStatus.WRITING:
        return job
    actor = job.created_by
    if actor is None or not policy.can(actor, "patient.manage", job.service):
        job.status = ReferralImportStatus.NOT_IMPORTED
        job.content = b""
        job.message = "Nothing was imported: whoever uploaded it no longer manages referrals here."
        job.save()
        return job
    report = referrals_import(
        actor=actor,
        service=job.service,
        content=bytes(job.content),
        valid_rows_only=job.valid_rows_only,
        progress=_job_progress(job.pk),
    )
    _store_report(job, report)
    job.content = b""
    if report.written:
        job.status = ReferralImportStatus.IMPORTED
        job.rows_written = len(report.created)
        skipped = f"; {job.bad_rows} rows with problems were skipped" if job.bad_rows else ""
        job.message = f"Imported {job.rows_written} referrals into {job.service}{skipped}."
    else:
        job.status = ReferralImportStatus.NOT_IMPORTED
        job.message = "Nothing was imported: the file has problems now (see below)."
    job.save()
    return job


def import_job_failed(*, job_id: int) -> None:
    """The worker met an unexpected error: say so on the page instead of spinning for ever."""
    ReferralImportJob.objects.filter(
        pk=job_id, status__in=ReferralImportJob.ACTIVE_STATUSES
    ).update(
        status=ReferralImportStatus.NOT_IMPORTED,
        content=b"",
        message="The import stopped on an unexpected error; nothing was imported. "
        "Try again, and tell your administrator if it happens again.",
    )
