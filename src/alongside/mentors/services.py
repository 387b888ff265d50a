"""Writes of the mentor programme. Every function checks policy, runs in one
transaction, and leaves an audit event naming the fields it changed.

The programme's rules live in ``alongside.core.mentor_programme``; this module
turns rows into the dataclasses those rules take and stores what they return.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from alongside.accounts import policy
from alongside.accounts.models import Role, User
from alongside.accounts.services import membership_grant
from alongside.audit.changes import apply_changes
from alongside.audit.services import audit_record
from alongside.core import mentor_programme as rules
from alongside.core import person_details
from alongside.core.codes import (
    amputation_site,
    classification,
    injury_category_for_icd10,
    validate_asia_grade,
    validate_icd10,
    validate_sci_level,
    validate_tbi_severity,
)
from alongside.mentors.models import (
    Check,
    CheckRenewalPeriod,
    CriterionResult,
    DebriefRequest,
    DebriefSource,
    ExpenseClaim,
    ExpenseStatus,
    Mentor,
    MentorStatus,
    SelectionCriterion,
    SupervisionKind,
    SupervisionSession,
    TrainingCompletion,
    TrainingModule,
    WellbeingCheckIn,
)
from alongside.organisations.models import Service

MAX_RECEIPT_BYTES = 5 * 1024 * 1024

# The matching work registers here what must happen to a paused mentor's
# current mentees (flag them for review); called inside the pause transaction.
ON_PAUSE: list[Callable[[Mentor, User], None]] = []


def _today() -> dt.date:
    return timezone.localdate()


# --- Reading rows into rule dataclasses ---------------------------------------


def criteria_statuses(mentor: Mentor, today: dt.date) -> list[rules.CriterionStatus]:
    criteria = list(SelectionCriterion.objects.filter(service_id=mentor.service_id))
    recorded = dict(mentor.criterion_results.values_list("criterion_id", "met"))
    return rules.evaluate_criteria(
        [rules.Criterion(c.pk, c.name, c.required, c.kind, c.min_months) for c in criteria],
        recorded,
        rules.LivedExperience(mentor.date_of_injury, mentor.returned_to_work_on),
        today,
    )


def check_facts(mentor: Mentor) -> list[rules.CheckFact]:
    return [
        rules.CheckFact(c.kind, c.issued_on, c.expires_on, c.outcome, c.reference)
        for c in mentor.checks.all()
    ]


def renewal_months(service_id: int) -> dict[str, int]:
    """The service's re-check period per kind of check (defaults fill the rest in the rules)."""
    return dict(
        CheckRenewalPeriod.objects.filter(service_id=service_id).values_list("kind", "every_months")
    )


def training_modules(service_id: int) -> list[rules.Module]:
    return [
        rules.Module(m.pk, m.title, m.required, m.recertify_months)
        for m in TrainingModule.objects.filter(service_id=service_id)
    ]


def training_completions(mentor: Mentor) -> list[rules.Completion]:
    return [
        rules.Completion(c.module_id, c.completed_on) for c in mentor.training_completions.all()
    ]


def training_statuses(mentor: Mentor, today: dt.date) -> list[rules.ModuleStatus]:
    return rules.training_statuses(
        training_modules(mentor.service_id), training_completions(mentor), today
    )


def activation_problems(mentor: Mentor, today: dt.date) -> list[str]:
    """Everything stopping ``mentor`` becoming (or going back to being) active."""
    return rules.activation_problems(
        criteria_statuses(mentor, today),
        check_facts(mentor),
        training_statuses(mentor, today),
        today,
        renewal_months(mentor.service_id),
    )


def mentor_state(mentor: Mentor) -> rules.MentorState:
    return rules.MentorState(
        status=mentor.status,
        capacity=mentor.capacity,
        mentee_count=mentor.mentee_count,
        checks_valid_until=mentor.checks_valid_until,
        training_valid_until=mentor.training_valid_until,
        supervision_due_on=mentor.supervision_due_on,
        wellbeing_hold_since=mentor.wellbeing_hold_since,
    )


