"""The pipeline from enquiry to active, paused, retired or declined."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alongside.accounts import policy
from alongside.accounts.models import Role, User
from alongside.accounts.services import membership_grant
from alongside.audit.services import audit_record
from alongside.core import mentor_programme as rules
from alongside.hooks import Hook
from alongside.mentors.models import (
    Mentor,
    MentorStatus,
)
from alongside.mentors.selectors import activation_problems
from alongside.mentors.services.compliance import _compliance_refresh, _locked, _today

# The matching work registers here what must happen to a paused mentor's
# current mentees (flag them for review); called inside the pause transaction.
ON_PAUSE: Hook[Callable[[Mentor, User], None]] = Hook(
    "mentor_paused", "a mentor was paused (inside the pause transaction): (mentor, actor)"
)


# --- The pipeline ----------------------------------------------------------------------


def _move(actor: User, mentor: Mentor, target: str, fields: dict[str, Any]) -> Mentor:
    rules.require_transition(mentor.status, target)
    mentor.status = target
    mentor.status_changed_at = timezone.now()
    for name, value in fields.items():
        setattr(mentor, name, value)
    mentor.save(update_fields=["status", "status_changed_at", *fields, "updated_at"])
    _compliance_refresh(mentor)
    audit_record(actor=actor, action=f"mentor.{target}", target=mentor, fields=["status", *fields])
    return mentor


def mentor_advance(*, actor: User, mentor: Mentor, to_status: str) -> Mentor:
    """One step along enquiry → screening → checks → training.

    Becoming active goes through ``mentor_activate``; leaving goes through
    ``mentor_decline`` / ``mentor_retire``, which need a reason.
    """
    policy.require(actor, "mentor.manage", mentor)
    if to_status not in (MentorStatus.SCREENING, MentorStatus.CHECKS, MentorStatus.TRAINING):
        raise rules.ProgrammeRuleError(
            "Use activate, pause, resume, retire or decline for that step."
        )
    with transaction.atomic():
        return _move(actor, _locked(mentor), to_status, {})


def mentor_activate(*, actor: User, mentor: Mentor, today: dt.date | None = None) -> Mentor:
    """Training → active, only when every required criterion is met, checks are
    valid and required training is complete and in date. The error lists what is missing."""
    policy.require(actor, "mentor.manage", mentor)
    today = today or _today()
    with transaction.atomic():
        locked = _locked(mentor)
        rules.require_transition(locked.status, MentorStatus.ACTIVE)
        problems = activation_problems(locked, today)
        if problems:
            raise rules.ProgrammeRuleError(
                f"{locked.full_name} cannot become active yet: " + "; ".join(problems) + ".",
                problems,
            )
        _move(actor, locked, MentorStatus.ACTIVE, {"paused_reason": ""})
        if locked.user is not None:
            membership_grant(
                user=locked.user, service=locked.service, role=Role.MENTOR, actor=actor
            )
    return locked


def mentor_pause(*, actor: User, mentor: Mentor, reason: str) -> Mentor:
    """Active → paused: no new matches. Current mentees are flagged by ON_PAUSE hooks."""
    policy.require(actor, "mentor.manage", mentor)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the mentor is paused."})
    with transaction.atomic():
        locked = _move(
            actor, _locked(mentor), MentorStatus.PAUSED, {"paused_reason": reason.strip()}
        )
        ON_PAUSE.call(locked, actor)
    return locked


def mentor_resume(*, actor: User, mentor: Mentor, today: dt.date | None = None) -> Mentor:
    """Paused → active, under the same rules as the first activation."""
    policy.require(actor, "mentor.manage", mentor)
    today = today or _today()
    with transaction.atomic():
        locked = _locked(mentor)
        rules.require_transition(locked.status, MentorStatus.ACTIVE)
        problems = activation_problems(locked, today)
        if problems:
            raise rules.ProgrammeRuleError(
                f"{locked.full_name} cannot go back to active yet: " + "; ".join(problems) + ".",
                problems,
            )
        return _move(actor, locked, MentorStatus.ACTIVE, {"paused_reason": ""})


def mentor_retire(*, actor: User, mentor: Mentor, reason: str = "") -> Mentor:
    policy.require(actor, "mentor.manage", mentor)
    with transaction.atomic():
        locked = _locked(mentor)
        fields = {"paused_reason": reason.strip()} if reason.strip() else {}
        return _move(actor, locked, MentorStatus.RETIRED, fields)


def mentor_decline(*, actor: User, mentor: Mentor, reason: str) -> Mentor:
    policy.require(actor, "mentor.manage", mentor)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason the application was declined."})
    with transaction.atomic():
        return _move(
            actor, _locked(mentor), MentorStatus.DECLINED, {"decline_reason": reason.strip()}
        )
