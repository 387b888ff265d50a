"""Selection criteria, checks, training and supervision: the records a mentor's
compliance is computed from, and the service's configuration of them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alongside.accounts import policy
from alongside.accounts.models import User
from alongside.audit.changes import apply_changes
from alongside.audit.services import audit_record
from alongside.core import FieldProblem
from alongside.core import mentor_programme as rules
from alongside.mentors.models import (
    Check,
    CriterionResult,
    Mentor,
    SelectionCriterion,
    SupervisionKind,
    SupervisionSession,
    TrainingCompletion,
    TrainingModule,
)
from alongside.mentors.services.compliance import (
    _compliance_refresh,
    _locked,
    _today,
    wellbeing_hold_refresh,
)
from alongside.organisations.models import Service

# --- Selection criteria, checks, training, supervision -----------------------------


def criterion_result_record(
    *, actor: User, mentor: Mentor, criterion: SelectionCriterion, met: bool, notes: str = ""
) -> CriterionResult:
    policy.require(actor, "mentor.manage", mentor)
    if criterion.service_id != mentor.service_id:
        raise ValidationError({"criterion": "That criterion belongs to another service."})
    with transaction.atomic():
        result, _ = CriterionResult.objects.update_or_create(
            mentor=mentor,
            criterion=criterion,
            defaults={
                "met": met,
                "notes": notes.strip(),
                "recorded_by": actor,
                "recorded_at": timezone.now(),
            },
        )
        audit_record(
            actor=actor,
            action="mentor.criterion_record",
            target=mentor,
            fields=["criterion_results.met", "criterion_results.notes"],
        )
    return result


def check_add(
    *,
    actor: User,
    mentor: Mentor,
    kind: str,
    issued_on: dt.date,
    expires_on: dt.date | None,
    outcome: str = "clear",
    reference: str = "",
    today: dt.date | None = None,
) -> Check:
    policy.require(actor, "mentor.manage", mentor)
    today = today or _today()
    try:
        rules.validate_check_dates(issued_on, expires_on, today)
    except FieldProblem as problem:
        raise ValidationError({problem.field: problem.message}) from None
    with transaction.atomic():
        locked = _locked(mentor)
        check = Check.objects.create(
            mentor=locked,
            kind=kind,
            issued_on=issued_on,
            expires_on=expires_on,
            outcome=outcome,
            reference=reference.strip(),
            recorded_by=actor,
        )
        changed = _compliance_refresh(locked)
        audit_record(
            actor=actor,
            action="mentor.check_add",
            target=locked,
            fields=["checks", *changed],
        )
    return check


def training_completion_record(
    *,
    actor: User,
    mentor: Mentor,
    module: TrainingModule,
    completed_on: dt.date,
    today: dt.date | None = None,
) -> TrainingCompletion:
    policy.require(actor, "mentor.manage", mentor)
    if module.service_id != mentor.service_id:
        raise ValidationError({"module": "That module belongs to another service."})
    if completed_on > (today or _today()):
        raise ValidationError({"completed_on": "The completion date cannot be in the future."})
    with transaction.atomic():
        locked = _locked(mentor)
        completion = TrainingCompletion.objects.create(
            mentor=locked, module=module, completed_on=completed_on, recorded_by=actor
        )
        changed = _compliance_refresh(locked)
        audit_record(
            actor=actor,
            action="mentor.training_record",
            target=locked,
            fields=["training_completions", *changed],
        )
    return completion


def supervision_log(
    *,
    actor: User,
    mentor: Mentor,
    held_on: dt.date,
    kind: str,
    topics: str = "",
    actions: str = "",
    next_due_on: dt.date | None = None,
    today: dt.date | None = None,
) -> SupervisionSession:
    """Record a supervision session; the next one is due at the mentor's cadence unless set."""
    policy.require(actor, "mentor.manage", mentor)
    today = today or _today()
    if held_on > today:
        raise ValidationError({"held_on": "Record a session once it has happened."})
    if next_due_on is not None and next_due_on <= held_on:
        raise ValidationError({"next_due_on": "The next session must be after this one."})
    with transaction.atomic():
        locked = _locked(mentor)
        session = SupervisionSession.objects.create(
            mentor=locked,
            therapist=actor,
            held_on=held_on,
            kind=kind,
            topics=topics.strip(),
            actions=actions.strip(),
            next_due_on=next_due_on
            or rules.supervision_next_due(held_on, locked.supervision_every_weeks),
        )
        changed = _compliance_refresh(locked)
        if kind == SupervisionKind.DEBRIEF:
            # A debrief session closes the loop on every debrief the mentor was waiting for.
            if locked.debrief_requests.filter(closed_at__isnull=True).update(
                closed_at=timezone.now(), closed_by_session=session
            ):
                changed.append("debrief_requests.closed_at")
        changed += wellbeing_hold_refresh(locked)
        audit_record(
            actor=actor,
            action="mentor.supervision_log",
            target=locked,
            fields=["supervision_sessions", *changed],
        )
    return session