def distress_signals(
    mentor: Mentor,
) -> tuple[rules.DistressSignal | None, list[rules.DistressSignal], list[dt.datetime]]:
    """The mentor's rows as ``rules.wellbeing_hold_since`` takes them (four small queries)."""
    from alongside.contacts.models import Concern, ConcernKind, ConcernStatus

    latest = mentor.checkins.order_by("-submitted_at", "-pk").first()
    latest_signal = (
        rules.DistressSignal("checkin", latest.submitted_at, latest.acknowledged_at is not None)
        if latest is not None and latest.flagged
        else None
    )
    concerns = Concern.objects.filter(
        contact__match__mentor=mentor, kind=ConcernKind.MENTOR_DISTRESS
    ).values_list("pk", "raised_at", "status")
    concern_open = {pk: status == ConcernStatus.OPEN for pk, _, status in concerns}
    signals = [
        rules.DistressSignal("concern", raised_at, False)
        for _, raised_at, status in concerns
        if status == ConcernStatus.OPEN
    ]
    requests = list(mentor.debrief_requests.filter(closed_at__isnull=True))
    checkins_seen = dict(
        mentor.checkins.filter(
            pk__in=[r.source_id for r in requests if r.source == DebriefSource.CHECKIN]
        ).values_list("pk", "acknowledged_at")
    )
    for request in requests:
        if request.source == DebriefSource.CHECKIN:
            seen = checkins_seen.get(request.source_id) is not None
        else:
            seen = not concern_open.get(request.source_id, True)
        signals.append(rules.DistressSignal("debrief_request", request.requested_at, seen))
    debriefs = list(
        mentor.supervision_sessions.filter(kind=SupervisionKind.DEBRIEF).values_list(
            "created_at", flat=True
        )
    )
    return latest_signal, signals, debriefs


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


# --- Mentor profile ----------------------------------------------------------------

PROFILE_FIELDS = (
    "first_name", "last_name", "email", "phone", "injury_category", "icd10_codes", "sci_level",
    "asia_grade", "tbi_severity", "amputation_site", "amputation_laterality", "mechanism",
    "date_of_injury", "occupation_code",
    "industry", "employment_type", "job_demands", "returned_to_work_on", "rtw_story",
    "rtw_occupation_code", "rtw_employer", "rtw_adjustments", "topics_to_avoid",
    "birth_year", "gender", "languages", "postcode", "region", "latitude", "longitude",
    "travel_radius_km", "contact_modes", "availability", "capacity", "willing_categories",
    "supervisor", "supervision_every_weeks",
)  # fmt: skip


def validate_profile(
    *, service: Service, values: dict[str, Any], today: dt.date | None = None
) -> dict[str, Any]:
    """Check and normalise profile values; raise ValidationError keyed by field name.

    Used by the forms *and* by the services, so a script or the API gets the
    same refusals as the pages.
    """
    today = today or _today()
    clean = dict(values)
    errors: dict[str, str] = {}

    def attempt(name: str, fn: Callable[[Any], Any]) -> None:
        if name not in clean:
            return
        try:
            clean[name] = fn(clean[name])
        except ValueError as exc:
            errors[name] = str(exc)

    attempt("first_name", person_details.person_name)
    attempt("last_name", person_details.person_name)
    # Phone numbers (stored in E.164) and postcodes follow the service's country.
    attempt("phone", lambda v: person_details.phone_e164(v or "", service.country))
    attempt("postcode", lambda v: person_details.postcode(v or "", service.country))
    attempt("capacity", rules.validate_capacity)
    attempt("date_of_injury", lambda d: rules.validate_date_of_injury(d, today))
    attempt(
        "returned_to_work_on",
        lambda d: rules.validate_returned_to_work_on(d, clean.get("date_of_injury"), today),
    )
    edition = service.icd10_modification
    attempt("icd10_codes", lambda codes: [validate_icd10(c, edition) for c in codes or []])
    attempt("sci_level", lambda v: validate_sci_level(v) if v else "")
    attempt("asia_grade", lambda v: validate_asia_grade(v) if v else "")
    attempt("tbi_severity", lambda v: validate_tbi_severity(v) if v else "")
    attempt("amputation_site", lambda v: amputation_site(v).id if v else "")
    scheme = classification(service.occupation_classification)
    attempt("occupation_code", lambda v: scheme.validate(v) if v else "")
    attempt("rtw_occupation_code", lambda v: scheme.validate(v) if v else "")
    attempt("topics_to_avoid", _topics_to_avoid)
    attempt(
        "contact_modes",
        lambda v: rules.validate_choices(v or [], rules.CONTACT_MODES, "contact mode"),
    )
    attempt(
        "availability",
        lambda v: rules.validate_choices(v or [], rules.AVAILABILITY_SLOTS, "availability slot"),
    )
    attempt(
        "willing_categories",
        lambda v: rules.validate_choices(v or [], rules.INJURY_CATEGORIES, "injury category"),
    )
    attempt(
        "injury_category",
        lambda v: rules.validate_choices([v], rules.INJURY_CATEGORIES, "injury category")[0],
    )
    if "birth_year" in clean and clean["birth_year"] is not None:
        year = clean["birth_year"]
        if not 1900 <= year <= today.year - 16:
            errors["birth_year"] = "Birth year must be a real year at least 16 years ago."
    if not errors and clean.get("icd10_codes") and clean.get("injury_category"):
        other = [
            c
            for c in clean["icd10_codes"]
            if injury_category_for_icd10(c, edition) != clean["injury_category"]
        ]
        if other:
            errors["icd10_codes"] = (
                f"{', '.join(other)} is not a code for the chosen injury category."
            )
    if clean.get("supervisor") is not None and not policy.can(
        clean["supervisor"], "mentor.manage", service
    ):
        errors["supervisor"] = "The supervisor must be a therapist or manager of this service."
    if errors:
        raise ValidationError(errors)
    return clean


