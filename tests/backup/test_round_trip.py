"""Backup → restore into an empty database → backup again, on this run's engine
(SQLite, or PostgreSQL with DATABASE_URL): identical manifests, the same
dashboard, the demo signs in, and the audit chain verifies."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from alongside.backup.manifest import BackupError, content
from alongside.backup.restore import backup_restore
from alongside.backup.snapshot import backup_create
from alongside.backup.tables import installed_tables, other_tables
from alongside.config.cli import main
from alongside.organisations.models import Service
from alongside.patients.selectors import service_today
from alongside.reports import figures, selectors
from alongside.reports.periods import default_period
from tests.personas import build_world

pytestmark = pytest.mark.django_db(transaction=True)


def _dashboards() -> dict[str, list]:
    found = {}
    for service in Service.objects.order_by("slug"):
        period = default_period(service_today(service))
        column = figures.Column(
            service.name, selectors.dashboard(service, period, pseudonymised=False)
        )
        found[service.slug] = figures.figure_rows([column])
    return found


def test_demo_round_trip_gives_identical_manifests_and_the_same_dashboard(
    tmp_path: Path, media: Path, emptied, settings
) -> None:
    settings.REQUIRE_2FA = False  # as in demo mode: demo staff have no second factor
    call_command("demo", stdout=io.StringIO())
    default_storage.save("receipts/2026/bus-ticket.txt", ContentFile(b"Bus ticket, 4.20"))
    before = _dashboards()
    assert any(rows for rows in before.values())

    first = backup_create(tmp_path / "first.tar.gz")
    assert first["tables"]["audit.auditevent"]["rows"] > 0
    assert first["files"]["receipts/2026/bus-ticket.txt"]["bytes"] == 16
    # Every table of every installed app is in it, including auth, tasks and audit.
    assert set(first["tables"]) == {t.label for t in installed_tables()}
    assert {"auth.permission", "django_tasks_database.dbtaskresult", "audit.auditevent"} <= set(
        first["tables"]
    )
    assert other_tables("default") == []

    emptied()
    backup_restore(tmp_path / "first.tar.gz")
    second = backup_create(tmp_path / "second.tar.gz")
    assert content(second) == content(first)
    assert (media / "receipts/2026/bus-ticket.txt").read_bytes() == b"Bus ticket, 4.20"

    call_command("audit_verify", stdout=io.StringIO())
    assert _dashboards() == before

    client = Client()
    signed_in = client.post(
        reverse("accounts:login"), {"username": "admin@demo.example", "password": "alongside-demo"}
    )
    assert signed_in.status_code == 302
    slug = Service.objects.order_by("slug").first().slug
    page = client.get(reverse("reports:dashboard", args=[slug]))
    assert page.status_code == 200


def _world_backup(tmp_path: Path) -> Path:
    build_world()
    default_storage.save("receipts/ticket.txt", ContentFile(b"ticket"))
    out = tmp_path / "world.tar.gz"
    backup_create(out)
    return out


def _rewrite(archive: Path, out: Path, change) -> Path:
    """Copy the archive, passing each member's bytes through ``change(name, data)``."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(out, "w:gz") as target:
        for member in source:
            data = source.extractfile(member).read()
            data = change(member.name, data)
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return out


def _database_is_empty() -> bool:
    from alongside.accounts.models import User
    from alongside.audit.models import AuditEvent

    return not User.objects.exists() and not AuditEvent.objects.exists()


def test_a_corrupted_archive_is_refused_and_nothing_is_written(
    tmp_path: Path, media: Path, emptied
) -> None:
    good = _world_backup(tmp_path)
    emptied()

    def alter_a_row(name: str, data: bytes) -> bytes:
        if name == "tables/accounts.user.jsonl":
            return data.replace(b"@", b"#", 1)
        return data

    bad = _rewrite(good, tmp_path / "bad.tar.gz", alter_a_row)
    with pytest.raises(BackupError, match="corrupted: table accounts.user fails its checksum"):
        backup_restore(bad)
    assert _database_is_empty() and not any(media.iterdir())

    def alter_a_file(name: str, data: bytes) -> bytes:
        return b"forged" if name == "files/receipts/ticket.txt" else data

    forged = _rewrite(good, tmp_path / "forged.tar.gz", alter_a_file)
    with pytest.raises(BackupError, match="file receipts/ticket.txt fails its checksum"):
        backup_restore(forged)
    assert _database_is_empty() and not any(media.iterdir())

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(BackupError, match="not a readable backup archive"):
        backup_restore(truncated)
    assert _database_is_empty()


