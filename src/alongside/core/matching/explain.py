"""Plain sentences for a suggestion, for therapists reading the match list."""

from __future__ import annotations

from alongside.core.matching.profiles import Exclusion, Suggestion
from alongside.core.matching.similarity import NOT_RECORDED

CRITERION_LABELS = {
    "injury": "Injury",
    "work": "Work",
    "age": "Age",
    "place": "Place",
    "language": "Language",
    "availability": "Availability",
    "modes": "Ways to meet",
}


def explain(suggestion: Suggestion) -> list[str]:
    """One sentence per criterion, recorded ones first, strongest first."""
    recorded = [c for c in suggestion.criteria if c.score is not None]
    missing = [c for c in suggestion.criteria if c.score is None]
    recorded.sort(key=lambda c: -(c.score or 0.0))
    sentences = [f"{_sentence(c.reason)} ({_percent(c.score)} match)." for c in recorded]
    sentences += [f"{CRITERION_LABELS.get(c.name, c.name)}: {NOT_RECORDED}." for c in missing]
    return sentences


def summary(suggestion: Suggestion) -> str:
    return f"Overall match {_percent(suggestion.total)}"


def explain_exclusion(exclusion: Exclusion) -> str:
    return f"{_sentence(exclusion.reason)}."


def _percent(score: float | None) -> str:
    return f"{round(100 * (score or 0.0))}%"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text
