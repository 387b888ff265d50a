"""Unitising coded text for inter-coder agreement, and agreement per code.

Coders mark spans of different lengths, so agreement is measured on units
the lead chooses: characters, sentences or speaker turns. For each code
every unit becomes a yes/no decision per coder (does any of the coder's
spans for that code overlap the unit?), and those decisions go to
``alongside.core.agreement``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from alongside.core.agreement import cohen_kappa, krippendorff_alpha
from alongside.core.qda.project import QdaError
from alongside.core.qda.transcripts import Turn, transcript_from_text

UNITS = ("character", "sentence", "turn")
Span = tuple[int, int]
# A sentence ends at . ! ? or … (with closing quotes or brackets), before
# white space; a line end always ends one, so no sentence crosses turns.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'’”)\]]*(?=\s|$)|\n")


def unit_bounds(text: str, unit: str, turns: Sequence[Turn] = ()) -> list[Span]:
    """The units of ``text`` as (start, end) offsets, in order, never overlapping.

    Characters: white space is not a unit, because coders' spans routinely
    differ by a space at either end and agreement on blank space would
    inflate every statistic. Sentences: split at sentence punctuation and
    line ends; "Dr." may split a sentence, which is harmless because every
    coder is measured on the same units. Turns: the given turns, or those
    found in the text ("Speaker:" lines, else paragraphs).
    """
    if unit == "character":
        return [(i, i + 1) for i, char in enumerate(text) if not char.isspace()]
    if unit == "sentence":
        bounds: list[Span] = []
        start = 0
        for match in _SENTENCE_END.finditer(text):
            bounds += _trimmed(text, start, match.end())
            start = match.end()
        bounds += _trimmed(text, start, len(text))
        return bounds
    if unit == "turn":
        if not turns:
            found = transcript_from_text(text)
            turns = found.turns if found.text == text else ()
        if not turns:
            return _trimmed_lines(text)
        return sorted((t.start, t.end) for t in turns if t.end > t.start)
    raise QdaError(f"The unit must be one of {', '.join(UNITS)}, not {unit!r}")


def _trimmed(text: str, start: int, end: int) -> list[Span]:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return []
    left = start + len(piece) - len(piece.lstrip())
    return [(left, left + len(stripped))]


def _trimmed_lines(text: str) -> list[Span]:
    bounds: list[Span] = []
    start = 0
    for line in text.split("\n"):
        bounds += _trimmed(text, start, start + len(line))
        start += len(line) + 1
    return bounds


def coder_matrix(
    bounds: Sequence[Span], spans_by_coder: Mapping[str, Sequence[Span] | None]
) -> list[list[int | None]]:
    """One row per coder (mapping order), one column per unit: 1 if any span overlaps it.

    Overlap means sharing at least one character; touching ends do not
    count. A coder mapped to None did not code this transcript: their row
    is all None (missing), which Krippendorff's alpha allows, rather than
    0, which would count as disagreeing with everyone who coded.
    """
    if not bounds:
        return [[] for _ in spans_by_coder]
    starts = np.array([s for s, _ in bounds])
    ends = np.array([e for _, e in bounds])
    length = int(ends.max())
    rows: list[list[int | None]] = []
    for spans in spans_by_coder.values():
        if spans is None:
            rows.append([None] * len(bounds))
            continue
        # Characters covered by any span, then a prefix sum, so each unit is
        # checked in constant time however many spans there are.
        delta = np.zeros(length + 2, dtype=np.int64)
        for start, end in spans:
            start, end = max(start, 0), min(end, length)
            if end > start:
                delta[start] += 1
                delta[end] -= 1
        covered = (np.cumsum(delta)[: length + 1] > 0).astype(np.int64)
        prefix = np.concatenate(([0], np.cumsum(covered)))
        rows.append((prefix[ends] - prefix[starts] > 0).astype(np.int64).tolist())
    return rows


@dataclass(frozen=True)
class CodedTranscript:
    """One transcript's blinded coding: coder -> code -> spans; None = not coded by them."""

    text: str
    coding: Mapping[str, Mapping[str, Sequence[Span]] | None]
    turns: tuple[Turn, ...] = ()


