"""Rank eligible mentors for one patient.

``rank(patient, mentors, weights)`` is the simple contract-level call; it
builds a ``MentorPool`` each time. Callers ranking many patients, or a large
pool repeatedly, should build the pool once and call ``pool.rank``.
"""

from __future__ import annotations

from collections.abc import Iterable

from alongside.core.matching.pool import MentorPool
from alongside.core.matching.profiles import (
    Exclusion,
    MentorProfile,
    PatientProfile,
    Suggestion,
    Weights,
)


def _as_pool(mentors: MentorPool | Iterable[MentorProfile]) -> MentorPool:
    return mentors if isinstance(mentors, MentorPool) else MentorPool(mentors)


def rank(
    patient: PatientProfile,
    mentors: MentorPool | Iterable[MentorProfile],
    weights: Weights | None = None,
    limit: int | None = None,
) -> list[Suggestion]:
    """Eligible mentors best first (ties by mentor id), each with its total and parts."""
    return _as_pool(mentors).rank(patient, weights or Weights(), limit)


def rank_with_exclusions(
    patient: PatientProfile,
    mentors: MentorPool | Iterable[MentorProfile],
    weights: Weights | None = None,
    limit: int | None = None,
) -> tuple[list[Suggestion], list[Exclusion]]:
    """As ``rank``, plus the first failed hard rule of every other mentor."""
    return _as_pool(mentors).rank_with_exclusions(patient, weights or Weights(), limit)
