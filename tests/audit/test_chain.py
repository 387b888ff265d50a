from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet

from alongside.audit import chain
from alongside.audit.chain import GENESIS, HMAC_SHA256, LEGACY_SHA256, audit_key_from
from alongside.audit.models import AuditChainHead, AuditEvent
from alongside.audit.selectors import audit_chain_verify
from alongside.audit.services import audit_record
from alongside.config.cli import main

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checkpoint_file(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    # Never the real ./var file: a developer's checkpoints would not match the test database.
    settings.ALONGSIDE_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    return settings.ALONGSIDE_AUDIT_CHECKPOINT_FILE


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


def _head(chain_id: int) -> QuerySet[AuditChainHead]:
    return AuditChainHead.objects.filter(chain=chain_id)


def _chain_events(chain_id: int) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(chain=chain_id)


def test_each_event_chains_to_the_one_before(world) -> None:  # type: ignore[no-untyped-def]
    events = _events(world)
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    assert events[0].role == "therapist" and events[0].service_id == world.home.pk
    # A service's events form that service's chain, starting afresh.
    assert {event.chain for event in events} == {world.home.pk}
    assert events[0].prev_hash == GENESIS
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


# --- Point 5: a keyed chain, a sealed head, checkpoints outside the database. ---------------
# Deleting and rewriting rows needs the append-only trigger lifted on PostgreSQL; `_tamper`
# does that as the table owner, as an attacker with full database access could, so these
# tests run on SQLite and on PostgreSQL alike.


def _attacker_rewrites_every_row(
    digest: Callable[[AuditEvent], str], scheme: int, chain_id: int
) -> None:
    """Change one event, then recompute every hash and link of its chain, as a writer would."""
    prev = GENESIS
    for event in _chain_events(chain_id).order_by("id"):
        if event.action == "patient.view" and event.object_id == "1":
            event.action = "patient.export"
        event.prev_hash, event.scheme = prev, scheme
        event.hash = digest(event)
        _tamper(
            "UPDATE audit_auditevent SET action = %s, prev_hash = %s, hash = %s, scheme = %s "
            "WHERE id = %s",
            [event.action, event.prev_hash, event.hash, event.scheme, event.pk],
        )
        prev = event.hash


def _attacker_rewrites_the_head(
    *, count: int, last_hash: str, legacy_count: int, chain_id: int
) -> None:
    """Make the head agree with a rewritten chain; without the key the seal can only be guessed."""
    wrong_key = audit_key_from("an attacker's guess at the audit key, 32+ chars")
    _head(chain_id).update(
        count=count,
        last_hash=last_hash,
        legacy_count=legacy_count,
        key_id=chain.current_key().key_id,
        seal=chain.head_seal(
            count=count,
            last_hash=last_hash,
            legacy_count=legacy_count,
            key=wrong_key,
            chain=chain_id,
        ),
    )


def _sha256_keeping_scheme_2(event: AuditEvent) -> str:
    content = chain._content(event) | {"scheme": HMAC_SHA256, "key_id": event.key_id}
    return hashlib.sha256(chain._encode(content)).hexdigest()


def _hmac_with_a_wrong_key(event: AuditEvent) -> str:
    wrong = audit_key_from("not the audit key, but long enough to pass")
    # Keep the real key id: a forger would, hoping verify uses the right key on the wrong hash.
    return chain.event_digest(event, chain.AuditKey(event.key_id, wrong.secret))


def test_probe_5_verify_exits_0_on_an_intact_chain_with_checkpoints(  # type: ignore[no-untyped-def]
    world, capsys, checkpoint_file
) -> None:
    _events(world, 3)
    assert main(["audit", "checkpoint"]) == 0
    _events(world, 2)
    assert main(["audit", "checkpoint"]) == 0
    _events(world, 1)
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    # One line per chain per checkpoint: the general chain (which opened the home chain) and
    # the home service's chain.
    assert "intact" in out and "4 checkpoints" in out and "2 chains" in out, out
    lines = [json.loads(line) for line in checkpoint_file.read_text().splitlines()]
    assert [line["chain"] for line in lines] == [0, world.home.pk, 0, world.home.pk]
    lines = [line for line in lines if line["chain"] == world.home.pk]
    total = _chain_events(world.home.pk).count()
    assert [line["count"] for line in lines] == [total - 3, total - 1] == [3, 5]
    newest_checkpointed = _chain_events(world.home.pk).order_by("id")[total - 2]
    assert lines[1]["hash"] == newest_checkpointed.hash
    assert newest_checkpointed.scheme == HMAC_SHA256


def test_probe_5_events_are_chained_with_an_hmac_of_the_audit_key(world, settings) -> None:  # type: ignore[no-untyped-def]
    event = _events(world, 1)[0]
    assert event.scheme == HMAC_SHA256 and event.key_id == chain.current_key().key_id
    assert event.hash != _sha256_keeping_scheme_2(event)
    settings.ALONGSIDE_AUDIT_KEY = "a different audit key, at least 32 characters"
    assert not audit_chain_verify().intact


def test_probe_5_deleting_the_newest_event_is_named_by_verify(world, capsys) -> None:  # type: ignore[no-untyped-def]
    _events(world, 4)
    total = _chain_events(world.home.pk).count()
    newest = AuditEvent.objects.order_by("-id").first()
    assert newest is not None and newest.chain == world.home.pk
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [newest.pk])
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"in the chain of service {world.home.pk}: event number {total} is missing" in err
    assert "stored head" in err, err


