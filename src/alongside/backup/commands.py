"""The two CLI doors: each prints one line, and one line on a refusal."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.db import DatabaseError

from alongside.backup.manifest import BackupError


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def run_backup(out: str) -> int:
    from alongside.backup.snapshot import backup_create

    started = time.monotonic()
    try:
        manifest = backup_create(Path(out))
    except BackupError as error:
        print(f"alongside: backup refused: {error}", file=sys.stderr)
        return 1
    except (DatabaseError, OSError) as error:
        print(f"alongside: backup failed: {_first_line(error)}", file=sys.stderr)
        return 1
    rows = sum(entry["rows"] for entry in manifest["tables"].values())
    print(
        f"backup written to {out}: {len(manifest['tables'])} tables, {rows} rows, "
        f"{len(manifest['files'])} files in {time.monotonic() - started:.1f} s"
    )
    return 0


def run_restore(archive: str, *, force: bool) -> int:
    from alongside.backup.restore import backup_restore

    started = time.monotonic()
    try:
        manifest = backup_restore(Path(archive), force=force)
    except BackupError as error:
        print(f"alongside: restore refused: {error}", file=sys.stderr)
        return 1
    except (DatabaseError, OSError) as error:
        print(f"alongside: restore failed: {_first_line(error)}", file=sys.stderr)
        return 1
    rows = sum(entry["rows"] for entry in manifest["tables"].values())
    print(
        f"restored {archive} (made {manifest.get('created_at')}): {rows} rows and "
        f"{len(manifest['files'])} files, every count and checksum verified, "
        f"in {time.monotonic() - started:.1f} s"
    )
    return 0
