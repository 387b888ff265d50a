"""Subject access: one ZIP (JSON + printable HTML) of everything held about a person."""

from __future__ import annotations

import io
import json
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command

from alongside.audit.models import AuditEvent
from alongside.audit.services import audit_record
from alongside.config.cli import main
from alongside.contacts.models import Concern
from tests.contacts.factories import ContactFactory, home_active_match
from tests.mentors.factories import home_mentor

pytestmark = pytest.mark.django_db

REFLECTION = "Talked about the first week back on light duties"


def _patient_with_history(world):
    match = home_active_match(world, persona_patient=True)
    contact = ContactFactory(match=match, reflection=REFLECTION, logged_by=world.people["mentor"])
    Concern.objects.create(
        contact=contact,
        service=contact.service,
        kind="health_change",
        description="Tired",
        raised_by=world.people["mentor"],
    )
    audit_record(actor=world.people["therapist"], action="patient.view", target=match.patient)
    return match.patient


def _open(path: Path) -> tuple[dict, str]:
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["subject-access.html", "subject-access.json"]
        return (
            json.loads(archive.read("subject-access.json")),
            archive.read("subject-access.html").decode(),
        )


def test_command_writes_json_and_html_for_a_patient_by_account_e_mail(world, tmp_path) -> None:
    patient = _patient_with_history(world)
    out = tmp_path / "sar.zip"
    # call_command, not `alongside manage`: a management command run from argv closes the
    # database connections when it ends, and on PostgreSQL that ends the test's transaction.
    call_command("subject_access", world.people["patient"].email, str(out))
    report, html = _open(out)
    assert report["format"] == "alongside-subject-access/1"
    assert report["subject"] == {
        "type": "patient",
        "id": patient.pk,
        "service_id": world.home.pk,
        "account_id": world.people["patient"].pk,
    }
    records = report["records"]
    assert [r["id"] for r in records["patients.patient"]] == [patient.pk]
    # The mentor's reflection and the concern are about the patient: in the patient's export.
    assert any(r["reflection"] == REFLECTION for r in records["contacts.contact"])
    assert "contacts.concern" in records and "accounts.membership" in records
    # The mentor's own record is not.
    assert "mentors.mentor" not in records
    assert not any("password" in r for r in records["accounts.user"])
    views = [e for e in report["audit_events"] if e["action"] == "patient.view"]
    assert views and views[0]["object_id"] == str(patient.pk)
    assert REFLECTION in html and patient.family_name in html
    HTMLParser().feed(html)  # parses
    assert AuditEvent.objects.filter(
        action="subject_access.export", object_id=str(patient.pk)
    ).exists()


def test_a_mentor_export_holds_their_own_reflections(world, tmp_path) -> None:
    _patient_with_history(world)
    mentor = home_mentor(world)
    out = tmp_path / "mentor.zip"
    call_command("subject_access", f"mentor:{mentor.pk}", str(out))
    report, _ = _open(out)
    assert [r["id"] for r in report["records"]["mentors.mentor"]] == [mentor.pk]
    assert any(r["reflection"] == REFLECTION for r in report["records"]["contacts.contact"])
    assert "patients.patient" not in report["records"]


def test_unknown_person_is_one_line_and_exit_1(world, tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["manage", "subject_access", "nobody@test.example", str(tmp_path / "x.zip")])
    assert exit_.value.code == 1
    assert "no patient or mentor is known as" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()


def test_manager_downloads_it_and_other_services_cannot(world) -> None:
    patient = _patient_with_history(world)
    client = world.client_for("admin")
    answer = client.post("/privacy/subject-access/", {"who": f"patient:{patient.pk}"})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    assert "attachment" in answer["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        assert "subject-access.json" in archive.namelist()
    event = AuditEvent.objects.filter(action="subject_access.export").latest("id")
    assert event.actor_id == world.people["admin"].pk and event.object_id == str(patient.pk)
    outsider = world.client_for("outsider")
    assert (
        outsider.post("/privacy/subject-access/", {"who": f"patient:{patient.pk}"}).status_code
        == 404
    )


def test_list_reads_naming_the_person_are_included_with_only_their_ids(world) -> None:
    from alongside.privacy.subject_access import subject_access_report

    patient = _patient_with_history(world)
    typed = f"patients.patient:{patient.pk}"
    # A real list page: the therapist's caseload names this patient among others.
    page = world.client_for("therapist").get("/patients/")
    assert page.status_code == 200
    listed = AuditEvent.objects.filter(action="read", object_ids__isnull=False).order_by("pk")
    listing = [e for e in listed if typed in (e.object_ids or [])]
    assert listing, "the list page should have written a read event naming the patient"
    # An id that only starts the same is someone else.
    look_alike = audit_record(
        actor=world.people["therapist"],
        action="read",
        object_ids=[f"patients.patient:{patient.pk}0", f"patients.patient:{patient.pk + 1}"],
    )

    report = subject_access_report(patient)
    by_id = {e["id"]: e for e in report["audit_events"]}
    for event in listing:
        assert by_id[event.pk]["object_ids"] == [typed]  # the other patients are left out
    assert look_alike.pk not in by_id