def _refresh_service(service_id: int) -> None:
    for mentor in Mentor.objects.select_for_update().filter(service_id=service_id):
        _compliance_refresh(mentor)


def selection_criterion_save(
    *,
    actor: User,
    service: Service,
    values: dict[str, Any],
    criterion: SelectionCriterion | None = None,
) -> SelectionCriterion:
    policy.require(actor, "mentor.configure", service)
    if values.get("kind") == "months_since_injury" and not values.get("min_months"):
        raise ValidationError({"min_months": "Give the least number of months since injury."})
    with transaction.atomic():
        if criterion is None:
            criterion = SelectionCriterion.objects.create(service=service, **values)
            changed = sorted(values)
        else:
            changed = apply_changes(criterion, values)
            criterion.save()
        audit_record(
            actor=actor,
            action="mentor.criterion_configure",
            target=criterion,
            service_id=service.pk,
            fields=changed,
        )
    return criterion


def training_module_save(
    *, actor: User, service: Service, values: dict[str, Any], module: TrainingModule | None = None
) -> TrainingModule:
    """Create or change a module; every mentor's training date is recomputed."""
    policy.require(actor, "mentor.configure", service)
    with transaction.atomic():
        if module is None:
            module = TrainingModule.objects.create(service=service, **values)
            changed = sorted(values)
        else:
            changed = apply_changes(module, values)
            module.save()
        _refresh_service(service.pk)
        audit_record(
            actor=actor,
            action="mentor.training_configure",
            target=module,
            service_id=service.pk,
            fields=changed,
        )
    return module


def check_renewal_periods_save(
    *, actor: User, service: Service, periods: dict[str, int | None]
) -> list[str]:
    """Set how often each kind of check is redone (None: the programme's default).

    Every mentor's stored check date is recomputed in the same transaction, so the
    find page and the matching pool follow the new periods at once. Returns the kinds
    that changed."""
    from alongside.mentors.models import CheckRenewalPeriod

    policy.require(actor, "mentor.configure", service)
    errors = {}
    for kind, months in periods.items():
        if kind not in rules.CheckKind.values:
            errors[kind] = f"{kind!r} is not a kind of check."
        elif months is not None and not 1 <= months <= 120:
            label = rules.CheckKind(kind).label
            errors[kind] = f"Enter a number of months from 1 to 120 for the {label.lower()}."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        stored = {
            row.kind: row
            for row in CheckRenewalPeriod.objects.select_for_update().filter(service=service)
        }
        changed = []
        for kind, months in periods.items():
            row = stored.get(kind)
            if months is None:
                if row is not None:
                    row.delete()
                    changed.append(kind)
            elif row is None:
                CheckRenewalPeriod.objects.create(service=service, kind=kind, every_months=months)
                changed.append(kind)
            elif row.every_months != months:
                row.every_months = months
                row.save(update_fields=["every_months"])
                changed.append(kind)
        if changed:
            _refresh_service(service.pk)
            audit_record(
                actor=actor,
                action="mentor.renewals_configure",
                target=service,
                service_id=service.pk,
                fields=[f"check_renewal_periods.{kind}" for kind in sorted(changed)],
            )
    return changed
