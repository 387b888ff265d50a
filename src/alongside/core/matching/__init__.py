"""Matching patients with peer mentors.

- ``rank`` / ``rank_with_exclusions``: eligible mentors for one patient, best
  first, with per-criterion scores and plain-words reasons.
- ``MentorPool``: mentors encoded once for fast ranking and ``score_matrix``.
- ``assign``: exact whole-waitlist assignment respecting capacities.
"""

from alongside.core.matching.assign import assign
from alongside.core.matching.explain import explain, explain_exclusion
from alongside.core.matching.pool import MentorPool, score_matrix
from alongside.core.matching.profiles import (
    CRITERIA,
    CriterionScore,
    Exclusion,
    MentorProfile,
    PatientProfile,
    Suggestion,
    Weights,
)
from alongside.core.matching.rank import rank, rank_with_exclusions
from alongside.core.matching.rules import RULE_NAMES, first_failed_rule

__all__ = [
    "CRITERIA",
    "RULE_NAMES",
    "CriterionScore",
    "Exclusion",
    "MentorPool",
    "MentorProfile",
    "PatientProfile",
    "Suggestion",
    "Weights",
    "assign",
    "explain",
    "explain_exclusion",
    "first_failed_rule",
    "rank",
    "rank_with_exclusions",
    "score_matrix",
]
