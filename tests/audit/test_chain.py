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
def checkpoint_file(settings, tmp_path: Path) -> Path:
    # Never the real ./var file: a developer's checkpoints would not match the test database.
    settings.ALONGSIDE_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    return settings.ALONGSIDE_AUDIT_CHECKPOINT_FILE


def _events(world, n: int = 4) -> list[AuditEvent]:
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


def test_each_event_chains_to_the_one_before(world) -> None:
    events = _events(world)
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    assert events[0].role == "therapist" and events[0].service_id == world.home.pk
    # A service's events form that service's chain, starting afresh.
    assert {event.chain for event in events} == {world.home.pk}
    assert events[0].prev_hash == GENESIS
    assert audit_chain_verify().intact


def test_verify_exits_0_on_an_intact_chain(world, capsys) -> None:
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


def test_editing_one_row_by_hand_is_named_by_verify(world, capsys) -> None:
    events = _events(world)
    victim = events[2]
    _tamper("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["patient.export", victim.pk])
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"event {victim.pk}" in err and "does not match its hash" in err


def test_deleting_a_row_breaks_the_link_of_the_next(world, capsys) -> None:
    events = _events(world)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    report = audit_chain_verify()
    assert report.broken_event_id == events[2].pk and "link" in report.problem


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_postgresql_refuses_update_and_delete(world) -> None:
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


def test_probe_5_verify_exits_0_on_an_intact_chain_with_checkpoints(
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


def test_probe_5_events_are_chained_with_an_hmac_of_the_audit_key(world, settings) -> None:
    event = _events(world, 1)[0]
    assert event.scheme == HMAC_SHA256 and event.key_id == chain.current_key().key_id
    assert event.hash != _sha256_keeping_scheme_2(event)
    settings.ALONGSIDE_AUDIT_KEY = "a different audit key, at least 32 characters"
    assert not audit_chain_verify().intact


def test_probe_5_deleting_the_newest_event_is_named_by_verify(world, capsys) -> None:
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
def test_probe_5_forged_recomputation_of_every_hash_is_caught(
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


def test_probe_5_passing_every_event_off_as_legacy_sha256_is_caught(world, capsys) -> None:
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


def test_probe_5_truncation_with_an_old_head_put_back_is_caught_by_a_checkpoint(
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


def test_probe_5_head_rewritten_after_truncation_without_the_key_is_caught(world, capsys) -> None:
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


def test_probe_5_checkpoint_refuses_a_head_it_cannot_vouch_for(
    world, capsys, checkpoint_file
) -> None:
    _events(world, 2)
    # Only the service chain's head is bad; the general chain's is fine: still nothing is written.
    _head(world.home.pk).update(seal="0" * 64)
    assert chain.head_seal_holds(_head(0).get())
    assert main(["audit", "checkpoint", str(checkpoint_file)]) == 1
    assert "no checkpoint written" in capsys.readouterr().err
    assert not checkpoint_file.exists()


def test_probe_5_a_rotated_key_still_verifies_while_it_is_listed_as_retired(
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
def test_probe_5_legacy_sha256_events_still_verify_after_the_upgrade(capsys) -> None:
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


# --- One chain per service: writers of different services do not queue on one lock. -------


def _service_events(service_id: int, n: int) -> list[AuditEvent]:
    return [
        audit_record(actor=None, action="patient.view", object_id=i, service_id=service_id)
        for i in range(n)
    ]


def test_events_of_two_services_go_to_two_chains_and_both_verify(world, capsys) -> None:
    home, other = world.home.pk, world.other.pk
    mine = _events(world, 2) + _service_events(other, 3) + _events(world, 1)
    general = audit_record(actor=None, action="sign_in.failed")
    for chain_id, n in ((home, 3), (other, 3)):
        events = list(_chain_events(chain_id).order_by("id"))
        assert len(events) == n and events[0].prev_hash == GENESIS
        assert all(
            after.prev_hash == before.hash
            for before, after in zip(events, events[1:], strict=False)
        )
        assert _head(chain_id).get().count == n
    assert mine[-1].prev_hash == mine[1].hash  # across the other service's events
    # The general chain opened each service chain once, then carries on with its own events.
    opened = list(_chain_events(0).order_by("id").values_list("action", "object_id"))
    assert opened == [(chain.CHAIN_OPEN, str(home)), (chain.CHAIN_OPEN, str(other))] + [
        ("sign_in.failed", "")
    ]
    assert general.chain == 0 and general.prev_hash == _chain_events(0).order_by("id")[1].hash
    report = audit_chain_verify()
    assert report.intact and report.checked == 9 and report.chains_checked == 3
    assert report.head_count == 9
    assert main(["audit", "verify"]) == 0
    assert "9 events checked in 3 chains" in capsys.readouterr().out


def test_deleting_the_newest_event_of_one_service_is_named_while_others_carry_on(
    world, capsys
) -> None:
    other = world.other.pk
    _service_events(other, 3)
    newest_of_other = _chain_events(other).order_by("-id").first()
    assert newest_of_other is not None
    _events(world, 3)  # the home service writes on: the deleted event is not the newest overall
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [newest_of_other.pk])
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"in the chain of service {other}: event number 3 is missing" in err, err
    assert "stored head" in err


def test_deleting_a_whole_service_chain_is_caught_by_its_chain_open_event(world, capsys) -> None:
    home, other = world.home.pk, world.other.pk
    _events(world, 2)
    _service_events(other, 3)
    # Every trace of the other service's chain goes: its events and its head.
    _tamper("DELETE FROM audit_auditevent WHERE chain = %s", [other])
    _head(other).delete()
    assert _head(home).exists()
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"in the chain of service {other}: the general chain says it was opened" in err, err
    assert "head row is missing" in err
    # The application writes on and opens that chain afresh: a second opening still shows.
    _service_events(other, 1)
    assert _chain_events(0).filter(action=chain.CHAIN_OPEN, object_id=str(other)).count() == 2
    assert main(["audit", "verify"]) == 1
    assert "opened it 2 times" in capsys.readouterr().err


def test_a_head_copied_onto_another_chain_breaks_its_seal(world, capsys) -> None:
    home, other = world.home.pk, world.other.pk
    _events(world, 2)
    _service_events(other, 2)
    values = _head(home).values("count", "last_hash", "legacy_count", "seal", "key_id").get()
    swapped = AuditChainHead(chain=other, **values)
    assert chain.head_seal_holds(_head(home).get())
    assert not chain.head_seal_holds(swapped)  # the seal binds the chain id
    _head(other).update(**values)
    assert main(["audit", "verify"]) == 1
    assert f"in the chain of service {other}" in capsys.readouterr().err
    assert main(["audit", "checkpoint"]) == 1
    assert "no checkpoint written" in capsys.readouterr().err


def test_the_general_chain_head_seal_is_unchanged_so_old_heads_still_hold(world) -> None:
    audit_record(actor=None, action="sign_in.failed")
    head = _head(0).get()
    key = chain.current_key()
    # Exactly the message sealed before per-service chains (no "chain" in it).
    before = chain._mac(
        key,
        chain._encode(
            {
                "head": True,
                "count": head.count,
                "last_hash": head.last_hash,
                "legacy_count": head.legacy_count,
            }
        ),
    )
    assert head.seal == before and chain.head_seal_holds(head)


def test_moving_an_event_to_another_chain_is_caught(world, capsys) -> None:
    _service_events(world.other.pk, 2)
    moved = _events(world, 3)[1]
    _tamper("UPDATE audit_auditevent SET chain = %s WHERE id = %s", [world.other.pk, moved.pk])
    report = audit_chain_verify()
    assert not report.intact
    assert report.problem.startswith(f"in the chain of service {world.home.pk}: ")


def test_an_old_checkpoint_line_without_a_chain_is_the_general_chain(
    world, capsys, checkpoint_file
) -> None:
    from alongside.audit.selectors import audit_checkpoints_read

    _events(world, 2)
    audit_record(actor=None, action="sign_in.failed")
    head = _head(0).get()
    # As `audit checkpoint` wrote lines before per-service chains: no "chain" key.
    old = {"count": head.count, "hash": head.last_hash, "at": "2026-12-01T00:00:00+00:00"}
    checkpoint_file.write_text(json.dumps(old) + "\n")
    [read] = audit_checkpoints_read(checkpoint_file)
    assert read.chain == 0 and read.count == 2
    assert main(["audit", "verify"]) == 0
    assert "1 checkpoints" in capsys.readouterr().out
    # Held against the general chain: a wrong hash there is named without a service.
    checkpoint_file.write_text(json.dumps(old | {"hash": "f" * 64}) + "\n")
    report = audit_chain_verify(checkpoints=audit_checkpoints_read(checkpoint_file))
    assert "remembers as ffffffff" in report.problem
    assert not report.problem.startswith("in the chain of service")
    # New lines name their chain, and a deleted service chain is also missed by them.
    checkpoint_file.write_text("")
    assert main(["audit", "checkpoint"]) == 0
    lines = [json.loads(line) for line in checkpoint_file.read_text().splitlines()]
    assert [line["chain"] for line in lines] == [0, world.home.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_appends_to_different_services_do_not_wait_for_each_other() -> None:
    import threading

    from django.db import OperationalError
    from django.db import connection as thread_connection

    first, second = 9001, 9002
    _service_events(first, 1)
    _service_events(second, 1)  # both chains are open: no general-chain append below
    holding, done = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def hold_first_chain() -> None:
        try:
            with transaction.atomic():
                audit_record(actor=None, action="patient.view", service_id=first)
                holding.set()  # the first chain's head stays locked until this commits
                outcome["other service finished meanwhile"] = done.wait(timeout=10)
        finally:
            thread_connection.close()

    def write(service_id: int, key: str) -> None:
        try:
            holding.wait(timeout=10)
            with transaction.atomic():
                with thread_connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '3s'")
                audit_record(actor=None, action="patient.view", service_id=service_id)
            outcome[key] = "written"
        except OperationalError as error:
            outcome[key] = f"waited: {error}"
        finally:
            done.set()
            thread_connection.close()

    holder = threading.Thread(target=hold_first_chain)
    writer = threading.Thread(target=write, args=(second, "second"))
    holder.start()
    writer.start()
    writer.join(timeout=20)
    holder.join(timeout=20)
    assert outcome == {"second": "written", "other service finished meanwhile": True}

    # The same service does wait: that is the lock the test above proves is not shared.
    done.clear()
    holding.clear()
    holder = threading.Thread(target=hold_first_chain)
    writer = threading.Thread(target=write, args=(first, "first"))
    holder.start()
    writer.start()
    writer.join(timeout=20)
    holder.join(timeout=20)
    assert str(outcome["first"]).startswith("waited")
    assert audit_chain_verify().intact


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_two_first_events_of_a_new_service_at_once_open_its_chain_once() -> None:
    import threading
    import time

    from django.db import connection as thread_connection

    service = 9003
    audit_record(actor=None, action="sign_in.failed")
    opened = threading.Event()
    errors: list[Exception] = []

    def first_writer() -> None:
        try:
            with transaction.atomic():
                audit_record(actor=None, action="patient.view", service_id=service)
                opened.set()
                time.sleep(1)  # the second writer's insert of the head waits on ours
        except Exception as error:  # reported by the assert below
            errors.append(error)
        finally:
            thread_connection.close()

    def second_writer() -> None:
        try:
            opened.wait(timeout=10)
            audit_record(actor=None, action="patient.view", service_id=service)
        except Exception as error:
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=first_writer), threading.Thread(target=second_writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert errors == []
    assert _head(service).get().count == 2
    assert _chain_events(0).filter(action=chain.CHAIN_OPEN, object_id=str(service)).count() == 1
    assert audit_chain_verify().intact


def test_a_chain_opened_while_verify_runs_is_not_taken_for_a_forged_one(world, monkeypatch) -> None:
    from alongside.audit import selectors
    from tests.factories import ServiceFactory

    _events(world, 2)
    walk = selectors._walk_chain

    def walk_then_a_new_service_writes(chain_id, *args, **kwargs):
        walked = walk(chain_id, *args, **kwargs)
        if chain_id == 0 and not AuditEvent.objects.filter(action="test.newcomer").exists():
            # Just after the general chain was read: a new service's first event opens
            # its chain, with an opening the walk did not see.
            newcomer = ServiceFactory(slug="newcomer")
            audit_record(actor=None, action="test.newcomer", service_id=newcomer.pk)
        return walked

    monkeypatch.setattr(selectors, "_walk_chain", walk_then_a_new_service_writes)
    report = audit_chain_verify()
    assert report.intact, report.problem
    # The next verification sees the new chain and its opening.
    monkeypatch.setattr(selectors, "_walk_chain", walk)
    assert audit_chain_verify().intact