@pytest.mark.parametrize(
    ("digest", "scheme"),
    [
        pytest.param(_sha256_keeping_scheme_2, HMAC_SHA256, id="plain-sha256"),
        pytest.param(_hmac_with_a_wrong_key, HMAC_SHA256, id="wrong-key"),
    ],
)
def test_probe_5_forged_recomputation_of_every_hash_is_caught(  # type: ignore[no-untyped-def]
    world, capsys, digest, scheme
) -> None:
    _events(world, 4)
    home = world.home.pk
    first = _chain_events(home).order_by("id").first()
    assert first is not None
    _attacker_rewrites_every_row(digest, scheme, home)
    newest = _chain_events(home).order_by("-id").first()
    assert newest is not None
    _attacker_rewrites_the_head(
        count=_chain_events(home).count(), last_hash=newest.hash, legacy_count=0, chain_id=home
    )
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"event {first.pk}: in the chain of service {home}: its content does not match" in err


def test_probe_5_passing_every_event_off_as_legacy_sha256_is_caught(world, capsys) -> None:  # type: ignore[no-untyped-def]
    # The downgrade: rewrite the whole chain as if it predated the key, and say so in the head.
    _events(world, 4)
    home = world.home.pk
    _attacker_rewrites_every_row(chain.event_digest, LEGACY_SHA256, home)
    newest = _chain_events(home).order_by("-id").first()
    assert newest is not None
    total = _chain_events(home).count()
    _attacker_rewrites_the_head(
        count=total, last_hash=newest.hash, legacy_count=total, chain_id=home
    )
    # The application carries on writing; its next event must not bless the forged head.
    _events(world, 1)
    assert main(["audit", "verify"]) == 1
    assert "not sealed by any configured audit key" in capsys.readouterr().err


def test_probe_5_truncation_with_an_old_head_put_back_is_caught_by_a_checkpoint(  # type: ignore[no-untyped-def]
    world, capsys
) -> None:
    _events(world, 2)
    home = world.home.pk
    old_head = _head(home).values().get()  # a genuine, sealed head
    _events(world, 3)
    total = _chain_events(home).count()
    assert main(["audit", "checkpoint"]) == 0
    newest_three = list(_chain_events(home).order_by("-id").values_list("id", flat=True)[:3])
    for event_id in newest_three:
        _tamper("DELETE FROM audit_auditevent WHERE id = %s", [event_id])
    _head(home).update(**old_head)
    # Head and chain agree again, and the head's seal is genuine: only the checkpoint knows.
    assert audit_chain_verify().intact
    capsys.readouterr()
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"events number {total - 2} to {total} are missing" in err and "checkpoint" in err, err


def test_probe_5_head_rewritten_after_truncation_without_the_key_is_caught(  # type: ignore[no-untyped-def]
    world, capsys
) -> None:
    _events(world, 4)
    home = world.home.pk
    newest, second = _chain_events(home).order_by("-id")[:2]
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [newest.pk])
    _attacker_rewrites_the_head(
        count=_chain_events(home).count(), last_hash=second.hash, legacy_count=0, chain_id=home
    )
    _events(world, 1)  # the next genuine event must not re-seal the rewritten head
    assert main(["audit", "verify"]) == 1
    assert "not sealed by any configured audit key" in capsys.readouterr().err


def test_probe_5_checkpoint_refuses_a_head_it_cannot_vouch_for(  # type: ignore[no-untyped-def]
    world, capsys, checkpoint_file
) -> None:
    _events(world, 2)
    # Only the service chain's head is bad; the general chain's is fine: still nothing is written.
    _head(world.home.pk).update(seal="0" * 64)
    assert chain.head_seal_holds(_head(0).get())
    assert main(["audit", "checkpoint", str(checkpoint_file)]) == 1
    assert "no checkpoint written" in capsys.readouterr().err
    assert not checkpoint_file.exists()


