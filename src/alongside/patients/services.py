"""Writes of the patient pathway. Each opens one transaction, checks the
policy, validates (raising ``ValidationError`` keyed by field name), writes
and records an audit event naming the fields it changed.

``actor=SYSTEM`` (``accounts.policy.SYSTEM``) is a trusted system process (the
`alongside import` command run by an operator, the demo loader); people always pass
themselves.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from alongside.accounts import policy
from alongside.accounts.models import User
from alongside.accounts.policy import SYSTEM, Actor
from alongside.audit.changes import apply_changes
from alongside.audit.services import audit_record
from alongside.core import person_details, text_limits
from alongside.core.codes import classification, injury_category_for_icd10, validate_icd10
from alongside.core.codes.icd10 import sci_level_for_icd10
from alongside.core.codes.injury import validate_iss
from alongside.core.eligibility import acceptance
from alongside.core.injury_details import (
    ALL_DETAIL_FIELDS,
    InjuryDetails,
    injury_detail_problems,
    tbi_severity_from_indicators,
    without_irrelevant,
)
from alongside.hooks import Hook
from alongside.organisations.models import Service
from alongside.patients import selectors
from alongside.patients.models import (
    AT_WORK,
    OPEN_STATUSES,
    CapacityCertificate,
    CaseHold,
    Consent,
    ConsentKind,
    ConsentMethod,
    EligibilityRules,
    EmployerContact,
    Goal,
    HoldReason,
    Patient,
    PatientStatus,
    PhasedReturnStep,
    WorkStatus,
)

# Who the person is and who referred them: shared by referral and later edits.
PERSON_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "gender",
    "languages",
    "phone",
    "email",
    "postcode",
    "region",
)
REFERRER_FIELDS = ("hospital_number", "referral_source", "referrer_name")
# Fields a referral may set (the form, the CSV import and the API share them).
REFERRAL_FIELDS = (
    *PERSON_FIELDS,
    *REFERRER_FIELDS,
    "date_of_injury",
    "date_of_admission",
    "date_of_referral",
    "injury_category",
    "icd10_codes",
    *ALL_DETAIL_FIELDS,
    "mechanism",
    "employment_type",
    "occupation_code",
    "employer",
)
INJURY_FIELDS = (
    "injury_category",
    "icd10_codes",
    "sci_level",
    "asia_grade",
    "tbi_severity",
    "gcs",
    "pta_days",
    "amputation_site",
    "amputation_laterality",
    "iss",
    "mechanism",
    "date_of_injury",
    "date_of_admission",
    "left_hospital_on",
)
WORK_FIELDS = (
    "occupation_code",
    "industry",
    "employer",
    "employment_type",
    "hours_per_week",
    "physical_demands",
    "cognitive_demands",
    "job_held_open",
)
CONTACT_FIELDS = (*PERSON_FIELDS, "latitude", "longitude", *REFERRER_FIELDS, "date_of_referral")
PREFERENCE_FIELDS = (
    "preferred_mentor_gender",
    "required_language",
    "wants_in_person",
    "availability",
    "contact_modes",
)
UPDATABLE_FIELDS = frozenset(INJURY_FIELDS + WORK_FIELDS + CONTACT_FIELDS + PREFERENCE_FIELDS)

# Other apps (matching) register here to end proposals when a patient stops
# sharing with mentors; called inside the withdrawing transaction.
MENTOR_SHARING_WITHDRAWN: Hook[Callable[[Patient, Actor], None]] = Hook(
    "mentor_sharing_withdrawn",
    "a patient stopped sharing with mentors (inside the withdrawal): (patient, actor)",
)
# Acceptance is the baseline of the questionnaire schedule (outcomes registers here);
# called inside the accepting transaction, so a failed schedule undoes the acceptance.
REFERRAL_ACCEPTED: Hook[Callable[[Patient], None]] = Hook(
    "referral_accepted", "a referral was accepted (inside the acceptance): (patient)"
)


class DuplicateReferral(Exception):
    """A referral for the same hospital number and date of injury exists."""

    def __init__(self, existing: Patient) -> None:
        super().__init__(
            f"A referral for hospital number {existing.hospital_number} injured on "
            f"{existing.date_of_injury:%d %B %Y} already exists (patient #{existing.pk})."
        )
        self.existing = existing


def _require(actor: Actor, action: str, target: Any) -> None:
    if actor is not SYSTEM:
        policy.require(actor, action, target)


def _today(service: Service) -> date:
    return selectors.service_today(service)


# --- Validation shared by every way in -------------------------------------------


def patient_problems(patient: Patient, *, today: date) -> dict[str, list[str]]:
    """Cross-field rules and code sets; keyed by field name, plain words."""
    problems: dict[str, list[str]] = {}

    def add(field_name: str, message: str) -> None:
        problems.setdefault(field_name, []).append(message)

    born, injured = patient.date_of_birth, patient.date_of_injury
    admitted, referred = patient.date_of_admission, patient.date_of_referral
    if born and born > today:
        add("date_of_birth", "The date of birth is in the future.")
    if injured and injured > today:
        add("date_of_injury", "The date of injury is in the future.")
    if born and injured and born >= injured:
        add("date_of_birth", "The date of birth must be before the date of injury.")
    elif born and injured and patient.age_on(injured) > 110:
        add("date_of_birth", "The date of birth gives an age over 110 at injury; check the year.")
    if admitted and injured and admitted < injured:
        add("date_of_admission", "The admission date is before the date of injury.")
    if admitted and admitted > today:
        add("date_of_admission", "The admission date is in the future.")
    if referred and injured and referred < injured:
        add("date_of_referral", "The referral date is before the date of injury.")
    elif referred and admitted and referred < admitted:
        add("date_of_referral", "The referral date is before the admission date.")
    if referred and referred > today:
        add("date_of_referral", "The referral date is in the future.")
    left = patient.left_hospital_on
    if left and left > today:
        add("left_hospital_on", "The date the patient left hospital is in the future.")
    elif left and (admitted or injured) and left < (admitted or injured):
        add("left_hospital_on", "The patient left hospital before being admitted.")

    codes: list[str] = []
    edition = patient.service.icd10_modification
    for raw in patient.icd10_codes or []:
        try:
            codes.append(validate_icd10(raw, edition))
        except ValueError as error:
            add("icd10_codes", str(error))
    codes_ok = "icd10_codes" not in problems
    if codes_ok:
        patient.icd10_codes = list(dict.fromkeys(codes))
        if not patient.injury_category and codes:
            patient.injury_category = injury_category_for_icd10(codes[0], edition)

    if patient.occupation_code:
        try:
            scheme = classification(patient.service.occupation_classification)
            patient.occupation_code = scheme.validate(patient.occupation_code)
        except ValueError as error:
            add("occupation_code", str(error))
    for name, message in _injury_detail_problems(patient, codes if codes_ok else []):
        add(name, message)
    return problems


def _whole_number(value: Any) -> Any:
    """An import cell ("5") as a number; anything else is left for the model's check."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def _injury_detail_problems(patient: Patient, codes: list[str]) -> list[tuple[str, str]]:
    """Apply ``core.injury_details``: clear the details of other kinds of injury,
    derive what the codes and scores say, and list the combinations that cannot be
    true. The same rule for the form, the import and the API."""
    for name in ("gcs", "pta_days"):
        setattr(patient, name, _whole_number(getattr(patient, name)))
    for name in ("gcs", "pta_days"):
        if getattr(patient, name) is not None and not isinstance(getattr(patient, name), int):
            return []  # not a number: the model's check names the field
    details = without_irrelevant(
        InjuryDetails(
            category=patient.injury_category or "",
            icd10_codes=tuple(codes),
            sci_level=patient.sci_level or "",
            asia_grade=patient.asia_grade or "",
            tbi_severity=patient.tbi_severity or "",
            gcs=patient.gcs,
            pta_days=patient.pta_days,
            amputation_site=patient.amputation_site or "",
            amputation_laterality=patient.amputation_laterality or "",
            modification=patient.service.icd10_modification,
        )
    )
    for name in ALL_DETAIL_FIELDS:
        setattr(patient, name, getattr(details, name))
    if details.category == "sci" and not patient.sci_level:
        # An ICD-10-AM functional-level code names the neurological level.
        levels = [level for code in codes if (level := sci_level_for_icd10(code))]
        if levels:
            patient.sci_level = levels[0]
    if details.category == "tbi" and not patient.tbi_severity:
        # A score out of range is named by the model's check; derive from the others.
        gcs = patient.gcs if patient.gcs is not None and 3 <= patient.gcs <= 15 else None
        pta = patient.pta_days if patient.pta_days is not None and patient.pta_days >= 0 else None
        patient.tbi_severity = tbi_severity_from_indicators(gcs, pta)
    checked = dataclasses.replace(
        details, sci_level=patient.sci_level, tbi_severity=patient.tbi_severity
    )
    return [(problem.field, problem.message) for problem in injury_detail_problems(checked)]


