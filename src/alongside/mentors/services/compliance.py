"""Stored compliance dates and the well-being hold, recomputed inside the writing
transaction whenever a row they depend on changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from alongside.audit.changes import apply_changes
from alongside.core import mentor_programme as rules
from alongside.mentors.models import (
    Mentor,
    MentorStatus,
)
from alongside.mentors.selectors import (
    check_facts,
    distress_signals,
    renewal_months,
    training_completions,
    training_modules,
)


def _today() -> dt.date:
    return timezone.localdate()


def wellbeing_hold_refresh(mentor: Mentor) -> list[str]:
    """Recompute the stored well-being hold (call inside the writing transaction)."""
    since = rules.wellbeing_hold_since(*distress_signals(mentor))
    changed = apply_changes(mentor, {"wellbeing_hold_since": since})
    if changed:
        mentor.save(update_fields=[*changed, "updated_at"])
    return changed


def _compliance_refresh(mentor: Mentor) -> list[str]:
    """Recompute the stored compliance dates; return the names of those that changed."""
    latest_session = mentor.supervision_sessions.order_by("-held_on", "-pk").first()
    if latest_session is not None:
        due = latest_session.next_due_on
    elif mentor.status in (MentorStatus.ACTIVE, MentorStatus.PAUSED):
        # No supervision yet: the first is due one cadence after activation.
        due = rules.supervision_next_due(
            timezone.localdate(mentor.status_changed_at), mentor.supervision_every_weeks
        )
    else:
        due = None
    fresh = {
        "checks_valid_until": rules.checks_valid_until(
            check_facts(mentor), renewal_months(mentor.service_id)
        ),
        "training_valid_until": rules.training_valid_until(
            training_modules(mentor.service_id), training_completions(mentor)
        ),
        "supervision_due_on": due,
    }
    changed = apply_changes(mentor, fresh)
    if changed:
        mentor.save(update_fields=[*changed, "updated_at"])
    return changed


def _locked(mentor: Mentor) -> Mentor:
    return Mentor.objects.select_for_update().get(pk=mentor.pk)


def bulk_compliance_refresh(mentors: Iterable[Mentor]) -> None:
    """For demo loading and data repair: recompute stored compliance dates and holds."""
    with transaction.atomic():
        for mentor in mentors:
            _compliance_refresh(mentor)
            wellbeing_hold_refresh(mentor)
