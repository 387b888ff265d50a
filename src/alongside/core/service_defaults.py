"""What a new service starts with, each editable afterwards by its manager.

Selection criteria are ``mentor_programme.DEFAULT_CRITERIA``; targets are the
model defaults (first therapist contact within 5 working days of referral,
peer mentor introduced within 21 days of acceptance); the eligibility preset
is the trial of the service's country where there is one.
"""

from __future__ import annotations

from typing import Final

# (title, re-certify after this many months or None, required before a first match)
DEFAULT_TRAINING_MODULES: Final[tuple[tuple[str, int | None, bool], ...]] = (
    ("Introduction to peer mentoring", None, True),
    ("Boundaries and confidentiality", 24, True),
    ("Safeguarding and raising concerns", 12, True),
    ("Looking after yourself as a mentor", None, False),
)

# ROWTATE ran in England, EIVRS in Victoria; elsewhere EIVRS's broader age band.
_PRESET_BY_COUNTRY: Final[dict[str, str]] = {"GB": "rowtate", "AU": "eivrs"}


def eligibility_preset_for(country: str) -> str:
    return _PRESET_BY_COUNTRY.get(country.strip().upper(), "eivrs")
