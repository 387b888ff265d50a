"""The pure half: canonical rows, digests and manifest comparisons (no database)."""

from __future__ import annotations

import hashlib

import pytest

from alongside.backup.manifest import (
    BackupError,
    TableDigest,
    canonical_row,
    check_format,
    differences,
    member_name_ok,
    unknown_migrations,
)


def test_canonical_row_sorts_keys_and_keeps_text_as_utf8() -> None:
    assert canonical_row([1, {"b": 2, "a": "é"}, None]) == '[1,{"a":"é","b":2},null]\n'.encode()


def test_canonical_row_refuses_nan() -> None:
    with pytest.raises(ValueError):
        canonical_row([float("nan")])


def test_digest_is_the_sha256_of_the_lines() -> None:
    digest = TableDigest()
    lines = [canonical_row([1, "a"]), canonical_row([2, "b"])]
    for line in lines:
        digest.add(line)
    assert digest.rows == 2
    assert digest.sha256 == hashlib.sha256(b"".join(lines)).hexdigest()


def _manifest(**tables: tuple[int, str]) -> dict:
    return {
        "migrations": {"audit": ["0001_initial"]},
        "tables": {k: {"rows": r, "sha256": s, "columns": ["id"]} for k, (r, s) in tables.items()},
        "files": {},
    }


def test_differences_name_the_table_and_what_differs() -> None:
    same = _manifest(**{"audit.auditevent": (3, "x")})
    assert differences(same, same) == []
    assert differences(same, _manifest(**{"audit.auditevent": (2, "x")})) == [
        "table audit.auditevent has 2 rows, the backup 3"
    ]
    assert differences(same, _manifest(**{"audit.auditevent": (3, "y")})) == [
        "table audit.auditevent: checksum differs"
    ]
    assert differences(same, _manifest()) == ["table audit.auditevent is missing"]


def test_unknown_migrations_are_the_backups_extra_ones() -> None:
    known = {"audit": ["0001_initial", "0002_more"]}
    assert unknown_migrations({"audit": ["0001_initial"]}, known) == []
    assert unknown_migrations({"audit": ["0003_future"], "newapp": ["0001_initial"]}, known) == [
        "audit.0003_future",
        "newapp.0001_initial",
    ]


def test_format_is_checked() -> None:
    with pytest.raises(BackupError, match="not an Alongside backup"):
        check_format({"format": "other"})
    with pytest.raises(BackupError, match="newer than this Alongside reads"):
        check_format({"format": "alongside-backup", "format_version": 99})


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("manifest.json", True),
        ("tables/audit.auditevent.jsonl", True),
        ("files/receipts/a.pdf", True),
        ("files/../../etc/passwd", False),
        ("/etc/passwd", False),
        ("other/x", False),
        ("files/", False),
    ],
)
def test_member_names_stay_inside(name: str, ok: bool) -> None:
    assert member_name_ok(name) is ok