# Who-the-person-is fields with a rule in alongside.core.person_details: the
# value is normalised (names trimmed, phone in E.164, postcode formatted) or refused.
PERSON_DETAIL_RULES: dict[str, Callable[[str, Service], str]] = {
    "given_name": lambda value, service: person_details.person_name(value),
    "family_name": lambda value, service: person_details.person_name(value),
    "referrer_name": lambda value, service: person_details.person_name(value),
    "hospital_number": lambda value, service: person_details.hospital_number(value),
    "phone": lambda value, service: person_details.phone_e164(value, service.country),
    "postcode": lambda value, service: person_details.postcode(value, service.country),
}


def person_detail_problems(
    patient: Patient, *, fields: Iterable[str] = tuple(PERSON_DETAIL_RULES)
) -> dict[str, list[str]]:
    """Normalise ``fields`` of the patient in place; the problems, keyed by field name.

    Phone numbers and postcodes follow the service's country.
    """
    problems: dict[str, list[str]] = {}
    for name in fields:
        rule = PERSON_DETAIL_RULES.get(name)
        value = getattr(patient, name, None)
        if rule is None or not isinstance(value, str):
            continue
        try:
            setattr(patient, name, rule(value, patient.service))
        except ValueError as error:
            problems[name] = [str(error)]
    return problems


