"""Redacting the personal part of audit events on erasure keeps the chain verifiable.

The chain hashes a salted keyed digest of the personal part (actor e-mail, IP address),
so blanking those values leaves every hash intact; any other change still breaks it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from alongside.audit import chain
from alongside.audit.models import AuditChainHead, AuditEvent
from alongside.audit.selectors import audit_chain_verify
from alongside.audit.services import audit_events_redact, audit_record
from alongside.config.cli import main

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checkpoint_file(settings, tmp_path: Path) -> Path:
    settings.ALONGSIDE_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    return settings.ALONGSIDE_AUDIT_CHECKPOINT_FILE


def _tamper(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


def _events(world, who: str = "therapist", n: int = 3) -> list[AuditEvent]:
    return [
        audit_record(
            actor=world.people[who],
            action="patient.view",
            object_type="patients.patient",
            object_id=i,
            service_id=world.home.pk,
        )
        for i in range(n)
    ]


def test_verify_passes_after_redaction_and_the_values_are_gone(world, capsys) -> None:
    _events(world, "admin", 2)
    mine = _events(world, "therapist", 3)
    _events(world, "admin", 1)
    assert main(["audit", "checkpoint"]) == 0
    email = world.people["therapist"].email
    redacted = audit_events_redact(actor_id=world.people["therapist"].pk, reason="erasure #1")
    assert redacted == [e.pk for e in mine]
    for event in AuditEvent.objects.filter(pk__in=redacted):
        assert event.actor_email == "" and event.ip is None and event.personal_salt == ""
        assert event.redaction_reason == "erasure #1"
    assert not AuditEvent.objects.filter(actor_email=email).exists()
    # Hashes are untouched, so the chain, the head and the checkpoint all still hold.
    assert [e.hash for e in AuditEvent.objects.filter(pk__in=redacted).order_by("id")] == [
        e.hash for e in mine
    ]
    assert main(["audit", "verify"]) == 0, capsys.readouterr().err
    assert "intact" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("action", "patient.export"),
        ("object_id", "999"),
        ("role", "admin"),
        ("service_id", 0),
    ],
)
def test_verify_still_fails_when_a_field_that_was_not_redacted_is_changed(
    world, capsys, column, value
) -> None:
    mine = _events(world, "therapist", 3)
    audit_events_redact(actor_id=world.people["therapist"].pk, reason="erasure #2")
    assert main(["audit", "verify"]) == 0
    capsys.readouterr()
    # `column` is one of this test's own parameter names, never input.
    _tamper(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [value, mine[1].pk])  # noqa: S608
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"event {mine[1].pk}" in err, err


def test_changing_the_personal_details_of_an_unredacted_event_is_caught(world, capsys) -> None:
    mine = _events(world, "therapist", 2)
    _tamper(
        "UPDATE audit_auditevent SET actor_email = %s WHERE id = %s",
        ["someone-else@demo.example", mine[0].pk],
    )
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"event {mine[0].pk}" in err and "personal details" in err, err


def test_putting_an_e_mail_back_on_a_redacted_event_is_caught(world, capsys) -> None:
    mine = _events(world, "therapist", 2)
    audit_events_redact(actor_id=world.people["therapist"].pk, reason="erasure #3")
    _tamper(
        "UPDATE audit_auditevent SET actor_email = %s WHERE id = %s",
        ["framed@demo.example", mine[0].pk],
    )
    report = audit_chain_verify()
    assert report.broken_event_id == mine[0].pk and "redacted" in report.problem


def test_events_chained_before_the_personal_digest_are_sealed_when_redacted(world, capsys) -> None:
    # Rebuild the chain as the code before the personal digest wrote it.
    _events(world, "admin", 1)
    _events(world, "therapist", 2)
    prev = chain.GENESIS
    home = world.home.pk  # the events sit in the home service's chain
    for event in AuditEvent.objects.filter(chain=home).order_by("id"):
        event.personal_digest, event.personal_salt, event.prev_hash = "", "", prev
        event.hash = chain.event_digest(event)
        _tamper(
            "UPDATE audit_auditevent SET personal_digest = '', personal_salt = '', "
            "prev_hash = %s, hash = %s WHERE id = %s",
            [event.prev_hash, event.hash, event.pk],
        )
        prev = event.hash
    head = AuditChainHead.objects.get(chain=home)
    key = chain.current_key()
    AuditChainHead.objects.filter(chain=home).update(
        last_hash=prev,
        seal=chain.head_seal(
            count=head.count, last_hash=prev, legacy_count=head.legacy_count, key=key, chain=home
        ),
    )
    assert audit_chain_verify().intact
    redacted = audit_events_redact(actor_id=world.people["therapist"].pk, reason="erasure #4")
    assert len(redacted) == 2
    assert main(["audit", "verify"]) == 0, capsys.readouterr().err
    capsys.readouterr()
    _tamper("UPDATE audit_auditevent SET object_id = '42' WHERE id = %s", [redacted[0]])
    assert main(["audit", "verify"]) == 1
    assert f"event {redacted[0]}" in capsys.readouterr().err


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_postgresql_allows_redaction_and_nothing_else(world) -> None:
    event = _events(world, "therapist", 1)[0]
    refused = [
        # Redacting while changing something else.
        "UPDATE audit_auditevent SET actor_email = '', ip = NULL, personal_salt = '', "
        "redaction_reason = 'x', action = 'y' WHERE id = %s",
        # Blanking the e-mail without recording a reason.
        "UPDATE audit_auditevent SET actor_email = '' WHERE id = %s",
    ]
    for statement in refused:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement, [event.pk])
    audit_events_redact(actor_id=world.people["therapist"].pk, reason="erasure #5")
    # Once redacted, not even a second redaction may rewrite the reason.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditevent SET redaction_reason = 'other' WHERE id = %s", [event.pk]
            )
    assert audit_chain_verify().intact
