"""What a backup holds and how it is checked, without Django.

A table's rows are written one canonical JSON line each (values in column order,
keys sorted, no spaces, UTF-8), so the SHA-256 of the table file *is* the
checksum over the canonical serialisation of its rows, and the same rows give
the same checksum whichever database they were read from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

FORMAT = "alongside-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
TABLES_DIR = "tables"
FILES_DIR = "files"
# The parts of a manifest that describe the content; two backups of the same
# data agree on these (the time it was made and the engine it came from differ).
CONTENT_KEYS = ("format_version", "schema", "migrations", "tables", "files")


class BackupError(Exception):
    """A refusal or failure, said in one line for the operator."""


def canonical_row(values: Iterable[Any]) -> bytes:
    """One row as its canonical line (with the newline)."""
    text = json.dumps(
        list(values), ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )
    return text.encode("utf-8") + b"\n"


@dataclass
class TableDigest:
    """Row count and running SHA-256 of a table's canonical lines."""

    rows: int = 0
    _hash: Any = field(default_factory=hashlib.sha256, repr=False)

    def add(self, line: bytes) -> None:
        self.rows += 1
        self._hash.update(line)

    @property
    def sha256(self) -> str:
        return str(self._hash.hexdigest())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def stream_sha256(stream: BinaryIO) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for block in iter(lambda: stream.read(1 << 20), b""):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size


def table_member(label: str) -> str:
    return f"{TABLES_DIR}/{label}.jsonl"


def content(manifest: Mapping[str, Any]) -> dict[str, Any]:
    return {key: manifest.get(key) for key in CONTENT_KEYS}


def differences(expected: Mapping[str, Any], found: Mapping[str, Any]) -> list[str]:
    """Plain-words differences between two manifests' content, first the schema."""
    problems: list[str] = []
    if expected.get("migrations") != found.get("migrations"):
        problems.append("the applied migrations differ")
    want, got = expected.get("tables") or {}, found.get("tables") or {}
    for label in sorted(set(want) | set(got)):
        if label not in got:
            problems.append(f"table {label} is missing")
        elif label not in want:
            problems.append(f"table {label} is not in the backup")
        elif want[label].get("rows") != got[label].get("rows"):
            problems.append(
                f"table {label} has {got[label].get('rows')} rows, "
                f"the backup {want[label].get('rows')}"
            )
        elif want[label].get("sha256") != got[label].get("sha256"):
            problems.append(f"table {label}: checksum differs")
        elif want[label].get("columns") != got[label].get("columns"):
            problems.append(f"table {label}: columns differ")
    want_files, got_files = expected.get("files") or {}, found.get("files") or {}
    for name in sorted(set(want_files) | set(got_files)):
        if name not in got_files:
            problems.append(f"file {name} is missing")
        elif name not in want_files:
            problems.append(f"file {name} is not in the backup")
        elif want_files[name].get("sha256") != got_files[name].get("sha256"):
            problems.append(f"file {name}: checksum differs")
    return problems


def unknown_migrations(
    backup: Mapping[str, Iterable[str]], known: Mapping[str, Iterable[str]]
) -> list[str]:
    """``app.name`` of each migration in the backup that this code does not have."""
    return sorted(
        f"{app}.{name}"
        for app, names in backup.items()
        for name in names
        if name not in set(known.get(app, ()))
    )


def check_format(manifest: Any) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("this is not an Alongside backup (its manifest.json is not ours)")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            f"this backup's format version {version!r} is newer than this Alongside reads "
            f"({FORMAT_VERSION}); upgrade Alongside to restore it"
        )
    for key in ("tables", "files", "migrations"):
        if not isinstance(manifest.get(key), dict):
            raise BackupError(f"this backup's manifest has no {key!r} section")


def member_name_ok(name: str) -> bool:
    """Only the manifest and plain relative paths under tables/ and files/."""
    if name == MANIFEST_NAME:
        return True
    parts = name.split("/")
    return (
        len(parts) >= 2
        and parts[0] in (TABLES_DIR, FILES_DIR)
        and all(part not in ("", ".", "..") for part in parts)
        and "\\" not in name
        and not name.startswith("/")
    )
