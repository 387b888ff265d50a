"""The research export: no identifiers or free text, stable pseudonymous ids, dictionary."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.mentors.models import Mentor
from alongside.patients.models import Goal, Patient
from alongside.reports import research
from alongside.reports.models import DateHandling, ExportJob, ResearchSettings
from alongside.reports.pseudonyms import Pseudonymiser
from tests.personas import World
from tests.reports.factories import populate

pytestmark = pytest.mark.django_db


def _files(content: bytes) -> dict[str, list[dict[str, str]]]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return {
        name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
        for name in archive.namelist()
        if name.endswith(".csv")
    }


@pytest.fixture
def filled(world: World) -> World:
    populate(world.home, patients=25)
    for i, patient in enumerate(Patient.objects.filter(service=world.home)):
        patient.given_name, patient.family_name = f"Givenqz{i}", f"Familyqz{i}"
        patient.email, patient.phone = f"person{i}@mail.example", f"+61355500{i:03d}"
        patient.postcode, patient.hospital_number = f"3{i:03d}", f"URQZ{i:05d}"
        patient.employer = f"Employerqz{i}"
        patient.save()
    # Names no export word can contain (a random "Foster" is also an occupation's word).
    for i, mentor in enumerate(Mentor.objects.filter(service=world.home)):
        mentor.first_name, mentor.last_name = f"Mentorqz{i}", f"Lastqz{i}"
        mentor.save(update_fields=["first_name", "last_name"])
    Goal.objects.filter(patient__service=world.home).update(text="Secret goal qzqz")
    return world


def test_no_identifier_or_free_text_and_stable_ids_across_files(filled: World) -> None:
    content = research.research_zip(filled.home)
    text = zipfile.ZipFile(io.BytesIO(content))
    whole = b"".join(text.read(n) for n in text.namelist()).decode("utf-8-sig")
    for patient in Patient.objects.filter(service=filled.home):
        for value in (
            patient.given_name,
            patient.family_name,
            patient.email,
            patient.phone,
            patient.hospital_number,
            patient.employer,
        ):
            assert value not in whole
        assert patient.date_of_birth.isoformat() not in whole
    for mentor in Mentor.objects.filter(service=filled.home):
        assert mentor.last_name not in whole
    assert "Secret goal" not in whole and "Phoned about return" not in whole
    files = _files(content)
    pseudonyms = Pseudonymiser(filled.home)
    people = {pseudonyms.id("patient", p.pk) for p in Patient.objects.filter(service=filled.home)}
    assert {r["patient_id"] for r in files["patients.csv"]} == people
    for name in (
        "questionnaires.csv",
        "work_statuses.csv",
        "matches.csv",
        "contacts.csv",
        "goals.csv",
        "fidelity.csv",
    ):
        assert files[name], name
        assert {r["patient_id"] for r in files[name]} <= people, name
    # Same person, same id, in a second export too.
    again = _files(research.research_zip(filled.home))
    assert [r["patient_id"] for r in again["patients.csv"]] == [
        r["patient_id"] for r in files["patients.csv"]
    ]


def test_ids_differ_between_services(world: World) -> None:
    assert Pseudonymiser(world.home).id("patient", 1) != Pseudonymiser(world.other).id("patient", 1)


def test_dates_are_intervals_by_default_or_shifted_consistently(filled: World) -> None:
    files = _files(research.research_zip(filled.home))
    row = files["patients.csv"][0]
    assert "date_of_referral_days_from_injury" in row and "date_of_referral" not in row
    assert row["date_of_injury_days_from_injury"] == "0"
    ResearchSettings.objects.create(
        service=filled.home, date_handling=DateHandling.SHIFT, max_shift_days=60
    )
    shifted = _files(research.research_zip(filled.home))
    pseudonyms = Pseudonymiser(filled.home)
    by_id = {pseudonyms.id("patient", p.pk): p for p in Patient.objects.filter(service=filled.home)}
    for row in shifted["patients.csv"]:
        patient = by_id[row["patient_id"]]
        shift = dt.date.fromisoformat(row["date_of_injury"]) - patient.date_of_injury
        assert shift.days != 0 and abs(shift.days) <= 60
        moved = dt.date.fromisoformat(row["date_of_referral"]) - patient.date_of_referral
        assert moved == shift  # every date of one person moves by the same days
        assert patient.date_of_injury.isoformat() != row["date_of_injury"]


def test_free_text_only_when_asked_and_then_neutralised(filled: World) -> None:
    Goal.objects.filter(patient__service=filled.home).update(text='=HYPERLINK("x")')
    without = _files(research.research_zip(filled.home))
    assert "text" not in without["goals.csv"][0]
    with_text = _files(research.research_zip(filled.home, free_text=True))
    assert with_text["goals.csv"][0]["text"] == '\'=HYPERLINK("x")'


def test_the_data_dictionary_describes_every_column(filled: World) -> None:
    content = research.research_zip(filled.home)
    files = _files(content)
    dictionary = files["data_dictionary.csv"]
    described = {(r["file"], r["variable"]) for r in dictionary}
    for name, rows in files.items():
        if name == "data_dictionary.csv" or not rows:
            continue
        for column in rows[0]:
            assert (name, column) in described, (name, column)
    flags = {r["variable"]: r["identifier"] for r in dictionary if r["file"] == "patients.csv"}
    assert flags["patient_id"] == "y" and flags["injury_category"] == ""
    gender = next(
        r for r in dictionary if r["variable"] == "gender" and r["file"] == "patients.csv"
    )
    assert "man, Man" in gender["choices"]  # gender words since the one vocabulary


def test_an_empty_service_exports_files_with_headers(world: World) -> None:
    files = _files(research.research_zip(world.home))
    assert files["patients.csv"] == []
    archive = zipfile.ZipFile(io.BytesIO(research.research_zip(world.home)))
    assert archive.read("patients.csv").decode("utf-8-sig").startswith("patient_id,")


def test_the_command(filled: World, tmp_path) -> None:
    from alongside.config.cli import main

    out = tmp_path / "research.zip"
    assert main(["export", "research", str(out), "--service", filled.home.slug]) == 0
    assert "patients.csv" in zipfile.ZipFile(out).namelist()
    both = tmp_path / "both.zip"
    assert main(["export", "research", str(both)]) == 0
    names = zipfile.ZipFile(both).namelist()
    assert f"{filled.home.slug}/patients.csv" in names
    assert f"{filled.other.slug}/patients.csv" in names
    assert main(["export", "research", str(tmp_path / "x.txt")]) == 1
    assert main(["export", "research", str(out), "--service", "nope"]) == 1
    assert AuditEvent.objects.filter(action="research.export").count() == 3


def test_the_analysts_page_runs_in_the_worker_with_progress_and_an_expiring_link(
    filled: World, run_worker, django_capture_on_commit_callbacks
) -> None:
    client = filled.client_for("analyst")
    url = reverse("reports:research", args=[filled.home.slug])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page  # the progress fragment polls
    run_worker()
    job.refresh_from_db()
    assert job.status == "done" and job.percent == 100
    fragment = client.get(reverse("reports:job", args=[job.pk]), headers={"HX-Request": "true"})
    assert "Download" in fragment.content.decode() and "every 2s" not in fragment.content.decode()
    download = client.get(reverse("reports:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert "patients.csv" in zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    # Someone else, even the admin, cannot fetch it.
    other = filled.client_for("admin").get(reverse("reports:job_download", args=[job.pk]))
    assert other.status_code == 404
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = client.get(reverse("reports:job_download", args=[job.pk]))
    assert expired.status_code == 410
    job.refresh_from_db()
    assert bytes(job.content) == b""
    analyst = filled.people["analyst"]
    assert AuditEvent.objects.filter(action="research.export", actor_id=analyst.pk).exists()


def test_only_the_admin_chooses_date_handling(world: World) -> None:
    url = reverse("reports:research_settings", args=[world.home.slug])
    choice = {"date_handling": "shift", "max_shift_days": 30}
    assert world.client_for("analyst").post(url, choice).status_code == 404
    assert world.client_for("admin").post(url, choice).status_code == 302
    assert ResearchSettings.objects.get(service=world.home).date_handling == "shift"
