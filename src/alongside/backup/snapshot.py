"""`alongside backup OUT`: one consistent snapshot of the database and the uploads.

Every table is read inside one read transaction — REPEATABLE READ, READ ONLY on
PostgreSQL; on SQLite a deferred transaction, whose first read fixes the
snapshot in WAL mode without holding the write lock — so the rows agree with
each other even while people keep working. Rows are streamed in chunks to a
temporary file per table (memory stays bounded), then everything goes into one
``.tar.gz`` written beside OUT and renamed into place: a backup that failed
half-way never looks like a finished one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.metadata
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import connections, transaction

from alongside.backup.manifest import (
    FILES_DIR,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_NAME,
    BackupError,
    TableDigest,
    file_sha256,
    table_member,
)
from alongside.backup.tables import (
    NOT_INCLUDED,
    applied_migrations,
    installed_tables,
    latest_migrations,
    other_tables,
    table_entry,
    table_lines,
)


def media_root() -> Path:
    """Where uploads live: the default storage's folder (DATA_DIR/media)."""
    location = getattr(storages["default"], "location", None)
    if location is None:
        raise BackupError("uploads are not kept in a folder (default storage); cannot back up")
    return Path(location)


@contextlib.contextmanager
def read_snapshot(using: str) -> Iterator[None]:
    connection = connections[using]
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if connection.vendor == "sqlite":
        # Django's IMMEDIATE mode would take the write lock for the whole backup;
        # a deferred BEGIN in autocommit mode reads a WAL snapshot and blocks no one.
        connection.ensure_connection()
        if not connection.get_autocommit():
            raise BackupError("backup must not run inside another transaction")
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
        return
    raise BackupError(f"backup supports SQLite and PostgreSQL, not {connection.vendor}")


def media_files(root: Path) -> list[tuple[str, Path]]:
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found.append((path.relative_to(root).as_posix(), path))
    return found


def alongside_version() -> str:
    try:
        return importlib.metadata.version("alongside")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def backup_create(out: Path, *, using: str = "default") -> dict[str, Any]:
    """Write the backup to ``out`` and return its manifest."""
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} already exists; choose a new file name")
    if not out.parent.is_dir():
        raise BackupError(f"{out.parent} is not a folder")
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "alongside_version": alongside_version(),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database_vendor": connections[using].vendor,
    }
    partial = out.with_name(f".{out.name}.partial")
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=out.parent) as staging:
        staged = Path(staging)
        tables: dict[str, Any] = {}
        with read_snapshot(using):
            manifest["migrations"] = applied_migrations(using)
            for table in installed_tables():
                digest = TableDigest()
                with (staged / f"{table.label}.jsonl").open("wb") as stream:
                    for line in table_lines(table, using):
                        digest.add(line)
                        stream.write(line)
                tables[table.label] = table_entry(table, digest)
            unowned = other_tables(using)
            # Uploads are listed once the snapshot is fixed: a row in it was saved
            # after its file, so every file a row names is already on disk.
            root = media_root()
            files = {name: path for name, path in media_files(root)}
        manifest["schema"] = latest_migrations(manifest["migrations"])
        manifest["tables"] = tables
        manifest["files"] = {
            name: {"bytes": path.stat().st_size, "sha256": file_sha256(path)}
            for name, path in files.items()
        }
        manifest["not_included"] = {
            **NOT_INCLUDED,
            "audit checkpoints": "kept outside the database on purpose "
            f"({settings.ALONGSIDE_AUDIT_CHECKPOINT_FILE}); copy that file separately",
            "secrets": "ALONGSIDE_SECRET_KEY, ALONGSIDE_AUDIT_KEY (needed to verify "
            "the audit chain after a restore) and ALONGSIDE_FIELD_KEYS (encrypted notes, "
            "reflections and transcripts are copied encrypted; restoring needs a key that "
            "decrypts them) are configuration, not data",
            **{name: "a table no installed app owns" for name in unowned},
        }
        try:
            with tarfile.open(partial, "w:gz") as archive:
                body = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
                (staged / MANIFEST_NAME).write_bytes(body)
                archive.add(staged / MANIFEST_NAME, arcname=MANIFEST_NAME)
                for label in tables:
                    archive.add(staged / f"{label}.jsonl", arcname=table_member(label))
                for name, path in files.items():
                    archive.add(path, arcname=f"{FILES_DIR}/{name}")
            os.replace(partial, out)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return manifest


def backup_manifest_now(*, using: str = "default") -> dict[str, Any]:
    """The manifest the database and uploads would give now (restore checks with it)."""
    from alongside.backup.tables import table_digest

    tables = {t.label: table_entry(t, table_digest(t, using)) for t in installed_tables()}
    return {
        "format_version": FORMAT_VERSION,
        "migrations": applied_migrations(using),
        "tables": tables,
    }