def _clean(
    patient: Patient,
    *,
    today: date,
    exclude: Iterable[str] = (),
    details: Iterable[str] = tuple(PERSON_DETAIL_RULES),
) -> None:
    """Raise one ValidationError with every problem; ``details``: the person
    details to check (an edit checks the ones it changes, so an old record with
    a number typed before these rules can still have its injury recorded)."""
    problems = person_detail_problems(patient, fields=details)
    for name, messages in patient_problems(patient, today=today).items():
        problems.setdefault(name, []).extend(messages)
    try:
        # Uniqueness is checked separately (duplicate referral: warn and link).
        patient.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                if message not in problems.get(name, []):
                    problems.setdefault(name, []).append(message)
    if patient.iss is not None:
        try:
            validate_iss(patient.iss)
        except ValueError as error:
            problems.setdefault("iss", []).append(str(error))
    if problems:
        raise ValidationError(problems)


def referral_find_duplicate(
    *, service: Service, hospital_number: str, date_of_injury: date | None
) -> Patient | None:
    if not hospital_number or date_of_injury is None:
        return None
    # Case-insensitive, like the database constraint one_referral_per_injury_any_case.
    return Patient.objects.filter(
        service=service,
        hospital_number__iexact=hospital_number.strip(),
        date_of_injury=date_of_injury,
    ).first()


