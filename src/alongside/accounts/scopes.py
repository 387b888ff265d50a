"""What an API token may be used for.

A token acts as its user and never beyond: every API operation still goes through
the same policy and selectors as the pages. Scopes narrow it further — a reporting
script gets ``reports:read`` and nothing else. Each API operation needs exactly one
scope (see ``alongside.api.auth.required_scope``); a token without it gets 403.
"""

from __future__ import annotations

from collections.abc import Iterable

# Name -> what it lets a script do, as the tokens page shows it.
SCOPES: dict[str, str] = {
    "services:read": "See the services you belong to",
    "referrals:read": "Read referrals",
    "referrals:write": "Send referrals (a hospital's referral feed)",
    "patients:read": "Read the patients you may see, and their FHIR export",
    "mentors:read": "Read mentors and their availability",
    "mentors:write": "Set availability (a mentor their own; the clinical team capacity too)",
    "matches:read": "Read matches and suggestions",
    "matches:write": "Propose, answer and end matches",
    "contacts:read": "Read contacts",
    "contacts:write": "Log contacts",
    "notifications:read": "Read your notifications",
    "reports:read": "Read the dashboard figures",
    "questionnaires:read": "Read patients' questionnaires, answers and scores",
    "questionnaires:write": "Schedule questionnaires for patients",
    "exports:read": "See your exports' progress and download their files",
    "exports:write": "Start exports (list files, the research export)",
}
ALL_SCOPES: tuple[str, ...] = tuple(SCOPES)


def clean_scopes(scopes: Iterable[str]) -> list[str]:
    """The scopes in their canonical order; ValueError naming any unknown one."""
    wanted = {s.strip() for s in scopes if s.strip()}
    unknown = sorted(wanted - set(SCOPES))
    if unknown:
        raise ValueError(f"unknown scope {', '.join(unknown)}; choose from {', '.join(ALL_SCOPES)}")
    if not wanted:
        raise ValueError("choose at least one scope")
    return [s for s in ALL_SCOPES if s in wanted]
