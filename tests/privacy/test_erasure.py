"""Erasure: after it, no table, export or API response holds the person; audit still verifies."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from alongside.accounts.models import ApiToken
from alongside.audit.models import AuditEvent
from alongside.audit.services import audit_record
from alongside.config.cli import main
from alongside.contacts.models import Concern
from alongside.field_encryption import encrypted_fields
from alongside.patients.models import Goal, Patient
from alongside.privacy import services
from alongside.privacy.models import Erasure, ErasureStatus
from tests.contacts.factories import ContactFactory, home_active_match

pytestmark = pytest.mark.django_db

NAME = ("Zebedee", "Quillfeather")
EMAIL = "zebedee.quillfeather@test.example"
PHONE = "+61 400 987 654"
POSTCODE = "3999"
HOSPITAL_NUMBER = "URN-QF-77123"
FREE_TEXT = "Spoke about the forklift accident at Quillfeather Freight and his daughter Tilly"
CONCERN = "Mentioned nightmares about the crash on the Westgate bridge"


@pytest.fixture(autouse=True)
def checkpoint_file(settings, tmp_path: Path) -> Path:
    settings.ALONGSIDE_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    return settings.ALONGSIDE_AUDIT_CHECKPOINT_FILE


def _distinctive_patient(world):
    """The contacts persona's patient, with details nothing else in the database shares."""
    match = home_active_match(world, persona_patient=True)
    patient = match.patient
    user = world.people["patient"]
    Patient.objects.filter(pk=patient.pk).update(
        given_name=NAME[0],
        family_name=NAME[1],
        email=EMAIL,
        phone=PHONE,
        postcode=POSTCODE,
        hospital_number=HOSPITAL_NUMBER,
        date_of_birth=dt.date(1988, 6, 17),
        referrer_name="Dr Quillfeather-Senior",
        discharged_on=timezone.localdate() - dt.timedelta(days=8 * 366),
    )
    type(user).objects.filter(pk=user.pk).update(email=EMAIL, full_name=" ".join(NAME))
    user.refresh_from_db()
    contact = ContactFactory(match=match, reflection=FREE_TEXT, logged_by=world.people["mentor"])
    Concern.objects.create(
        contact=contact,
        service=contact.service,
        kind="health_change",
        description=CONCERN,
        raised_by=world.people["mentor"],
    )
    Goal.objects.create(patient_id=patient.pk, text="Back on the forklift at Quillfeather Freight")
    ApiToken.objects.create(
        user=user,
        name="Zebedee's phone",
        prefix="zz",
        key_hash="f" * 64,
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    # Events this person did themselves carry their e-mail; they must be redacted.
    for _ in range(3):
        audit_record(actor=user, action="patient.view", target=patient)
    patient.refresh_from_db()
    return patient, user


def _identifiers() -> list[str]:
    return [NAME[0], NAME[1], EMAIL, PHONE, HOSPITAL_NUMBER, FREE_TEXT, CONCERN, "Tilly"]


def _every_column_containing(needle: str) -> list[str]:
    """Search EVERY table and column of the database (introspected), cast to text."""
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                name = connection.ops.quote_name(column.name)
                quoted = connection.ops.quote_name(table)
                cursor.execute(
                    # Names come from the database's own catalogue, quoted; the value is a param.
                    f"SELECT COUNT(*) FROM {quoted} WHERE LOWER(CAST({name} AS TEXT)) LIKE %s",  # noqa: S608
                    [f"%{needle.lower()}%"],
                )
                if cursor.fetchone()[0]:
                    hits.append(f"{table}.{column.name}")
    # Encrypted columns hold only ciphertext, which the search above cannot see into;
    # whoever has the keys could, so their decrypted text is searched as well.
    for model, field in encrypted_fields():
        values = model._base_manager.values_list(field.attname, flat=True)
        if any(needle.lower() in (value or "").lower() for value in values):
            hits.append(f"{model._meta.db_table}.{field.column} (decrypted)")
    return hits


def _erase(world, patient):
    erasure = services.erasure_request(
        actor=world.people["admin"], subject_type="patient", subject=patient, reason="asked"
    )
    return services.erasure_confirm(actor=world.people["admin"], erasure=erasure)


def test_after_erasure_no_table_holds_the_person_and_audit_still_verifies(world, capsys) -> None:
    patient, user = _distinctive_patient(world)
    # The search can fail: before erasure it finds the person in many places.
    assert _every_column_containing(EMAIL) and _every_column_containing(FREE_TEXT)
    assert main(["audit", "checkpoint"]) == 0
    erasure = _erase(world, patient)
    assert erasure.status == ErasureStatus.DONE
    for needle in _identifiers():
        assert _every_column_containing(needle) == [], needle
    # Postcode digits are common: look where the address was kept.
    patient.refresh_from_db()
    assert patient.postcode == "" and patient.latitude is None
    assert patient.date_of_birth == dt.date(1988, 1, 1)
    # Ids and codes kept, so aggregate counts survive.
    assert patient.pk and patient.status and patient.injury_category == patient.injury_category
    assert Patient.objects.filter(pk=patient.pk).exists()
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert erasure.summary["audit_events_redacted"] >= 3
    assert AuditEvent.objects.filter(action="erasure.confirm", object_id=str(erasure.pk)).exists()
    assert main(["audit", "verify"]) == 0, capsys.readouterr().err


def test_exports_and_api_for_the_erased_patient_hold_none_of_it(world, tmp_path) -> None:
    patient, _ = _distinctive_patient(world)
    _erase(world, patient)
    fhir = tmp_path / "fhir.json"
    assert main(["export", "fhir", str(fhir), "--patient", str(patient.pk)]) == 0
    research = tmp_path / "research.zip"
    assert main(["export", "research", str(research)]) == 0
    texts = [fhir.read_text()]
    with zipfile.ZipFile(research) as archive:
        texts += [archive.read(name).decode() for name in archive.namelist()]
    client = world.client_for("admin")
    for path in (f"/patients/{patient.pk}/", "/patients/", "/privacy/erasures/"):
        page = client.get(path)
        assert page.status_code == 200, path
        texts.append(page.content.decode())
    bearer = {"Authorization": f"Bearer {world.token_for('admin')}"}
    for path in (f"/api/v1/patients/{patient.pk}", "/api/v1/patients"):
        answer = Client().get(path, headers=bearer)
        assert answer.status_code == 200, (path, answer.content[:200])
        texts.append(answer.content.decode())
    blob = "\n".join(texts).lower()
    for needle in _identifiers():
        assert needle.lower() not in blob, needle


def test_erasure_is_one_transaction(world, monkeypatch) -> None:
    patient, user = _distinctive_patient(world)
    erasure = services.erasure_request(
        actor=world.people["admin"], subject_type="patient", subject=patient, reason="asked"
    )

    def fail(identifiers):
        raise RuntimeError("the disk filled up half-way")

    # A failure late in the erasure (after the rows were scrubbed) leaves nothing changed.
    monkeypatch.setattr(services.engine, "sweep_copies", fail)
    with pytest.raises(RuntimeError):
        services.erasure_confirm(actor=world.people["admin"], erasure=erasure)
    patient.refresh_from_db()
    user.refresh_from_db()
    assert patient.family_name == NAME[1] and user.is_active
    assert Erasure.objects.get(pk=erasure.pk).status == ErasureStatus.PROPOSED


def test_the_daily_sweep_lists_records_past_retention_and_erases_nothing(world) -> None:
    patient, _ = _distinctive_patient(world)
    assert services.retention_sweep() >= 1
    listed = Erasure.objects.get(subject_type="patient", subject_id=patient.pk)
    assert listed.status == ErasureStatus.PROPOSED and "7 years" in listed.reason
    assert services.retention_sweep() == 0  # listed once
    patient.refresh_from_db()
    assert patient.family_name == NAME[1]


def test_confirmation_page_erases_only_after_the_box_is_ticked(world) -> None:
    patient, _ = _distinctive_patient(world)
    erasure = services.erasure_request(
        actor=world.people["admin"], subject_type="patient", subject=patient, reason="asked"
    )
    client = world.client_for("admin")
    page = client.get(f"/privacy/erasures/{erasure.pk}/")
    assert page.status_code == 200 and b"Records found" in page.content
    refused = client.post(f"/privacy/erasures/{erasure.pk}/", {"decision": "erase"})
    assert refused.status_code == 200 and b"Tick the box" in refused.content
    assert Erasure.objects.get(pk=erasure.pk).status == ErasureStatus.PROPOSED
    done = client.post(f"/privacy/erasures/{erasure.pk}/", {"decision": "erase", "confirm": "on"})
    assert done.status_code == 302
    assert Erasure.objects.get(pk=erasure.pk).status == ErasureStatus.DONE
    # Another service's manager cannot see it.
    client = world.client_for("outsider")
    assert client.get(f"/privacy/erasures/{erasure.pk}/").status_code == 404
