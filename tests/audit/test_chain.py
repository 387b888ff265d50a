from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from alongside.audit.models import AuditEvent
from alongside.audit.selectors import audit_chain_verify
from alongside.audit.services import audit_record
from alongside.config.cli import main

pytestmark = pytest.mark.django_db


def _events(world, n: int = 4) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    return [
        audit_record(
            actor=world.people["therapist"],
            action="patient.view",
            object_type="patients.patient",
            object_id=i,
            service_id=world.home.pk,
            fields=["given_name"],
        )
        for i in range(n)
    ]


def test_each_event_chains_to_the_one_before(world) -> None:  # type: ignore[no-untyped-def]
    events = _events(world)
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    assert events[0].role == "therapist" and events[0].service_id == world.home.pk
    assert audit_chain_verify().intact


def test_verify_exits_0_on_an_intact_chain(world, capsys) -> None:  # type: ignore[no-untyped-def]
    _events(world)
    assert main(["audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out


def _tamper(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Only the database owner can lift the append-only trigger, as an attacker with
            # full database access could; the hash chain must still show the change.
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


def test_editing_one_row_by_hand_is_named_by_verify(world, capsys) -> None:  # type: ignore[no-untyped-def]
    events = _events(world)
    victim = events[2]
    _tamper("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["patient.export", victim.pk])
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"event {victim.pk}" in err and "does not match its hash" in err


def test_deleting_a_row_breaks_the_link_of_the_next(world, capsys) -> None:  # type: ignore[no-untyped-def]
    events = _events(world)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    report = audit_chain_verify()
    assert report.broken_event_id == events[2].pk and "link" in report.problem


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_postgresql_refuses_update_and_delete(world) -> None:  # type: ignore[no-untyped-def]
    event = _events(world, 1)[0]
    for statement in (
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement, [event.pk])