def test_probe_5_a_rotated_key_still_verifies_while_it_is_listed_as_retired(  # type: ignore[no-untyped-def]
    world, settings, capsys
) -> None:
    old_key = settings.ALONGSIDE_AUDIT_KEY
    _events(world, 2)
    settings.ALONGSIDE_AUDIT_KEY = "the new audit key after rotation, 32+ characters"
    settings.ALONGSIDE_AUDIT_RETIRED_KEYS = [old_key]
    _events(world, 2)
    assert main(["audit", "verify"]) == 0
    assert _head(world.home.pk).get().key_id == chain.current_key().key_id
    settings.ALONGSIDE_AUDIT_RETIRED_KEYS = []
    assert main(["audit", "verify"]) == 1
    assert "ALONGSIDE_AUDIT_RETIRED_KEYS" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_probe_5_legacy_sha256_events_still_verify_after_the_upgrade(capsys) -> None:  # type: ignore[no-untyped-def]
    """Events chained before migration 0004 keep their plain SHA-256 and still verify."""
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", "audit", "0003", verbosity=0)
    try:
        # Rows as the code before the audit key wrote them: no scheme, no key id.
        prev = GENESIS
        with connection.cursor() as cursor:
            for number in range(3):
                event = AuditEvent(
                    created_at=timezone.now(),
                    action="patient.view",
                    object_type="patients.patient",
                    object_id=str(number),
                    fields=["given_name"],
                    prev_hash=prev,
                    scheme=LEGACY_SHA256,
                )
                event.hash = chain.event_digest(event)
                cursor.execute(
                    "INSERT INTO audit_auditevent (created_at, actor_email, role, action, "
                    "object_type, object_id, fields, object_ids, request_id, prev_hash, hash) "
                    "VALUES (%s, '', '', %s, %s, %s, %s, '[]', '', %s, %s)",
                    [
                        event.created_at,
                        event.action,
                        event.object_type,
                        event.object_id,
                        json.dumps(event.fields),
                        prev,
                        event.hash,
                    ],
                )
                prev = event.hash
            cursor.execute(
                "INSERT INTO audit_auditchainhead (id, last_hash, count) VALUES (1, %s, 3)", [prev]
            )
    finally:
        call_command("migrate", "audit", verbosity=0)
    assert list(AuditEvent.objects.values_list("scheme", flat=True)) == [LEGACY_SHA256] * 3
    legacy_head = AuditChainHead.objects.get(pk=1)
    assert legacy_head.chain == 0 and legacy_head.legacy_count == 3
    assert set(AuditEvent.objects.values_list("chain", flat=True)) == {0}
    audit_record(actor=None, action="sign_in.failed")
    assert main(["audit", "verify"]) == 0
    assert "4 events checked" in capsys.readouterr().out

    # A fourth legacy-looking event (appended without the key) is refused.
    keyed = AuditEvent.objects.order_by("-id").first()
    assert keyed is not None
    keyed.scheme = LEGACY_SHA256
    keyed.hash = chain.event_digest(keyed)
    _tamper(
        "UPDATE audit_auditevent SET scheme = 1, hash = %s WHERE id = %s", [keyed.hash, keyed.pk]
    )
    AuditChainHead.objects.filter(pk=1).update(last_hash=keyed.hash)
    assert main(["audit", "verify"]) == 1
    assert "only the first 3 events predate the audit key" in capsys.readouterr().err


def test_probe_5_a_production_run_without_the_audit_key_stops_in_one_line(tmp_path: Path) -> None:
    # Nothing of the test run leaks in; PYTEST_VERSION would mark it as a test run.
    leaks = ("ALONGSIDE_", "DATABASE_URL", "DJANGO_", "PYTEST_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(leaks)}
    env.update(
        ALONGSIDE_DATA_DIR=str(tmp_path),
        ALONGSIDE_SECRET_KEY="p" * 60,
        ALONGSIDE_FIELD_KEYS=Fernet.generate_key().decode(),
    )
    command = [sys.executable, "-m", "alongside.config.cli", "audit", "verify"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "alongside: ALONGSIDE_AUDIT_KEY (or ALONGSIDE_AUDIT_KEY_FILE) is not set; the audit "
        "chain needs its own secret, kept out of the database (see docs/deployment.md)"
    ]
    key_file = tmp_path / "audit-key"
    key_file.write_text("k" * 40 + "\n")
    env["ALONGSIDE_AUDIT_KEY_FILE"] = str(key_file)
    migrate = [sys.executable, "-m", "alongside.config.cli", "manage", "migrate", "-v0"]
    subprocess.run(migrate, env=env, check=True, capture_output=True, timeout=300)
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