def test_a_backup_from_a_newer_schema_is_refused(tmp_path: Path, media: Path, emptied) -> None:
    good = _world_backup(tmp_path)
    emptied()

    def add_a_future_migration(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["audit"].append("0099_from_the_future")
        return json.dumps(manifest).encode()

    newer = _rewrite(good, tmp_path / "newer.tar.gz", add_a_future_migration)
    with pytest.raises(BackupError, match=r"newer schema \(migration audit.0099_from_the_future"):
        backup_restore(newer)
    assert _database_is_empty()


def test_a_database_with_data_is_refused_unless_forced(tmp_path: Path, media: Path) -> None:
    archive = _world_backup(tmp_path)
    with pytest.raises(
        BackupError, match=r"database is not empty \(table accounts\.\w+ has rows\)"
    ):
        backup_restore(archive)
    # --force empties it first, in the same transaction, and the uploads are replaced.
    (media / "receipts/ticket.txt").write_bytes(b"changed since")
    backup_restore(archive, force=True)
    again = backup_create(tmp_path / "again.tar.gz")
    with tarfile.open(archive) as tar:
        first = json.load(tar.extractfile("manifest.json"))
    assert content(again) == content(first)
    call_command("audit_verify", stdout=io.StringIO())


def test_cli_errors_are_one_line(tmp_path: Path, media: Path, capsys) -> None:
    archive = _world_backup(tmp_path)
    assert main(["restore", str(archive)]) == 1
    assert main(["restore", str(tmp_path / "missing.tar.gz")]) == 1
    assert main(["backup", str(archive)]) == 1  # exists already
    (tmp_path / "junk.tar.gz").write_bytes(b"not an archive")
    assert main(["restore", str(tmp_path / "junk.tar.gz")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 4 and "Traceback" not in "".join(err)
    assert err[0].startswith("alongside: restore refused: the database is not empty")
    assert "missing.tar.gz does not exist" in err[1]
    assert "already exists" in err[2]
    assert "not a readable backup archive" in err[3]


def test_encrypted_text_is_backed_up_as_ciphertext_and_restored_readable(
    tmp_path: Path, media: Path, emptied, settings
) -> None:
    from cryptography.fernet import Fernet

    from alongside.contacts.models import Contact
    from tests.contacts.factories import ContactFactory, home_active_match

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ALONGSIDE_FIELD_KEYS = [old]
    world = build_world()
    secret = "felt the panic again on the ladder"
    contact = ContactFactory(match=home_active_match(world), reflection=secret)
    archive = tmp_path / "encrypted.tar.gz"
    first = backup_create(archive)
    with tarfile.open(archive) as tar:
        everything = b"".join(tar.extractfile(m).read() for m in tar.getmembers() if m.isfile())
    assert secret.encode() not in everything and b"ladder" not in everything

    # Restoring with keys that cannot decrypt it is refused, and nothing is written.
    emptied()
    settings.ALONGSIDE_FIELD_KEYS = [new]
    with pytest.raises(BackupError, match="contacts.contact.reflection holds a value that none"):
        backup_restore(archive)
    assert _database_is_empty()

    # With the old key still listed (a rotation in progress) it restores, byte for byte.
    settings.ALONGSIDE_FIELD_KEYS = [new, old]
    backup_restore(archive)
    assert Contact.objects.get(pk=contact.pk).reflection == secret
    assert content(backup_create(tmp_path / "again.tar.gz")) == content(first)