def _topics_to_avoid(values: Iterable[str] | None) -> list[str]:
    topics = list(dict.fromkeys(t.strip() for t in values or [] if t and t.strip()))
    if len(topics) > 12 or any(len(t) > 80 for t in topics):
        raise ValueError("List at most 12 topics, each under 80 characters.")
    return topics


def mentor_create(
    *, actor: User, service: Service, values: dict[str, Any], today: dt.date | None = None
) -> Mentor:
    """A new applicant at *enquiry*."""
    policy.require(actor, "mentor.manage", service)
    clean = validate_profile(service=service, values=values, today=today)
    unknown = set(clean) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    with transaction.atomic():
        mentor = Mentor.objects.create(service=service, status=MentorStatus.ENQUIRY, **clean)
        audit_record(actor=actor, action="mentor.create", target=mentor, fields=sorted(clean))
    return mentor


def mentor_update(
    *, actor: User, mentor: Mentor, values: dict[str, Any], today: dt.date | None = None
) -> Mentor:
    policy.require(actor, "mentor.manage", mentor)
    clean = validate_profile(service=mentor.service, values=values, today=today)
    unknown = set(clean) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    with transaction.atomic():
        locked = _locked(mentor)
        changed = apply_changes(locked, clean)
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
            if "supervision_every_weeks" in changed:
                _compliance_refresh(locked)
            audit_record(actor=actor, action="mentor.update", target=locked, fields=changed)
    return locked


def mentor_link_user(*, actor: User, mentor: Mentor, user: User | None) -> Mentor:
    """Link (or unlink) the mentor's sign-in. An active mentor's user gets the mentor role."""
    policy.require(actor, "mentor.manage", mentor)
    with transaction.atomic():
        locked = _locked(mentor)
        locked.user = user
        locked.save(update_fields=["user", "updated_at"])
        if user is not None and locked.status in (MentorStatus.ACTIVE, MentorStatus.PAUSED):
            membership_grant(user=user, service=locked.service, role=Role.MENTOR, actor=actor)
        audit_record(actor=actor, action="mentor.update", target=locked, fields=["user"])
    return locked


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
        if locked.user_id:
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
        for hook in ON_PAUSE:
            hook(locked, actor)
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
    except ValueError as exc:
        field = "expires_on" if "expiry" in str(exc) else "issued_on"
        raise ValidationError({field: str(exc)}) from None
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


# --- Debriefs ----------------------------------------------------------------------------


