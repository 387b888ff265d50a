"""`alongside restore IN`: load a backup into an empty, migrated database.

In order, and stopping at the first refusal with nothing written:
1. unpack into a staging folder beside the uploads (names checked, nothing
   outside it), and check every table file and upload against the manifest's
   row counts and SHA-256 checksums (a corrupted archive stops here);
2. check the schema: a migration the backup has and this code lacks means the
   backup is from a newer Alongside; the database must have exactly the
   backup's migrations applied;
3. in one transaction: refuse a database that holds data (``force`` empties it
   first, in the same transaction), insert every row, reset PostgreSQL's
   sequences, check foreign keys, then read everything back and recompute the
   manifest — any count or checksum that differs rolls it all back;
4. still inside it, move the uploads into place; then commit.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connections, transaction

from alongside.backup.manifest import (
    FILES_DIR,
    MANIFEST_NAME,
    BackupError,
    check_format,
    differences,
    file_sha256,
    member_name_ok,
    table_member,
    unknown_migrations,
)
from alongside.backup.snapshot import backup_manifest_now, media_files, media_root
from alongside.backup.tables import (
    MIGRATE_FILLED,
    Table,
    applied_migrations,
    decode,
    installed_tables,
    known_migrations,
    stored_form,
)
from alongside.field_encryption import EncryptedTextField, is_token

INSERT_BATCH = 1000


def _unpack(archive_path: Path, staging: Path) -> dict[str, Any]:
    """Extract regular files with checked names; return the manifest."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            for member in archive:
                if not member_name_ok(member.name):
                    raise BackupError(f"the archive holds an unexpected entry {member.name!r}")
                if member.isdir():
                    continue
                if not member.isfile():
                    raise BackupError(f"the archive entry {member.name!r} is not a plain file")
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                assert source is not None  # a regular file always has a stream
                with source, target.open("wb") as stream:
                    shutil.copyfileobj(source, stream, 1 << 20)
    except FileNotFoundError as error:
        raise BackupError(f"{archive_path} does not exist") from error
    except IsADirectoryError as error:
        raise BackupError(f"{archive_path} is a folder, not a backup file") from error
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise BackupError(f"{archive_path} is not a readable backup archive ({error})") from error
    try:
        manifest = json.loads((staging / MANIFEST_NAME).read_text("utf-8"))
    except FileNotFoundError as error:
        raise BackupError("the archive has no manifest.json") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"the archive's manifest.json is not JSON ({error})") from error
    check_format(manifest)
    return dict(manifest)


def _check_contents(manifest: dict[str, Any], staging: Path, tables: list[Table]) -> None:
    """Every table and file present with its recorded checksum; nothing extra."""
    known = {t.label for t in tables}
    listed = set(manifest["tables"])
    if listed - known:
        raise BackupError(
            f"the backup has table {sorted(listed - known)[0]}, which this Alongside lacks"
        )
    if known - listed:
        raise BackupError(f"the backup has no table {sorted(known - listed)[0]}")
    for label, entry in sorted(manifest["tables"].items()):
        path = staging / table_member(label)
        if not path.is_file():
            raise BackupError(f"the archive is missing the rows of table {label}")
        if file_sha256(path) != entry.get("sha256"):
            raise BackupError(f"the archive is corrupted: table {label} fails its checksum")
        with path.open("rb") as stream:
            rows = sum(1 for _ in stream)
        if rows != entry.get("rows"):
            raise BackupError(f"the archive is corrupted: table {label} has the wrong row count")
    for name, entry in sorted(manifest["files"].items()):
        path = staging / FILES_DIR / name
        if not member_name_ok(f"{FILES_DIR}/{name}") or not path.is_file():
            raise BackupError(f"the archive is missing the uploaded file {name}")
        if file_sha256(path) != entry.get("sha256"):
            raise BackupError(f"the archive is corrupted: file {name} fails its checksum")
    extra = {name for name, _ in media_files(staging / FILES_DIR) if name not in manifest["files"]}
    if extra:
        raise BackupError(f"the archive holds a file the manifest lacks: {sorted(extra)[0]}")


def _check_schema(manifest: dict[str, Any], using: str) -> None:
    newer = unknown_migrations(manifest["migrations"], known_migrations())
    if newer:
        raise BackupError(
            f"this backup is from a newer schema (migration {newer[0]} is unknown to this "
            "version); upgrade Alongside, migrate, then restore"
        )
    here = applied_migrations(using)
    if here != manifest["migrations"]:
        missing = unknown_migrations(here, manifest["migrations"])
        detail = (
            f"this database has migration {missing[0]}, the backup does not"
            if missing
            else "this database lacks migrations the backup has; run `alongside manage migrate`"
        )
        raise BackupError(f"the schema differs from the backup's: {detail}")


def _rows_held(tables: list[Table], using: str) -> str | None:
    """The first table holding data beyond what `migrate` creates, or None."""
    for table in tables:
        if table.label in MIGRATE_FILLED:
            continue
        if table.model._base_manager.using(using).exists():
            return table.label
    return None


