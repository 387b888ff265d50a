"""Plain sentences for a suggestion, for therapists reading the match list."""

from __future__ import annotations

from alongside.core.matching.profiles import Exclusion, Suggestion
from alongside.core.matching.rules import GENDER_WORDS
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


def preferences_met(suggestion: Suggestion) -> list[str]:
    """What the patient asked for that this (eligible) mentor meets, as the therapist noted it."""
    patient = suggestion.patient
    met = []
    if patient.preferred_mentor_gender:
        wanted = patient.preferred_mentor_gender.strip().casefold()
        met.append(f"Asked for a {GENDER_WORDS.get(wanted, wanted)} mentor.")
    if patient.required_language:
        met.append(f"Needs a mentor who speaks {patient.required_language.strip()}.")
    if patient.wants_in_person:
        met.append("Wants to meet in person.")
    return met


def explain(suggestion: Suggestion) -> list[str]:
    """The patient's preferences met, then one sentence per criterion, strongest first."""
    recorded = [c for c in suggestion.criteria if c.score is not None]
    missing = [c for c in suggestion.criteria if c.score is None]
    recorded.sort(key=lambda c: -(c.score or 0.0))
    sentences = preferences_met(suggestion)
    sentences += [f"{_sentence(c.reason)} ({_percent(c.score)} match)." for c in recorded]
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