def debrief_request_open(
    *, actor: User, mentor: Mentor, reason: str, source: str, source_id: int
) -> DebriefRequest:
    """Ask the mentor's supervisor to offer a debrief. Idempotent per (source, source_id):
    a second call returns the request already opened. Call it inside the caller's
    transaction (a concern or a check-in being written)."""
    own = mentor.user_id == actor.pk and policy.can(actor, "mentor.view_own", mentor)
    if not (own or policy.can(actor, "mentor.manage", mentor)):
        raise Http404("Not found")
    if source not in DebriefSource.values:
        raise ValidationError({"source": "Unknown source of a debrief request."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why a debrief is needed."})
    with transaction.atomic():
        found, created = DebriefRequest.objects.get_or_create(
            source=source,
            source_id=source_id,
            defaults={"mentor": mentor, "reason": reason.strip()[:200], "requested_by": actor},
        )
        if created:
            held = wellbeing_hold_refresh(_locked(mentor))
            audit_record(
                actor=actor,
                action="mentor.debrief_open",
                target=mentor,
                fields=["debrief_requests.reason", "debrief_requests.source", *held],
            )
    return found


def debrief_request_book(
    *,
    actor: User,
    debrief: DebriefRequest,
    booked_on: dt.date | None,
    today: dt.date | None = None,
) -> DebriefRequest:
    """Book (or move) the date of an open debrief. A mentor does not book their own."""
    policy.require(actor, "mentor.manage", debrief.mentor)
    if debrief.mentor.user_id == actor.pk:
        raise Http404("Not found")
    if booked_on is None:
        raise ValidationError({"booked_on": "Enter the date of the debrief."})
    if booked_on < (today or _today()):
        raise ValidationError({"booked_on": "Book the debrief for today or later."})
    with transaction.atomic():
        locked = DebriefRequest.objects.select_for_update().get(pk=debrief.pk)
        if locked.closed_at is not None:
            raise ValidationError({"booked_on": "This debrief has already been held."})
        locked.booked_on = booked_on
        locked.save(update_fields=["booked_on"])
        audit_record(
            actor=actor,
            action="mentor.debrief_book",
            target=debrief.mentor,
            fields=["debrief_requests.booked_on"],
        )
    return locked


def debrief_request_book_for_source(
    *, actor: User, source: str, source_id: int, booked_on: dt.date, today: dt.date | None = None
) -> DebriefRequest | None:
    """Book the open debrief opened by ``source``/``source_id``, if there is one."""
    found = (
        DebriefRequest.objects.select_related("mentor")
        .filter(source=source, source_id=source_id, closed_at__isnull=True)
        .first()
    )
    if found is None:
        return None
    return debrief_request_book(actor=actor, debrief=found, booked_on=booked_on, today=today)


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


# --- Well-being check-ins -----------------------------------------------------------


def checkin_submit(
    *,
    actor: User,
    mentor: Mentor,
    score: int,
    affecting_me: bool,
    wants_to_talk: bool,
    comment: str = "",
) -> WellbeingCheckIn:
    """A mentor's own check-in. A low score or a wish to talk flags it: the
    supervisor sees it on their home page at once and gets an e-mail."""
    if mentor.user_id != actor.pk or not policy.can(actor, "mentor.view_own", mentor):
        raise Http404("Not found")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError({"score": "Choose a score from 1 to 5."})
    flagged = rules.checkin_needs_attention(score, wants_to_talk)
    with transaction.atomic():
        checkin = WellbeingCheckIn.objects.create(
            mentor=mentor,
            score=score,
            affecting_me=affecting_me,
            wants_to_talk=wants_to_talk,
            comment=comment.strip(),
            flagged=flagged,
        )
        audit_record(
            actor=actor,
            action="mentor.checkin_submit",
            target=mentor,
            fields=[
                "checkins.score",
                "checkins.affecting_me",
                "checkins.wants_to_talk",
                "checkins.comment",
            ],
        )
        if flagged:
            _alert_supervisor(mentor, checkin)
        if wants_to_talk:
            debrief_request_open(
                actor=actor,
                mentor=mentor,
                reason="Asked to talk to their supervisor in a well-being check-in.",
                source=DebriefSource.CHECKIN,
                source_id=checkin.pk,
            )
        # A better week after a flagged one lifts the hold that one caused, so always refresh.
        wellbeing_hold_refresh(_locked(mentor))
    return checkin


def _alert_supervisor(mentor: Mentor, checkin: WellbeingCheckIn) -> None:
    from alongside.accounts.tasks import send_email

    recipients = [mentor.supervisor.email] if mentor.supervisor_id else []
    if not recipients:
        # No supervisor yet: the service's managers hear instead, so nobody is missed.
        recipients = sorted(
            set(
                User.objects.filter(
                    memberships__service_id=mentor.service_id, memberships__role=Role.ADMIN
                ).values_list("email", flat=True)
            )
        )
    if not recipients:
        return
    why = []
    if checkin.score <= rules.LOW_WELLBEING_SCORE:
        why.append(f"rated mentoring {checkin.score} out of 5")
    if checkin.wants_to_talk:
        why.append("asked to talk to their supervisor")
    path = reverse("mentors:detail", kwargs={"mentor_id": mentor.pk})
    # The e-mail names nothing clinical: it says who, and where to look.
    body = (
        f"{mentor.first_name} {mentor.last_name[:1]}. {' and '.join(why)} in a well-being "
        f"check-in.\n\nPlease get in touch and offer a debrief. Open Alongside to read it: {path}\n"
    )
    transaction.on_commit(
        lambda: send_email.enqueue(to=recipients, subject="A mentor would like support", body=body)
    )


def checkin_acknowledge(
    *,
    actor: User,
    checkin: WellbeingCheckIn,
    debrief_on: dt.date | None = None,
    today: dt.date | None = None,
) -> WellbeingCheckIn:
    """The supervisor (or manager) has seen a flagged check-in, and may book a debrief."""
    from alongside.mentors.selectors import checkin_visible_or_404

    visible = checkin_visible_or_404(actor, checkin.pk)
    if visible.mentor.user_id == actor.pk:
        raise Http404("Not found")  # a mentor does not acknowledge their own alert
    if debrief_on is not None and debrief_on < (today or _today()):
        raise ValidationError({"debrief_on": "Book the debrief for today or later."})
    with transaction.atomic():
        locked = WellbeingCheckIn.objects.select_for_update().get(pk=checkin.pk)
        locked.acknowledged_by = actor
        locked.acknowledged_at = timezone.now()
        locked.debrief_on = debrief_on
        locked.save(update_fields=["acknowledged_by", "acknowledged_at", "debrief_on"])
        audit_record(
            actor=actor,
            action="mentor.checkin_acknowledge",
            target=visible.mentor,
            fields=["checkins.acknowledged_at", "checkins.debrief_on"],
        )
        if debrief_on is not None:
            debrief_request_book_for_source(
                actor=actor,
                source=DebriefSource.CHECKIN,
                source_id=checkin.pk,
                booked_on=debrief_on,
                today=today,
            )
        wellbeing_hold_refresh(_locked(visible.mentor))
    return locked


# --- Expenses ----------------------------------------------------------------------------

RECEIPT_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"%PDF-", 0, "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
)


def receipt_content_type(upload: UploadedFile) -> str:
    """What the file *is*, from its first bytes; the name and browser's claim are ignored."""
    if upload.size is not None and upload.size > MAX_RECEIPT_BYTES:
        raise ValidationError(
            {"receipt": "The receipt is larger than 5 MB; upload a smaller file."}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, offset, content_type in RECEIPT_SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            if content_type == "image/webp" and not head.startswith(b"RIFF"):
                continue
            return content_type
    raise ValidationError(
        {"receipt": "The receipt must be a photo (JPEG, PNG, GIF or WebP) or a PDF."}
    )


def expense_claim_submit(
    *,
    actor: User,
    mentor: Mentor,
    spent_on: dt.date,
    purpose: str,
    amount: Decimal,
    receipt: UploadedFile | None,
    today: dt.date | None = None,
) -> ExpenseClaim:
    if mentor.user_id != actor.pk or not policy.can(actor, "mentor.view_own", mentor):
        raise Http404("Not found")
    errors = {}
    if spent_on > (today or _today()):
        errors["spent_on"] = "The date spent cannot be in the future."
    if not purpose.strip():
        errors["purpose"] = "Say what the money was spent on."
    if amount is None or amount <= 0 or amount >= Decimal("1000000"):
        errors["amount"] = "Enter an amount greater than 0."
    content_type = ""
    if receipt is not None:
        try:
            content_type = receipt_content_type(receipt)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        claim = ExpenseClaim(
            mentor=mentor,
            spent_on=spent_on,
            purpose=purpose.strip(),
            amount=amount,
            receipt_content_type=content_type,
        )
        if receipt is not None:
            claim.receipt.save("receipt", receipt, save=False)
        claim.save()
        audit_record(
            actor=actor,
            action="mentor.expense_submit",
            target=mentor,
            fields=["expense_claims.amount", "expense_claims.purpose", "expense_claims.receipt"],
        )
    return claim


def expense_decide(
    *, actor: User, claim: ExpenseClaim, approve: bool, note: str = ""
) -> ExpenseClaim:
    policy.require(actor, "mentor.expense_decide", claim.mentor)
    if claim.mentor.user_id == actor.pk:
        raise ValidationError({"status": "You cannot decide your own claim."})
    if not approve and not note.strip():
        raise ValidationError({"note": "Say why the claim is rejected."})
    with transaction.atomic():
        locked = ExpenseClaim.objects.select_for_update().get(pk=claim.pk)
        if locked.status != ExpenseStatus.SUBMITTED:
            raise ValidationError({"status": "This claim has already been decided."})
        locked.status = ExpenseStatus.APPROVED if approve else ExpenseStatus.REJECTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.note = note.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "note"])
        audit_record(
            actor=actor,
            action="mentor.expense_decide",
            target=claim.mentor,
            fields=["expense_claims.status", "expense_claims.note"],
        )
    return locked


def bulk_compliance_refresh(mentors: Iterable[Mentor]) -> None:
    """For demo loading and data repair: recompute stored compliance dates and holds."""
    with transaction.atomic():
        for mentor in mentors:
            _compliance_refresh(mentor)
            wellbeing_hold_refresh(mentor)