def _refuse_if_held(tables: list[Table], using: str) -> None:
    held = _rows_held(tables, using)
    if held:
        raise BackupError(
            f"the database is not empty (table {held} has rows); restore needs an "
            "empty, migrated database, or --force to replace everything in it"
        )


def _empty(tables: list[Table], using: str) -> None:
    connection = connections[using]
    quoted = [connection.ops.quote_name(t.db_table) for t in tables]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE is transactional here, and not a row operation, so the audit
            # table's append-only trigger (which refuses DELETE) does not fire.
            cursor.execute(f"TRUNCATE {', '.join(quoted)} RESTART IDENTITY CASCADE")
        else:
            # Django's SQLite foreign keys are DEFERRABLE INITIALLY DEFERRED: order is free.
            for name in quoted:
                cursor.execute(f"DELETE FROM {name}")  # noqa: S608 - quoted table names


def _lines(path: Path) -> Iterator[list[Any]]:
    with path.open("rb") as stream:
        for line in stream:
            yield json.loads(line)


def _load(table: Table, path: Path, using: str) -> None:
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in table.columns)
    marks = ", ".join(["%s"] * len(table.fields))
    sql = f"INSERT INTO {quote(table.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    encrypted = [i for i, f in enumerate(table.fields) if isinstance(f, EncryptedTextField)]
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for values in _lines(path):
            for i in encrypted:
                if values[i] and not is_token(values[i]):
                    raise BackupError(
                        f"{table.label}.{table.fields[i].name} holds a value that none of "
                        "ALONGSIDE_FIELD_KEYS decrypts; restore with the keys in use when the "
                        "backup was taken (newest first); nothing was restored"
                    )
            batch.append(
                [
                    stored_form(f, decode(f, v), connection)
                    for f, v in zip(table.fields, values, strict=True)
                ]
            )
            if len(batch) >= INSERT_BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _place_files(staged: Path, root: Path, *, force: bool) -> Path | None:
    """Move the staged uploads to ``root``; return where the old ones went, if anywhere."""
    moved_aside = None
    if root.exists() and any(root.iterdir()):
        if not force:
            raise BackupError(f"the uploads folder {root} is not empty (use --force to replace)")
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        moved_aside = root.with_name(f"{root.name}.before-restore-{stamp}")
        os.replace(root, moved_aside)
    elif root.exists():
        root.rmdir()
    root.parent.mkdir(parents=True, exist_ok=True)
    if staged.is_dir():
        os.replace(staged, root)
    else:
        root.mkdir()
    return moved_aside


def backup_restore(archive_path: Path, *, force: bool = False, using: str = "default") -> dict:
    """Restore ``archive_path``; return its manifest. Raises BackupError on any refusal."""
    archive_path = Path(archive_path)
    root = media_root()
    root.parent.mkdir(parents=True, exist_ok=True)
    tables = installed_tables()
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=root.parent) as staging:
        staged = Path(staging)
        manifest = _unpack(archive_path, staged)
        _check_contents(manifest, staged, tables)
        _check_schema(manifest, using)
        if not force:
            # Said before any work; checked again inside the transaction.
            _refuse_if_held(tables, using)
            if root.exists() and any(root.iterdir()):
                raise BackupError(
                    f"the uploads folder {root} is not empty (use --force to replace)"
                )
        connection = connections[using]
        placed = False
        moved_aside: Path | None = None
        try:
            with transaction.atomic(using=using):
                held = _rows_held(tables, using)
                if not force:
                    _refuse_if_held(tables, using)
                _empty(tables if held else [t for t in tables if t.label in MIGRATE_FILLED], using)
                for table in tables:
                    _load(table, staged / table_member(table.label), using)
                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(
                        no_style(), [t.model for t in tables]
                    ):
                        cursor.execute(sql)
                try:
                    connection.check_constraints(table_names=[t.db_table for t in tables])
                except IntegrityError as error:
                    raise BackupError(f"the backup's rows do not fit together: {error}") from error
                found = backup_manifest_now(using=using)
                found["files"] = manifest["files"]
                problems = differences(manifest, found)
                if problems:
                    raise BackupError(
                        f"the restored database does not match the backup ({problems[0]}); "
                        "nothing was restored"
                    )
                moved_aside = _place_files(staged / FILES_DIR, root, force=force)
                placed = True
        except BackupError:
            raise
        except (DatabaseError, ValueError, TypeError) as error:
            if placed:
                _undo_files(root, moved_aside)
            raise BackupError(
                f"restore failed and was rolled back: {type(error).__name__}: "
                f"{str(error).splitlines()[0] if str(error) else ''}"
            ) from error
        except BaseException:
            if placed:
                _undo_files(root, moved_aside)
            raise
    return manifest


def _undo_files(root: Path, moved_aside: Path | None) -> None:
    shutil.rmtree(root, ignore_errors=True)
    if moved_aside is not None:
        os.replace(moved_aside, root)
