"""CSV referral import: all or nothing, valid rows only, file problems."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from alongside.accounts.policy import SYSTEM
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


# --- Issue 9, point 3: the import must not lock the database ---------------------------


def test_probe_3_import_does_not_lock_database(tmp_path: Path) -> None:
    """11,000 rows, dry run and real, while a mentor signs in and logs contacts (SQLite file)."""
    import json
    import os
    import subprocess
    import sys

    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the lock is SQLite's; PostgreSQL locks rows, not the database")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(ALONGSIDE_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="alongside.config.settings")
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [sys.executable, "-m", "tests.patients.sqlite_import_lock"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    dry_run, real = result["runs"]
    for run_result in (dry_run, real):
        assert run_result["returncode"] == 0, run_result["stderr"]
        outcomes = [r["outcome"] for r in run_result["rounds"]]
        assert set(outcomes) == {"ok"}, outcomes
        # The second client really worked while the import ran.
        assert sum(1 for r in run_result["rounds"] if r["importer_running"]) >= 3, run_result
    assert "11000 valid" in dry_run["stdout"] and dry_run["patients"] == 1
    assert "Imported 11000 referrals" in real["stdout"] and real["patients"] == 11001
    assert result["contacts"] == len(dry_run["rounds"]) + len(real["rounds"])


@pytest.mark.django_db(transaction=True)
def test_probe_3_checking_opens_no_transaction_and_writing_one(monkeypatch) -> None:
    """A dry run enters no atomic block; an import enters one only after every row is checked."""
    from django.db import transaction

    service = ServiceFactory(slug="no-transaction", occupation_classification="anzsco")
    events: list[str] = []
    real_enter = transaction.Atomic.__enter__

    def enter(self):
        events.append("atomic")
        return real_enter(self)

    monkeypatch.setattr(transaction.Atomic, "__enter__", enter)
    content = _csv(_rows(1200))
    report = importing.referrals_import(
        actor=SYSTEM,
        service=service,
        content=content,
        dry_run=True,
        progress=lambda rows: events.append(f"checked {rows}"),
    )
    assert report.ok and len(report.valid) == 1200
    assert "atomic" not in events
    assert events[-1] == "checked 1200"
    events.clear()
    report = importing.referrals_import(
        actor=SYSTEM,
        service=service,
        content=content,
        progress=lambda rows: events.append(f"checked {rows}"),
    )
    assert report.written and Patient.objects.filter(service=service).count() == 1200
    first_atomic = events.index("atomic")
    assert events[first_atomic - 1] == "checked 1200"
    assert all(not event.startswith("checked") for event in events[first_atomic:])


def test_probe_3_checking_runs_no_query_per_row(service, django_assert_max_num_queries) -> None:
    PatientFactory(service=service, hospital_number="OLD1", date_of_injury=date(2024, 1, 1))
    with django_assert_max_num_queries(3):
        report = importing.referrals_check(service=service, content=_csv(_rows(300)))
    assert len(report.valid) == 300


def test_probe_3_one_audit_event_names_every_imported_referral(service, tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_bytes(_csv(_rows(25)))
    before = AuditEvent.objects.count()
    assert _run(str(path), "--service", service.slug)[0] == 0
    created = set(Patient.objects.filter(service=service).values_list("pk", flat=True))
    events = list(AuditEvent.objects.order_by("pk")[before:])
    [event] = [e for e in events if e.action == "patient.create"]
    assert {int(i) for i in event.object_ids} == created and len(created) == 25
    assert event.service_id == service.pk and event.fields == ["import"]


def test_probe_3_a_referral_saved_between_check_and_write_is_caught(service) -> None:
    rows = _rows(4)
    content = _csv(rows)
    injured = date.fromisoformat(rows[2]["date_of_injury"])
    report = importing.referrals_check(service=service, content=content)
    assert report.ok
    # Someone types row 4's referral by hand (in another case) while the file waits.
    existing = PatientFactory(service=service, hospital_number="mrn000002", date_of_injury=injured)
    report = importing.referrals_write(actor=SYSTEM, service=service, report=report)
    assert not report.written and not Patient.objects.exclude(pk=existing.pk).exists()
    assert report.lines() == [
        "row 4: hospital_number: already referred with this date of injury "
        f"(patient #{existing.pk}, saved while the file was checked)"
    ]
    report = importing.referrals_check(service=service, content=content)
    assert report.lines()[0].startswith("row 4: hospital_number: already referred")
    report = importing.referrals_write(
        actor=SYSTEM, service=service, report=report, valid_rows_only=True
    )
    assert report.written and len(report.created) == 3


def test_probe_3_the_row_limit_is_stated_and_named_when_exceeded(
    service, tmp_path: Path, monkeypatch
) -> None:
    from alongside.organisations.models import Service
    from alongside.patients.forms import ImportForm

    assert importing.MAX_ROWS == 20_000
    form = ImportForm(services=Service.objects.all())
    assert "20,000 rows" in str(form.fields["file"].help_text)
    from alongside.patients.management.commands.import_referrals import Command

    help_text = Command().create_parser("alongside", "import_referrals").format_help()
    assert "20,000 rows" in " ".join(help_text.split())
    docs = Path(__file__).resolve().parents[2] / "docs" / "patients.md"
    assert "20,000 rows" in docs.read_text()

    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    monkeypatch.setattr(importing, "MAX_ROWS_LABEL", "3 rows")
    path = tmp_path / "four.csv"
    path.write_bytes(_csv(_rows(4)))
    code, _, err = _run(str(path), "--service", service.slug)
    assert code == 1 and "the limit is 3 rows" in err
    assert not Patient.objects.exists()
    assert importing.referrals_check(service=service, content=_csv(_rows(3))).ok


# --- The upload page: a background job with a progress page -----------------------------


def _upload(client, world, content: bytes, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    upload = SimpleUploadedFile("referrals.csv", content, "text/csv")
    return client.post(
        reverse("patients:import"), {"service": world.home.pk, "file": upload, **extra}
    )


def test_probe_3_upload_is_checked_by_the_worker_with_a_progress_fragment(
    world, run_worker
) -> None:
    from alongside.patients.models import ReferralImportJob, ReferralImportStatus

    client = world.client_for("therapist")
    rows = _rows(30)
    rows[4]["date_of_birth"] = "not a date"
    response = _upload(client, world, _csv(rows), valid_rows_only="on")
    assert response.status_code == 302
    job = ReferralImportJob.objects.get()
    assert (
        job.status == ReferralImportStatus.CHECKING and job.created_by == world.people["therapist"]
    )
    assert response["Location"].endswith(f"/import/{job.pk}/")
    # While it waits, the page polls a small fragment (htmx, no script of its own).
    body = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in body and "<script>" not in body
    fragment = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<section id="import-job"') and "<html" not in fragment
    run_worker()
    job.refresh_from_db()
    assert job.status == ReferralImportStatus.CHECKED and job.rows_checked == 30
    body = client.get(response["Location"]).content.decode()
    assert "every 2s" not in body  # finished: polling stops
    assert "29 valid" in body and "row 6: date_of_birth:" in body and "MRN000000" in body
    assert not Patient.objects.exists()
    assert client.post(response["Location"] + "confirm/").status_code == 302
    assert client.post(response["Location"] + "confirm/").status_code == 302  # twice: no-op
    run_worker()
    job.refresh_from_db()
    assert job.status == ReferralImportStatus.IMPORTED and job.rows_written == 29
    assert Patient.objects.filter(service=world.home).count() == 29
    assert bytes(job.content) == b""  # the file is not kept once imported
    body = client.get(response["Location"]).content.decode()
    assert "Imported 29 referrals" in body and "row 6: date_of_birth:" in body


def test_probe_3_bad_files_are_reported_on_the_job_page(world, run_worker) -> None:
    from alongside.patients.models import ReferralImportJob

    client = world.client_for("admin")
    latin = _csv(_rows(2)).replace(b"Given0", "Gülşen".encode("latin-1", "replace"))
    response = _upload(client, world, b"")
    assert response.status_code == 400 and "The submitted file is empty" in response.text
    cases = {
        b"\xef\xbb\xbf\n": "the file is empty",
        latin: "not UTF-8",
        b"name,age\nA,3\n": "missing columns",
    }
    for content, words in cases.items():
        response = _upload(client, world, content)
        assert response.status_code == 302, content
        run_worker()
        body = client.get(response["Location"]).content.decode()
        assert words in body and "confirm/" not in body  # no import button
    assert all(bytes(job.content) == b"" for job in ReferralImportJob.objects.all())
    assert not Patient.objects.exists()


def test_probe_3_a_crash_in_the_worker_is_shown_not_a_spinner(
    world, run_worker, monkeypatch
) -> None:
    from alongside.patients.models import ReferralImportJob, ReferralImportStatus

    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importing, "referrals_check", broken)
    client = world.client_for("therapist")
    response = _upload(client, world, _csv(_rows(2)))
    run_worker()
    job = ReferralImportJob.objects.get()
    assert job.status == ReferralImportStatus.NOT_IMPORTED
    body = client.get(response["Location"]).content.decode()
    assert "unexpected error" in body and "every 2s" not in body and "disk on fire" not in body
