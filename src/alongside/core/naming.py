"""How people are named to someone who may know only their first name.

A mentor sees a mentee's first name only; two mentees called "Pat" are told
apart by the month they were matched ("Pat (matched May 2026)"), never by a
family name the mentor may not see.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence


def tell_apart(first_names: Sequence[str], matched_on: Sequence[dt.date | None]) -> list[str]:
    """Each first name, with the month matched added where the first name repeats.

    Where the month repeats too, a running number keeps every label different.
    """
    if len(first_names) != len(matched_on):
        raise ValueError("one matched date per first name")
    counts = Counter(name.casefold() for name in first_names)
    labels: list[str] = []
    for name, day in zip(first_names, matched_on, strict=True):
        if counts[name.casefold()] < 2:
            labels.append(name)
        elif day is None:
            labels.append(f"{name} (not matched yet)")
        else:
            labels.append(f"{name} (matched {day:%B %Y})")
    seen: Counter[str] = Counter(labels)
    if all(n == 1 for n in seen.values()):
        return labels
    running: Counter[str] = Counter()
    result = []
    for label in labels:
        if seen[label] > 1:
            running[label] += 1
            result.append(f"{label} {running[label]}" if running[label] > 1 else label)
        else:
            result.append(label)
    return result
