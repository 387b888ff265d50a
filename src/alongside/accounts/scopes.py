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

# Scope -> the policy actions of the operations behind it. The tokens page offers a
# person only the scopes some role of theirs can use: a patient is not offered
# "Send referrals", which every request would then refuse.
SCOPE_ACTIONS: dict[str, tuple[str, ...]] = {
    "services:read": ("service.view",),
    "referrals:read": ("patient.view",),
    "referrals:write": ("patient.manage",),
    "patients:read": ("patient.view",),
    "mentors:read": ("mentor.view", "mentor.view_own"),
    "mentors:write": ("mentor.manage", "mentor.edit_own"),
    "matches:read": ("match.manage", "mentor.view_own", "patient.own"),
    "matches:write": ("match.manage", "mentor.view_own", "patient.own"),
    "contacts:read": ("contact.view", "contact.own"),
    "contacts:write": ("contact.log", "contact.own"),
    "notifications:read": ("service.view",),
    "reports:read": ("report.view",),
    "questionnaires:read": ("outcome.view",),
    "questionnaires:write": ("outcome.enter",),
    "exports:read": ("report.view", "research.view", "patient.view", "mentor.view"),
    "exports:write": ("report.view", "research.view", "patient.view", "mentor.view"),
}


def usable_scopes(roles: Iterable[str]) -> list[str]:
    """The scopes a person with these roles (in any service) can use, in canonical order."""
    from alongside.accounts.policy import RULES

    held = set(roles)
    return [s for s in ALL_SCOPES if any(RULES[a] & held for a in SCOPE_ACTIONS[s])]


def clean_scopes(scopes: Iterable[str]) -> list[str]:
    """The scopes in their canonical order; ValueError naming any unknown one."""
    wanted = {s.strip() for s in scopes if s.strip()}
    unknown = sorted(wanted - set(SCOPES))
    if unknown:
        raise ValueError(f"unknown scope {', '.join(unknown)}; choose from {', '.join(ALL_SCOPES)}")
    if not wanted:
        raise ValueError("choose at least one scope")
    return [s for s in ALL_SCOPES if s in wanted]