def referral_validate(
    *, service: Service, data: dict[str, Any], today: date | None = None
) -> Patient:
    """An unsaved, validated referral, without the duplicate check; raises ValidationError.

    Runs no query (the service is given, so its foreign key is not looked up):
    the CSV import validates thousands of rows this way outside any transaction
    and checks duplicates against one read of the service's hospital numbers.
    """
    unknown = set(data) - set(REFERRAL_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be set on a referral." for name in unknown})
    values = {k: v for k, v in data.items() if v is not None}
    for text_field in ("given_name", "family_name", "hospital_number", "referrer_name"):
        if isinstance(values.get(text_field), str):
            values[text_field] = values[text_field].strip()
    patient = Patient(service=service, status=PatientStatus.REFERRED, **values)
    _clean(patient, today=today or _today(service), exclude=("service",))
    return patient


def referral_build(*, service: Service, data: dict[str, Any], today: date | None = None) -> Patient:
    """An unsaved, validated referral; raises ValidationError or DuplicateReferral."""
    patient = referral_validate(service=service, data=data, today=today)
    existing = referral_find_duplicate(
        service=service,
        hospital_number=patient.hospital_number,
        date_of_injury=patient.date_of_injury,
    )
    if existing is not None:
        raise DuplicateReferral(existing)
    return patient


def referral_create(*, actor: Actor, service: Service, data: dict[str, Any]) -> Patient:
    """Record a new referral. A duplicate raises DuplicateReferral with the existing record."""
    _require(actor, "patient.manage", service)
    with transaction.atomic():
        patient = referral_build(service=service, data=data)
        patient.save()
        audit_record(
            actor=actor,
            action="patient.create",
            target=patient,
            fields=[k for k, v in data.items() if v not in (None, "", [])],
        )
    return patient


def _locked(patient: Patient) -> Patient:
    return Patient.objects.select_for_update().select_related("service").get(pk=patient.pk)


def patient_update(*, actor: Actor, patient: Patient, changes: dict[str, Any]) -> Patient:
    """Change profile fields (injury, work, contact details, preferences)."""
    _require(actor, "patient.manage", patient)
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    with transaction.atomic():
        fresh = _locked(patient)
        changed = apply_changes(fresh, changes)
        if not changed:
            return fresh
        _clean(fresh, today=_today(fresh.service), details=changed)
        if {"hospital_number", "date_of_injury"} & set(changed):
            existing = referral_find_duplicate(
                service=fresh.service,
                hospital_number=fresh.hospital_number,
                date_of_injury=fresh.date_of_injury,
            )
            if existing is not None and existing.pk != fresh.pk:
                raise DuplicateReferral(existing)
        # Validation may derive values (canonical codes, category from codes): save those too.
        # and the details of another kind of injury, cleared.
        derived = {"icd10_codes", "injury_category", "occupation_code", *ALL_DETAIL_FIELDS}
        fresh.save(update_fields=sorted(set(changed) | derived | {"updated_at"}))
        audit_record(actor=actor, action="patient.update", target=fresh, fields=changed)
    return fresh


def referral_accept(
    *, actor: Actor, patient: Patient, on: date | None = None, override_reason: str = ""
) -> Patient:
    """Accept a referral. One the eligibility rules refuse is accepted only *anyway*:
    where the service allows clinical override, by a therapist, with a reason that is
    kept on the record and in the audit (core.eligibility.acceptance decides)."""
    _require(actor, "patient.manage", patient)
    with transaction.atomic():
        fresh = _locked(patient)
        if fresh.status not in (PatientStatus.REFERRED, PatientStatus.INELIGIBLE):
            raise ValidationError({"status": "Only a new or declined referral can be accepted."})
        rules = selectors.eligibility_rules_for(fresh.service)
        decision = acceptance(
            selectors.eligibility_of(fresh, rules),
            override_allowed=rules.allow_clinical_override,
            override_reason=override_reason,
        )
        if decision.refusal is not None:
            field, message = decision.refusal
            raise ValidationError({field: message})
        if decision.override:
            if actor is SYSTEM or not policy.can(actor, "patient.accept_anyway", fresh):
                raise ValidationError(
                    {
                        "override_reason": "Only a therapist can accept a referral against "
                        "the service's eligibility rules."
                    }
                )
            if len(decision.reason) > text_limits.REASON:
                raise ValidationError(
                    {"override_reason": f"Keep the reason to {text_limits.REASON} characters."}
                )
        accepted_on = on or _today(fresh.service)
        if accepted_on < fresh.date_of_referral:
            raise ValidationError({"accepted_on": "Acceptance cannot be before the referral date."})
        fresh.status = (
            PatientStatus.ACTIVE if fresh.allocated_therapist_id else PatientStatus.ELIGIBLE
        )
        fresh.accepted_on = accepted_on
        fresh.decline_reason = ""
        fresh.eligibility_override_reason = decision.reason
        fresh.eligibility_override_by = policy.person(actor) if decision.override else None
        fresh.eligibility_override_on = accepted_on if decision.override else None
        fields = ["status", "accepted_on"]
        if decision.override:
            fields += ["eligibility_override_reason", "eligibility_override_by"]
        fresh.save(
            update_fields=[
                "status",
                "accepted_on",
                "decline_reason",
                "eligibility_override_reason",
                "eligibility_override_by",
                "eligibility_override_on",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action="patient.accept_anyway" if decision.override else "patient.accept",
            target=fresh,
            service_id=fresh.service_id,
            fields=fields,
        )
        REFERRAL_ACCEPTED.call(fresh)
    return fresh


def referral_decline(*, actor: Actor, patient: Patient, reason: str) -> Patient:
    """Decline (not eligible, or the person does not want the service); the record stays."""
    _require(actor, "patient.manage", patient)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": "Give the reason for declining; it is kept for reporting."}
        )
    with transaction.atomic():
        fresh = _locked(patient)
        if fresh.status not in (PatientStatus.REFERRED, PatientStatus.ELIGIBLE):
            raise ValidationError({"status": "Only a referral not yet under way can be declined."})
        fresh.status = PatientStatus.INELIGIBLE
        fresh.decline_reason = reason
        fresh.eligibility_override_reason = ""
        fresh.eligibility_override_by = None
        fresh.eligibility_override_on = None
        fresh.save(
            update_fields=[
                "status",
                "decline_reason",
                "eligibility_override_reason",
                "eligibility_override_by",
                "eligibility_override_on",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor, action="patient.decline", target=fresh, fields=["status", "decline_reason"]
        )
    return fresh


def patient_allocate(*, actor: Actor, patient: Patient, therapist: User) -> Patient:
    _require(actor, "patient.manage", patient)
    with transaction.atomic():
        fresh = _locked(patient)
        if not selectors.is_therapist_of(therapist, fresh.service):
            raise ValidationError({"therapist": "That person is not a therapist in this service."})
        fresh.allocated_therapist = therapist
        fields = ["allocated_therapist"]
        if fresh.status == PatientStatus.ELIGIBLE:
            fresh.status = PatientStatus.ACTIVE
            fields.append("status")
        fresh.save(update_fields=[*fields, "updated_at"])
        audit_record(actor=actor, action="patient.allocate", target=fresh, fields=fields)
    return fresh


def patient_record_first_contact(*, actor: Actor, patient: Patient, on: date) -> Patient:
    _require(actor, "patient.manage", patient)
    with transaction.atomic():
        fresh = _locked(patient)
        if on > _today(fresh.service):
            raise ValidationError({"on": "The first contact date is in the future."})
        if on < fresh.date_of_injury:
            raise ValidationError({"on": "The first contact date is before the date of injury."})
        fresh.first_therapist_contact_on = on
        fresh.save(update_fields=["first_therapist_contact_on", "updated_at"])
        audit_record(
            actor=actor,
            action="patient.first_contact",
            target=fresh,
            fields=["first_therapist_contact_on"],
        )
    return fresh


def patient_mentor_introduced(*, actor: Actor, patient: Patient, on: date) -> Patient:
    """For the matching work: the mentor was introduced (stops that target's clock)."""
    _require(actor, "match.manage", patient)
    with transaction.atomic():
        fresh = _locked(patient)
        fresh.mentor_introduced_on = fresh.mentor_introduced_on or on
        fields = ["mentor_introduced_on"]
        if fresh.status in (PatientStatus.ELIGIBLE, PatientStatus.ACTIVE):
            fresh.status = PatientStatus.MATCHED
            fields.append("status")
        fresh.save(update_fields=[*fields, "updated_at"])
        audit_record(actor=actor, action="patient.mentor_introduced", target=fresh, fields=fields)
    return fresh


# --- On hold (not ready) ---------------------------------------------------------


def case_hold_start(
    *,
    actor: Actor,
    patient: Patient,
    reason: str,
    review_on: date,
    note: str = "",
    on: date | None = None,
) -> CaseHold:
    """Put an open case on hold: its target clocks stop and it leaves the waiting list."""
    _require(actor, "patient.manage", patient)
    with transaction.atomic():
        fresh = _locked(patient)
        today = _today(fresh.service)
        on = on or today
        problems: dict[str, str] = {}
        if not fresh.is_open:
            problems["reason"] = "Only an open case can be put on hold."
        elif fresh.holds.filter(ended_on__isnull=True).exists():
            problems["reason"] = "The case is already on hold."
        if reason not in HoldReason.values:
            problems["reason"] = "Choose why the case is on hold."
        if on > today:
            problems["on"] = "A hold cannot start in the future."
        elif on < fresh.date_of_referral:
            problems["on"] = "A hold cannot start before the referral."
        if review_on < on:
            problems["review_on"] = "The review date must be on or after the start of the hold."
        if problems:
            raise ValidationError(problems)
        hold = CaseHold.objects.create(
            patient=fresh,
            reason=reason,
            note=note.strip()[:300],
            started_on=on,
            review_on=review_on,
            started_by=policy.person(actor),
        )
        audit_record(
            actor=actor,
            action="patient.hold",
            target=fresh,
            fields=["reason", "review_on", "started_on"],
        )
    return hold


def case_hold_release(*, actor: Actor, patient: Patient, on: date | None = None) -> CaseHold:
    """End the case's hold: from ``on`` its clocks run again and it can be matched."""
    _require(actor, "patient.manage", patient)
    with transaction.atomic():
        fresh = _locked(patient)
        hold = fresh.holds.select_for_update().filter(ended_on__isnull=True).first()
        if hold is None:
            raise ValidationError({"on": "The case is not on hold."})
        on = on or _today(fresh.service)
        if on < hold.started_on or on > _today(fresh.service):
            raise ValidationError(
                {"on": "The release date must be between the start of the hold and today."}
            )
        hold.ended_on = on
        hold.ended_by = policy.person(actor)
        hold.save(update_fields=["ended_on", "ended_by"])
        audit_record(actor=actor, action="patient.hold_release", target=fresh, fields=["ended_on"])
    return hold


# Manual status moves a therapist may make on an accepted case.
# "Returned to work" is not set by hand: it follows from the work-status timeline
# (work_status_add), so the case status and the RTW outcomes can never disagree.
STATUS_MOVES = {
    PatientStatus.DISCHARGED: (*OPEN_STATUSES, PatientStatus.RETURNED_TO_WORK),
    PatientStatus.ACTIVE: (PatientStatus.DISCHARGED,),
}
# Accepted cases whose status the timeline moves: at work -> returned; off work again -> active.
FOLLOWS_TIMELINE = (
    PatientStatus.ELIGIBLE,
    PatientStatus.ACTIVE,
    PatientStatus.MATCHED,
    PatientStatus.RETURNED_TO_WORK,
)
RETURN_TO_WORK = "returned"  # a move made by adding a return to the work-status timeline


def status_moves(current: str) -> list[str]:
    """What the case-status control may offer a case now, so it offers nothing that
    ``patient_status_change`` would refuse: ``RETURN_TO_WORK`` where the timeline moves
    the case, and each status the case may be moved to by hand."""
    by_hand = [str(status) for status, froms in STATUS_MOVES.items() if current in froms]
    return ([RETURN_TO_WORK] if current in FOLLOWS_TIMELINE else []) + by_hand


def patient_status_change(
    *, actor: Actor, patient: Patient, status: str, on: date | None = None
) -> Patient:
    _require(actor, "patient.manage", patient)
    with transaction.atomic():
        fresh = _locked(patient)
        allowed_from = (
            STATUS_MOVES.get(PatientStatus(status)) if status in PatientStatus.values else None
        )
        if status == PatientStatus.RETURNED_TO_WORK:
            raise ValidationError(
                {
                    "status": "Add the return to the work-status timeline (the date and the "
                    "hours): the case moves to “Returned to work” from it."
                }
            )
        if allowed_from is None or fresh.status not in allowed_from:
            raise ValidationError(
                {
                    "status": f"A case that is “{fresh.get_status_display()}” "
                    f"cannot be moved to that status."
                }
            )
        fresh.status = status
        fields = ["status"]
        if status == PatientStatus.DISCHARGED:
            fresh.discharged_on = on or _today(fresh.service)
            fields.append("discharged_on")
        elif status == PatientStatus.ACTIVE:
            fresh.discharged_on = None
            fields.append("discharged_on")
        fresh.save(update_fields=[*fields, "updated_at"])
        audit_record(actor=actor, action="patient.status", target=fresh, fields=fields)
    return fresh


# --- Consent -----------------------------------------------------------------------


def consent_record(
    *,
    actor: Actor,
    patient: Patient,
    kind: str,
    given_on: date,
    how_given: str,
    note: str = "",
) -> Consent:
    _require(actor, "patient.manage", patient)
    with transaction.atomic():
        fresh = _locked(patient)
        if kind not in ConsentKind.values:
            raise ValidationError({"kind": "Choose what the consent is for."})
        if given_on > _today(fresh.service):
            raise ValidationError({"given_on": "The consent date is in the future."})
        if fresh.consents.current().filter(kind=kind).exists():
            raise ValidationError({"kind": "This consent is already recorded and current."})
        consent = Consent(
            patient=fresh,
            kind=kind,
            given_on=given_on,
            how_given=how_given,
            note=note.strip(),
            recorded_by=policy.person(actor),
        )
        consent.full_clean()
        consent.save()
        audit_record(
            actor=actor,
            action="consent.record",
            target=consent,
            service_id=fresh.service_id,
            fields=["kind", "given_on", "how_given"],
        )
    return consent


def consent_withdraw(*, actor: Actor, consent: Consent, on: date | None = None) -> Consent:
    """Withdraw a consent, by the clinical team or by the patient themself.

    Mentor-sharing withdrawal takes effect at once: the patient drops out of
    ``Patient.objects.sharing_with_mentors()`` for the rest of the request.
    """
    patient = consent.patient
    if actor is not SYSTEM:
        own = policy.is_own_patient_record(actor, patient)
        policy.require_own_or(actor, own, "patient.manage", patient)
    with transaction.atomic():
        fresh_patient = _locked(patient)
        fresh = Consent.objects.select_for_update().get(pk=consent.pk)
        if fresh.withdrawn_on is not None:
            raise ValidationError({"consent": "This consent was already withdrawn."})
        fresh.withdrawn_on = on or _today(fresh_patient.service)
        if fresh.withdrawn_on < fresh.given_on:
            fresh.withdrawn_on = fresh.given_on
        fresh.withdrawn_by = policy.person(actor)
        fresh.save(update_fields=["withdrawn_on", "withdrawn_by"])
        audit_record(
            actor=actor,
            action="consent.withdraw",
            target=fresh,
            service_id=fresh_patient.service_id,
            fields=["withdrawn_on"],
        )
        if fresh.kind == ConsentKind.MENTOR_SHARING:
            MENTOR_SHARING_WITHDRAWN.call(fresh_patient, actor)
    return fresh


def consent_give_own(*, actor: User, patient: Patient, kind: str) -> Consent:
    """The patient gives a consent themself, from their own page (recorded as online).

    Also how a patient who withdrew sharing with a mentor gives it again.
    """
    if not policy.is_own_patient_record(actor, patient):
        raise ValidationError({"kind": "Only the patient can give this consent here."})
    with transaction.atomic():
        fresh = _locked(patient)
        if kind not in ConsentKind.values:
            raise ValidationError({"kind": "Choose what the consent is for."})
        if fresh.consents.current().filter(kind=kind).exists():
            raise ValidationError({"kind": "You have already given this consent."})
        consent = Consent(
            patient=fresh,
            kind=kind,
            given_on=_today(fresh.service),
            how_given=ConsentMethod.ONLINE,
            recorded_by=actor,
        )
        consent.full_clean()
        consent.save()
        audit_record(
            actor=actor,
            action="consent.give_own",
            target=consent,
            service_id=fresh.service_id,
            fields=["kind", "given_on", "how_given"],
        )
    return consent


# --- Inviting the patient to their own record ----------------------------------------


INVITE_CHANNELS = ("email", "sms")


def patient_invite(
    *, actor: User, patient: Patient, email: str, base_url: str, channel: str = "email"
) -> User:
    """Give the patient an account linked to this record, with a one-time link to
    choose a password, sent by the task worker by e-mail or (``channel="sms"``) by text
    message to the mobile number on the record. The e-mail address is needed either
    way: it is what the patient signs in with.

    Linking is what lets the patient give consent, see "My mentor" and agree to a
    proposal. An address that belongs to someone who works in the service is
    refused: a staff account never doubles as a patient's.
    """
    from alongside.accounts.identity import normalise_email
    from alongside.accounts.models import Role
    from alongside.accounts.services import (
        membership_grant,
        password_link_send,
        password_link_text,
        user_create,
    )

    policy.require(actor, "patient.manage", patient)
    if channel not in INVITE_CHANNELS:
        raise ValidationError({"channel": "Choose e-mail or text message."})
    email = normalise_email(email or "")
    if not email or "@" not in email:
        raise ValidationError({"email": "Enter the patient's e-mail address."})
    with transaction.atomic():
        fresh = _locked(patient)
        mobile = _invite_mobile(fresh) if channel == "sms" else ""
        user = User.objects.filter(email__iexact=email).first()
        if fresh.user_id and (user is None or user.pk != fresh.user_id):
            raise ValidationError(
                {"email": "This patient already has an account with another e-mail address."}
            )
        if user is not None and user.pk != fresh.user_id:
            if user.memberships.exclude(role=Role.PATIENT).exists():  # type: ignore[attr-defined]
                raise ValidationError(
                    {
                        "email": "That e-mail address belongs to a member of staff or a mentor; "
                        "use the patient's own address."
                    }
                )
            if Patient.objects.filter(user=user, service=fresh.service).exists():
                raise ValidationError(
                    {"email": "That e-mail address is already linked to another patient."}
                )
        if user is not None and user.has_usable_password():
            raise ValidationError(
                {"email": "This patient has already chosen a password and can sign in."}
            )
        if user is None:
            user = user_create(email=email, password=None, full_name=fresh.full_name, actor=actor)
        membership_grant(user=user, service=fresh.service, role=Role.PATIENT, actor=actor)
        if fresh.user_id != user.pk:
            fresh.user = user
            fresh.save(update_fields=["user", "updated_at"])
        # "phone" or "email": the contact detail the one-time link went to.
        audit_record(
            actor=actor,
            action="patient.invite",
            target=fresh,
            service_id=fresh.service_id,
            fields=["user", "phone" if channel == "sms" else "email"],
        )
        if channel == "sms":
            password_link_text(
                user=user,
                base_url=base_url,
                phone=mobile,
                intro=f"Alongside: {actor.display_name} at {fresh.service.name} invited you "
                "to see your support and meet a peer mentor.",
            )
        else:
            password_link_send(
                user=user,
                base_url=base_url,
                subject=f"Your support from {fresh.service.name} on Alongside",
                intro=f"{actor.display_name} invited you to Alongside, where you can see your "
                "therapist and your goals, give or withdraw consent, and meet a peer mentor.",
            )
    return user


def _invite_mobile(patient: Patient) -> str:
    """The record's number in E.164 if it can take a text message; a message naming the
    channel field (the choice the therapist made) when it cannot."""
    if not patient.phone.strip():
        raise ValidationError(
            {
                "channel": f"There is no mobile number on {patient.given_name}'s record. Add it "
                "under Contact details, or send the link by e-mail."
            }
        )
    try:
        return person_details.phone_e164(patient.phone, patient.service.country, mobile=True)
    except ValueError as error:
        raise ValidationError(
            {
                "channel": f"The number on {patient.given_name}'s record ({patient.phone}) "
                f"cannot take a text message. {error}"
            }
        ) from None


# --- Return-to-work plan -------------------------------------------------------------


def _add(actor: Actor, patient: Patient, record: Any, action: str, fields: list[str]) -> Any:
    _require(actor, "patient.manage", patient)
    with transaction.atomic():
        record.patient = _locked(patient)
        record.full_clean()
        record.save()
        audit_record(
            actor=actor, action=action, target=record, service_id=patient.service_id, fields=fields
        )
    return record


def goal_add(
    *,
    actor: Actor,
    patient: Patient,
    text: str,
    target_on: date | None = None,
    shared_with_patient: bool = True,
) -> Goal:
    goal = Goal(text=text.strip(), target_on=target_on, shared_with_patient=shared_with_patient)
    return _add(actor, patient, goal, "goal.add", ["text", "target_on", "shared_with_patient"])


def goal_update(*, actor: Actor, goal: Goal, changes: dict[str, Any]) -> Goal:
    _require(actor, "patient.manage", goal.patient)
    allowed = {"text", "target_on", "status", "shared_with_patient"}
    with transaction.atomic():
        fresh = Goal.objects.select_for_update().select_related("patient").get(pk=goal.pk)
        changed = apply_changes(fresh, {k: v for k, v in changes.items() if k in allowed})
        fresh.full_clean()
        if changed:
            fresh.save(update_fields=changed)
            audit_record(
                actor=actor,
                action="goal.update",
                target=fresh,
                service_id=fresh.patient.service_id,
                fields=changed,
            )
    return fresh


def employer_contact_add(
    *, actor: Actor, patient: Patient, on: date, who: str, summary: str, agreed: str = ""
) -> EmployerContact:
    if on > _today(patient.service):
        raise ValidationError({"on": "The contact date is in the future."})
    contact = EmployerContact(
        on=on,
        who=who.strip(),
        summary=summary.strip(),
        agreed=agreed.strip(),
        recorded_by=policy.person(actor),
    )
    return _add(actor, patient, contact, "employer_contact.add", ["on", "who", "summary", "agreed"])


def certificate_add(
    *,
    actor: Actor,
    patient: Patient,
    from_date: date,
    to_date: date,
    capacity: str,
    hours_per_week: Any = None,
    issued_by: str = "",
    notes: str = "",
) -> CapacityCertificate:
    if to_date < from_date:
        raise ValidationError({"to_date": "The certificate ends before it starts."})
    certificate = CapacityCertificate(
        from_date=from_date,
        to_date=to_date,
        capacity=capacity,
        hours_per_week=hours_per_week,
        issued_by=issued_by.strip(),
        notes=notes.strip(),
    )
    return _add(
        actor,
        patient,
        certificate,
        "certificate.add",
        ["from_date", "to_date", "capacity", "hours_per_week"],
    )


def phased_step_add(
    *, actor: Actor, patient: Patient, week_starting: date, hours: Any, duties: str = ""
) -> PhasedReturnStep:
    step = PhasedReturnStep(week_starting=week_starting, hours=hours, duties=duties.strip())
    return _add(actor, patient, step, "phased_step.add", ["week_starting", "hours", "duties"])


def work_status_add(
    *,
    actor: Actor,
    patient: Patient,
    from_date: date,
    status: str,
    hours_per_week: Any = None,
    note: str = "",
) -> WorkStatus:
    if from_date < patient.date_of_injury:
        raise ValidationError({"from_date": "The date is before the date of injury."})
    if from_date > _today(patient.service):
        raise ValidationError({"from_date": "The date is in the future."})
    entry = WorkStatus(
        from_date=from_date,
        status=status,
        hours_per_week=hours_per_week,
        note=note.strip(),
        recorded_by=policy.person(actor),
    )
    with transaction.atomic():
        entry = _add(
            actor, patient, entry, "work_status.add", ["from_date", "status", "hours_per_week"]
        )
        _status_from_timeline(actor, patient)
    return entry


def _status_from_timeline(actor: Actor, patient: Patient) -> None:
    """Move the case to "Returned to work" (or back to active) by its latest work status."""
    fresh = _locked(patient)
    if fresh.status not in FOLLOWS_TIMELINE:
        return
    latest = fresh.work_statuses.order_by("-from_date", "-pk").first()
    if latest is None:
        return
    at_work = latest.status in AT_WORK
    if at_work and fresh.status != PatientStatus.RETURNED_TO_WORK:
        fresh.status = PatientStatus.RETURNED_TO_WORK
    elif not at_work and fresh.status == PatientStatus.RETURNED_TO_WORK:
        fresh.status = PatientStatus.ACTIVE
    else:
        return
    fresh.save(update_fields=["status", "updated_at"])
    patient.status = fresh.status
    audit_record(
        actor=actor, action="patient.status_from_timeline", target=fresh, fields=["status"]
    )


# --- Service configuration ---------------------------------------------------------


def eligibility_rules_update(
    *, actor: Actor, service: Service, changes: dict[str, Any]
) -> EligibilityRules:
    _require(actor, "patient.configure", service)
    with transaction.atomic():
        rules, _ = EligibilityRules.objects.select_for_update().get_or_create(service=service)
        changed = apply_changes(rules, changes)
        if rules.min_age > rules.max_age:
            raise ValidationError({"max_age": "The maximum age is below the minimum age."})
        rules.full_clean()
        if changed:
            rules.save()
            audit_record(
                actor=actor,
                action="eligibility_rules.update",
                target=rules,
                service_id=service.pk,
                fields=changed,
            )
    return rules


def eligibility_rules_apply_preset(
    *, actor: Actor, service: Service, preset_id: str
) -> EligibilityRules:
    """Set the service's rules to those of a trial (core.eligibility.PRESETS); editable after."""
    from alongside.core.eligibility import preset

    try:
        criteria = preset(preset_id).criteria
    except ValueError as error:
        raise ValidationError({"preset": str(error)}) from None
    return eligibility_rules_update(
        actor=actor,
        service=service,
        changes={
            "min_age": criteria.min_age,
            "max_age": criteria.max_age,
            "require_working_or_studying": criteria.require_working_or_studying,
            "paid_work_only": criteria.paid_work_only,
            "allowed_categories": sorted(criteria.allowed_categories),
            "max_weeks_since_injury": criteria.max_weeks_since_injury,
            "weeks_counted_from": criteria.weeks_counted_from,
            "min_iss": criteria.min_iss,
        },
    )
