"""Field-level encryption: notes, reflections and transcripts are ciphertext in the database,
plain text to the app; keys rotate without downtime; the database cannot be asked to search
them."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
import zipfile
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.exceptions import FieldError
from django.core.management import CommandError, call_command
from django.db import connection

from alongside.audit.models import AuditEvent
from alongside.contacts.models import Contact
from alongside.evaluation import selectors as evaluation_selectors
from alongside.evaluation.models import Transcript
from alongside.field_encryption import EncryptedTextField, FieldKeyError, encrypted_fields
from alongside.patients.models import (
    CapacityCertificate,
    CaseHold,
    EmployerContact,
    WorkStatus,
)
from alongside.privacy import services
from tests.contacts.factories import ContactFactory, home_active_match
from tests.evaluation import factories as evaluation
from tests.patients.factories import PatientFactory

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
SECRET = "talked about the flashbacks from the scaffold fall"

# Every column that holds free clinical text, mentors' reflections or interview words.
EXPECTED = {
    "contacts.contact.reflection",
    "evaluation.transcript.text",
    "patients.capacitycertificate.notes",
    "patients.casehold.note",
    "patients.employercontact.agreed",
    "patients.employercontact.summary",
    "patients.workstatus.note",
}


def _raw(model: Any, field: str, pk: int) -> str:
    """The column as the database holds it, read with a plain cursor (no model field)."""
    quote = connection.ops.quote_name
    column = model._meta.get_field(field).column
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(column)} FROM {quote(model._meta.db_table)} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()[0]


def _one_of_each(world: Any) -> list[tuple[Any, str, str]]:
    """(object, field, plain text) for one row of every encrypted column."""
    patient = PatientFactory(service=world.home)
    today = dt.date.today()
    made: list[tuple[Any, str, str]] = []
    employer = EmployerContact.objects.create(
        patient=patient,
        on=today,
        who="Site manager",
        summary=f"summary {SECRET}",
        agreed=f"agreed {SECRET}",
    )
    made += [(employer, "summary", f"summary {SECRET}"), (employer, "agreed", f"agreed {SECRET}")]
    certificate = CapacityCertificate.objects.create(
        patient=patient,
        from_date=today,
        to_date=today,
        capacity="modified",
        notes=f"notes {SECRET}",
    )
    made.append((certificate, "notes", f"notes {SECRET}"))
    status = WorkStatus.objects.create(
        patient=patient, from_date=today, status="on_leave", note=f"note {SECRET}"
    )
    made.append((status, "note", f"note {SECRET}"))
    hold = CaseHold.objects.create(
        patient=patient, reason="pta", note=f"hold {SECRET}", started_on=today, review_on=today
    )
    made.append((hold, "note", f"hold {SECRET}"))
    contact = ContactFactory(match=home_active_match(world), reflection=f"reflection {SECRET}")
    made.append((contact, "reflection", f"reflection {SECRET}"))
    study = evaluation.study(world.home, world.people["analyst"])
    transcript = evaluation.transcript(
        study, world.people["analyst"], text=f"Participant: I {SECRET}.\n"
    )
    made.append((transcript, "text", f"Participant: I {SECRET}.\n"))
    return made


def test_the_encrypted_columns_are_the_clinical_notes_reflections_and_transcripts() -> None:
    found = {f"{m._meta.label_lower}.{f.name}" for m, f in encrypted_fields()}
    assert found == EXPECTED


def test_raw_columns_hold_no_plain_text_and_the_app_reads_it_back(world) -> None:
    for obj, field, plain in _one_of_each(world):
        raw = _raw(type(obj), field, obj.pk)
        assert SECRET not in raw and "scaffold" not in raw, (obj, field)
        assert raw.startswith("gAAAAA")  # a Fernet token
        fresh = type(obj)._base_manager.get(pk=obj.pk)
        assert getattr(fresh, field) == plain
    # An empty value stays empty, so "has a reflection" is still a plain SQL test.
    blank = ContactFactory(match=home_active_match(world), reflection="")
    assert _raw(Contact, "reflection", blank.pk) == ""
    assert Contact.objects.filter(reflection="").filter(pk=blank.pk).exists()


def test_the_database_cannot_be_asked_to_search_an_encrypted_column() -> None:
    with pytest.raises(FieldError, match="encrypted"):
        list(Contact.objects.filter(reflection__icontains="scaffold"))
    with pytest.raises(FieldError, match="encrypted"):
        list(Contact.objects.filter(reflection="the whole text"))
    with pytest.raises(FieldError, match="encrypted"):
        list(Transcript.objects.filter(text__startswith="Participant"))
    assert list(Contact.objects.exclude(reflection="")) == []


def test_transcript_search_still_finds_passages(world) -> None:
    lead = world.people["analyst"]
    study = evaluation.study(world.home, lead)
    evaluation.transcript(study, lead, label="PT-01", text="Participant: the SCAFFOLD fell.\n")
    evaluation.transcript(study, lead, label="PT-02", text="Participant: nothing to say.\n")
    found = evaluation_selectors.search(lead, study, "scaffold")
    assert [(h["transcript"].name, h["match"]) for h in found["hits"]] == [
        ("Interview PT-01", "SCAFFOLD")
    ]


def test_an_old_key_still_decrypts_and_after_rotation_only_the_new_key_is_needed(
    world, settings
) -> None:
    settings.ALONGSIDE_FIELD_KEYS = [OLD]
    rows = _one_of_each(world)
    before = {(type(o), f, o.pk): _raw(type(o), f, o.pk) for o, f, _ in rows}

    # A new key goes first; the old one stays so that what it encrypted still reads.
    settings.ALONGSIDE_FIELD_KEYS = [NEW, OLD]
    for obj, field, plain in rows:
        assert getattr(type(obj)._base_manager.get(pk=obj.pk), field) == plain
    written = ContactFactory(match=home_active_match(world), reflection="written after")
    assert Fernet(NEW).decrypt(_raw(Contact, "reflection", written.pk).encode()) == (
        b"written after"
    )

    out = io.StringIO()
    call_command("rotate_field_keys", "--batch-size", "2", stdout=out)
    assert "contacts.contact.reflection: 1 re-encrypted" in out.getvalue()
    assert "patients.employercontact.summary: 1 re-encrypted" in out.getvalue()
    for key, old_token in before.items():
        new_token = _raw(*key)
        assert new_token != old_token
        Fernet(NEW).decrypt(new_token.encode())  # raises if not under the new key
    event = AuditEvent.objects.filter(action="field_keys.rotate").latest("pk")
    assert "contacts.contact.reflection" in event.fields

    # The old key can go now.
    settings.ALONGSIDE_FIELD_KEYS = [NEW]
    for obj, field, plain in rows:
        assert getattr(type(obj)._base_manager.get(pk=obj.pk), field) == plain
    assert services.field_keys_rotate(batch_size=500) == dict.fromkeys(EXPECTED, 0)

    # Without the new key nothing reads: the rotation really moved everything off OLD.
    settings.ALONGSIDE_FIELD_KEYS = [OLD]
    with pytest.raises(FieldKeyError):
        Contact.objects.get(pk=rows[5][0].pk)


def test_rotation_stops_naming_the_row_no_key_decrypts(world, settings) -> None:
    settings.ALONGSIDE_FIELD_KEYS = [OLD]
    contact = ContactFactory(match=home_active_match(world), reflection="under the old key")
    settings.ALONGSIDE_FIELD_KEYS = [NEW]  # the old key was dropped too early
    with pytest.raises(CommandError, match=rf"contacts.contact.reflection, row {contact.pk}:"):
        call_command("rotate_field_keys")


def test_the_data_migrations_encrypt_the_rows_already_there_and_go_back(world) -> None:
    rows = _one_of_each(world)
    quote = connection.ops.quote_name
    # Put the rows back as a database from before the migrations held them: plain text.
    with connection.cursor() as cursor:
        for obj, field, plain in rows:
            column = type(obj)._meta.get_field(field).column
            cursor.execute(
                f"UPDATE {quote(type(obj)._meta.db_table)} SET {quote(column)} = %s "  # noqa: S608
                "WHERE id = %s",
                [plain, obj.pk],
            )
    editor = SimpleNamespace(connection=connection)
    names = (
        "alongside.patients.migrations.0008_trust_encrypt_clinical_notes",
        "alongside.contacts.migrations.0004_trust_encrypt_reflections",
        "alongside.evaluation.migrations.0002_trust_encrypt_transcripts",
    )
    operations = [importlib.import_module(n).Migration.operations[-1] for n in names]
    for operation in operations:
        operation.code(apps, editor)
    for obj, field, plain in rows:
        assert SECRET not in _raw(type(obj), field, obj.pk)
        assert getattr(type(obj)._base_manager.get(pk=obj.pk), field) == plain
    # Running it again changes nothing (rows already encrypted are left alone).
    tokens = [_raw(type(o), f, o.pk) for o, f, _ in rows]
    for operation in operations:
        operation.code(apps, editor)
    assert [_raw(type(o), f, o.pk) for o, f, _ in rows] == tokens
    for operation in operations:
        operation.reverse_code(apps, editor)
    assert [_raw(type(o), f, o.pk) for o, f, _ in rows] == [plain for _, _, plain in rows]


def test_subject_access_shows_the_plain_text(world, tmp_path) -> None:
    match = home_active_match(world, persona_patient=True)
    ContactFactory(match=match, reflection=f"reflection {SECRET}")
    EmployerContact.objects.create(
        patient=match.patient, on=dt.date.today(), who="HR", summary=f"summary {SECRET}"
    )
    out = tmp_path / "sar.zip"
    call_command("subject_access", f"patient:{match.patient.pk}", str(out))
    with zipfile.ZipFile(out) as archive:
        report = json.loads(archive.read("subject-access.json"))
        html = archive.read("subject-access.html").decode()
    records = report["records"]
    assert any(r["reflection"] == f"reflection {SECRET}" for r in records["contacts.contact"])
    assert any(r["summary"] == f"summary {SECRET}" for r in records["patients.employercontact"])
    assert SECRET in html and "gAAAAA" not in html


def test_production_refuses_a_key_that_is_not_a_fernet_key(tmp_path) -> None:
    from tests.config.test_start_up import _alongside

    variables = {
        "ALONGSIDE_SECRET_KEY": "s" * 60,
        "ALONGSIDE_AUDIT_KEY": "a" * 40,
        "ALONGSIDE_FIELD_KEYS": f"{NEW},not-a-key",
    }
    result = _alongside(variables, tmp_path, "manage", "check")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "alongside: ALONGSIDE_FIELD_KEYS: key 2 is not a Fernet key (44 characters of "
        "url-safe base64; see docs/deployment.md)"
    ]


def test_the_field_is_a_text_field_so_erasure_and_forms_treat_it_as_free_text() -> None:
    field = Contact._meta.get_field("reflection")
    assert isinstance(field, EncryptedTextField)
    assert field.max_length == 4000
