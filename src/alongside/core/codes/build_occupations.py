"""Convert the owners' published occupation structures into the files Alongside ships.

    python -m alongside.core.codes.build_occupations [SOURCE_DIR]

SOURCE_DIR holds the files exactly as their owners publish them (default:
``../shared/standards/occupations`` next to the repository):

- ``isco08-structure.csv`` (ILO, ISCO-08: ``code,level,title``),
- ``anzsco-v1.2-structure.csv`` (ABS, ANZSCO v1.2: one row per occupation with
  its unit, minor, sub-major and major group codes and titles),
- ``soc2020-volume1-structure-and-descriptions.xlsx`` (ONS, UK SOC 2020
  Volume 1, sheet "SOC2020 Framework").

Writes ``data/occupations-<id>.csv`` beside this module: ``code,level,title``,
one row per group at every level, sorted by code. Titles are the owner's;
only titles the owner sets in capitals (the major groups of ANZSCO and SOC)
are put in sentence case, so lists read alike. Nothing is added or left out:
the script refuses a structure whose counts are not the published ones.

Run it again when an owner publishes a new edition, and commit the output.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable
from pathlib import Path

DATA = Path(__file__).with_name("data")
# src/alongside/core/codes/ -> the repository -> its parent, where shared/ sits.
DEFAULT_SOURCE = Path(__file__).resolve().parents[5] / "shared/standards/occupations"

# The owners' published counts per level; a different count means a wrong file.
EXPECTED = {
    "isco08": {"major": 10, "sub-major": 43, "minor": 130, "unit": 436},
    "anzsco": {"major": 8, "sub-major": 43, "minor": 97, "unit": 358, "occupation": 1032},
    "soc2020": {"major": 9, "sub-major": 26, "minor": 104, "unit": 412},
}
LEVEL_BY_LENGTH = {
    "isco08": {1: "major", 2: "sub-major", 3: "minor", 4: "unit"},
    "anzsco": {1: "major", 2: "sub-major", 3: "minor", 4: "unit", 6: "occupation"},
    "soc2020": {1: "major", 2: "sub-major", 3: "minor", 4: "unit"},
}

Row = tuple[str, str, str]  # code, level, title


def tidy_title(title: str) -> str:
    """The owner's title with its spacing normalised; ALL-CAPS titles in sentence case."""
    text = " ".join(str(title).split())
    if text.isupper():
        text = text[0] + text[1:].lower()
    return text


def isco08_rows(source: Path) -> list[Row]:
    with (source / "isco08-structure.csv").open(encoding="utf-8", newline="") as handle:
        return [
            (r["code"].strip(), r["level"].strip(), tidy_title(r["title"]))
            for r in csv.DictReader(handle)
        ]


def anzsco_rows(source: Path) -> list[Row]:
    levels = [
        ("Major.Group.Code", "Major.Group", "major"),
        ("Sub.Major.Group.Code", "Sub.Major.Group", "sub-major"),
        ("Minor.Group.Code", "Minor.Group", "minor"),
        ("Unit.Group.Code", "Unit.Group", "unit"),
        ("Occupation.Code", "Occupation", "occupation"),
    ]
    found: dict[str, Row] = {}
    with (source / "anzsco-v1.2-structure.csv").open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            for code_column, title_column, level in levels:
                code = record[code_column].strip()
                row = (code, level, tidy_title(record[title_column]))
                if found.setdefault(code, row) != row:
                    raise ValueError(
                        f"ANZSCO {code} has two titles: {found[code][2]!r}, {row[2]!r}"
                    )
    return list(found.values())


def soc2020_rows(source: Path) -> list[Row]:
    from openpyxl import load_workbook

    book = load_workbook(
        source / "soc2020-volume1-structure-and-descriptions.xlsx", read_only=True, data_only=True
    )
    sheet = book["SOC2020 Framework"]
    rows: list[Row] = []
    levels = ("major", "sub-major", "minor", "unit")
    for i, values in enumerate(sheet.iter_rows(values_only=True)):
        if i == 0:
            continue  # the header
        codes = values[1:5]
        title = values[5]
        filled = [
            (level, code) for level, code in zip(levels, codes, strict=True) if code is not None
        ]
        if not filled:
            continue  # the blank rows between groups
        if len(filled) != 1 or not title:
            raise ValueError(f"SOC 2020 framework row {i + 1} is not one group: {values!r}")
        level, code = filled[0]
        rows.append((str(int(code)), level, tidy_title(str(title))))
    book.close()
    return rows


def check(classification_id: str, rows: Iterable[Row]) -> list[Row]:
    rows = sorted(set(rows))
    codes = [code for code, _, _ in rows]
    if len(codes) != len(set(codes)):
        raise ValueError(f"{classification_id}: a code appears twice")
    counts: dict[str, int] = {}
    by_length = LEVEL_BY_LENGTH[classification_id]
    known = set(codes)
    for code, level, title in rows:
        if not code.isdigit() or by_length.get(len(code)) != level or not title:
            raise ValueError(f"{classification_id}: {code} ({level}) is not well formed")
        parent = (
            code[: max(length for length in by_length if length < len(code))]
            if len(code) > 1
            else ""
        )
        if parent and parent not in known:
            raise ValueError(f"{classification_id}: {code} has no parent group {parent}")
        counts[level] = counts.get(level, 0) + 1
    if counts != EXPECTED[classification_id]:
        raise ValueError(
            f"{classification_id}: counts {counts}, published {EXPECTED[classification_id]}"
        )
    return rows


def build(source: Path, out: Path = DATA) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    readers = {"isco08": isco08_rows, "anzsco": anzsco_rows, "soc2020": soc2020_rows}
    for classification_id, reader in readers.items():
        rows = check(classification_id, reader(source))
        with (out / f"occupations-{classification_id}.csv").open(
            "w", encoding="utf-8", newline=""
        ) as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["code", "level", "title"])
            writer.writerows(rows)
        written[classification_id] = len(rows)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    source = Path(args[0]) if args else DEFAULT_SOURCE
    if not source.is_dir():
        print(f"build_occupations: {source} is not a folder of the owners' files", file=sys.stderr)
        return 2
    for classification_id, count in build(source).items():
        print(f"{classification_id}: {count} groups")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