@dataclass(frozen=True)
class Agreement:
    """Agreement on one code (or all codes pooled).

    ``units``: units at least two coders decided on. ``kappa`` is None
    unless there are exactly two coders; NaN (like ``alpha`` and
    ``percent``) means not measurable, e.g. nobody used the code anywhere.
    """

    units: int
    kappa: float | None
    alpha: float
    percent: float


@dataclass(frozen=True)
class AgreementReport:
    unit: str
    coders: tuple[str, ...]
    by_code: Mapping[str, Agreement] = field(default_factory=dict)
    overall: Agreement = Agreement(0, None, math.nan, math.nan)


def agreement_by_code(
    transcripts: Sequence[CodedTranscript], unit: str, codes: Sequence[str] | None = None
) -> AgreementReport:
    """Cohen's kappa, Krippendorff's alpha (nominal) and percent agreement, per code and overall.

    Units of all transcripts are pooled, so a code is judged on the whole
    study. Overall pools every (unit, code) decision, the usual way to
    summarise a codebook; frequent codes therefore weigh more. ``codes``
    fixes the codes (and their order); by default every code anyone used.
    """
    if unit not in UNITS:
        raise QdaError(f"The unit must be one of {', '.join(UNITS)}, not {unit!r}")
    coders: list[str] = []
    used: list[str] = []
    for transcript in transcripts:
        for coder, coder_codes in transcript.coding.items():
            if coder not in coders:
                coders.append(coder)
            for code in coder_codes or {}:
                if code not in used:
                    used.append(code)
    wanted = list(codes) if codes is not None else used
    rows_by_code: dict[str, list[list[int | None]]] = {c: [[] for _ in coders] for c in wanted}
    for transcript in transcripts:
        bounds = unit_bounds(transcript.text, unit, transcript.turns)
        for code in wanted:
            spans: dict[str, Sequence[Span] | None] = {}
            for coder in coders:
                coder_codes = transcript.coding.get(coder)
                spans[coder] = None if coder_codes is None else coder_codes.get(code, ())
            for row, part in zip(rows_by_code[code], coder_matrix(bounds, spans), strict=True):
                row.extend(part)
    by_code = {code: _agreement(rows) for code, rows in rows_by_code.items()}
    pooled: list[list[int | None]] = [[] for _ in coders]
    for rows in rows_by_code.values():
        for row, part in zip(pooled, rows, strict=True):
            row.extend(part)
    return AgreementReport(unit, tuple(coders), by_code, _agreement(pooled))


def _agreement(rows: list[list[int | None]]) -> Agreement:
    # -1 marks a missing decision; arrays because character units run to
    # hundreds of thousands per study.
    decisions = np.array([[-1 if v is None else v for v in row] for row in rows], dtype=np.int8)
    decisions = decisions.reshape(len(rows), -1)
    present = (decisions >= 0).sum(axis=0)
    yes = (decisions == 1).sum(axis=0)
    pairable = present >= 2
    unanimous = (yes == 0) | (yes == present)
    percent = float(unanimous[pairable].mean()) if pairable.any() else math.nan
    try:
        alpha = float(krippendorff_alpha(rows, "nominal"))
    except ValueError:
        alpha = math.nan  # no unit decided by two coders
    kappa: float | None = None
    if len(rows) == 2:
        # Kappa needs both coders' decision on a unit; units either skipped are left out.
        both = (decisions >= 0).all(axis=0)
        a, b = decisions[0][both].tolist(), decisions[1][both].tolist()
        kappa = cohen_kappa(a, b) if a else math.nan
    return Agreement(int(pairable.sum()), kappa, alpha, percent)
