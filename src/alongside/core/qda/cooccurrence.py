"""Code co-occurrence: how often two codes were applied to overlapping text."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence


def cooccurrence(spans: Sequence[tuple[str, int, int, str]]) -> dict[tuple[str, str], int]:
    """Pairs of codes -> number of overlapping span pairs, from (source, start, end, code).

    Two spans co-occur when they are in the same source and share at least
    one character (touching ends do not), the reading used by QDA tools for
    "coded together". Each overlapping pair of spans counts once, so the
    table reads "times these codes were applied together"; a code with itself
    is not counted, and keys are ordered (a < b) so each pair appears once.
    The caller chooses which spans to pass (one coder's, or the agreed set),
    since counting two coders' identical spans would double every pair.
    """
    by_source: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for source, start, end, code in spans:
        if end > start:
            by_source[source].append((start, end, code))
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for items in by_source.values():
        items.sort()
        # Sweep in start order: only spans still open can overlap the next one.
        open_spans: list[tuple[int, int, str]] = []
        for start, end, code in items:
            open_spans = [s for s in open_spans if s[1] > start]
            for _, _, other in open_spans:
                if other != code:
                    key = (other, code) if other < code else (code, other)
                    counts[key] += 1
            open_spans.append((start, end, code))
    return dict(counts)
