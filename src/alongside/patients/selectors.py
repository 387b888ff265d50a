"""Reads of the patient pathway, always scoped to the person asking."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from alongside.accounts import policy
from alongside.accounts.models import Membership, Role, User
from alongside.accounts.selectors import managers_of
from alongside.audit.reads import record_read
from alongside.core import eligibility as core_eligibility
from alongside.core import targets as core_targets
from alongside.hooks import Hook
from alongside.organisations.models import Service
from alongside.organisations.selectors import closed_days
from alongside.patients.models import (
    OPEN_STATUSES,
    PAID_WORK,
    WORKING_OR_STUDYING,
    Consent,
    ConsentKind,
    EligibilityRules,
    Goal,
    Patient,
    PatientQuerySet,
    PatientStatus,
    ReferralImportJob,
    TargetKind,
)


def service_today(service: Service) -> date:
    """Today's date where the service is: targets turn overdue at its midnight."""
    try:
        zone = zoneinfo.ZoneInfo(service.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.now().astimezone(zone).date()


def patients_visible_to(user: User, action: str = "patient.view") -> PatientQuerySet:
    """The patients ``user`` may read for ``action``; the rows fetched are audited."""
    return Patient.objects.visible_to(user, action).audited(user, action)


def patient_for_or_404(user: User, patient_id: int, action: str = "patient.view") -> Patient:
    """One case, audited as read for ``action`` (the case page, an edit form, the API)."""
    queryset = patients_visible_to(user, action).select_related("service", "allocated_therapist")
    return get_object_or_404(queryset, pk=patient_id)


def own_patient_records(user: User) -> QuerySet[Patient]:
    """The signed-in patient's own records (normally one), audited when fetched."""
    return (
        Patient.objects.own(user)
        .select_related("service", "allocated_therapist")
        .audited(user, "patient.view_own")
    )


def own_patient_or_404(user: User, patient_id: int) -> Patient:
    return get_object_or_404(own_patient_records(user), pk=patient_id)


def duplicate_referral_read(user: User, existing: Patient) -> Patient:
    """The existing referral a refused duplicate points at, shown to ``user`` (audited)."""
    record_read(user, "patient.duplicate", [existing])
    return existing


def own_consent_or_404(user: User, consent_id: int) -> Consent:
    return get_object_or_404(
        Consent.objects.select_related("patient").filter(patient__in=Patient.objects.own(user)),
        pk=consent_id,
    )


def consents_to_give(patient: Patient) -> list[tuple[str, str]]:
    """The consents the patient has not given (or has withdrawn) and may give now."""
    current = set(patient.consents.current().values_list("kind", flat=True))
    return [(kind, label) for kind, label in ConsentKind.choices if kind not in current]


def consent_for_or_404(patient: Patient, consent_id: int) -> Consent:
    return get_object_or_404(patient.consents.all(), pk=consent_id)


def goal_for_or_404(patient: Patient, goal_id: int) -> Goal:
    return get_object_or_404(patient.goals.all(), pk=goal_id)


def shared_goals(patient: Patient) -> QuerySet[Goal]:
    return patient.goals.filter(shared_with_patient=True)


def overdue_alert_recipients(patient: Patient) -> list[User]:
    """Who is told that a target is overdue: the allocated therapist, or, while the
    case has none, the service's managers (somebody must be able to act)."""
    therapist = patient.allocated_therapist
    if therapist is not None and therapist.is_active:
        return [therapist]
    return managers_of(patient.service_id)


def is_therapist_of(user: User, service: Service) -> bool:
    return Membership.objects.filter(
        user=user, service=service, role__in=policy.CLINICAL_TEAM, user__is_active=True
    ).exists()


# --- Eligibility -----------------------------------------------------------------


def eligibility_rules_for(service: Service) -> EligibilityRules:
    """The service's rules, or the trial defaults (unsaved) when none are set."""
    rules = EligibilityRules.objects.filter(service=service).first()
    return rules or EligibilityRules(service=service)


def criteria_of(rules: EligibilityRules) -> core_eligibility.EligibilityCriteria:
    return core_eligibility.EligibilityCriteria(
        min_age=rules.min_age,
        max_age=rules.max_age,
        require_working_or_studying=rules.require_working_or_studying,
        allowed_categories=frozenset(rules.allowed_categories or []),
        max_weeks_since_injury=rules.max_weeks_since_injury,
        min_iss=rules.min_iss,
        paid_work_only=rules.paid_work_only,
        weeks_counted_from=rules.weeks_counted_from,
    )


def facts_of(patient: Patient) -> core_eligibility.ReferralFacts:
    working = (
        None if not patient.employment_type else patient.employment_type in WORKING_OR_STUDYING
    )
    return core_eligibility.ReferralFacts(
        date_of_birth=patient.date_of_birth,
        date_of_injury=patient.date_of_injury,
        date_of_referral=patient.date_of_referral,
        working_or_studying=working,
        injury_category=patient.injury_category or None,
        iss=patient.iss,
        in_paid_work=None if not patient.employment_type else patient.employment_type in PAID_WORK,
        date_of_admission=patient.date_of_admission,
    )


def eligibility_of(
    patient: Patient, rules: EligibilityRules | None = None
) -> core_eligibility.Evaluation:
    rules = rules or eligibility_rules_for(patient.service)
    return core_eligibility.evaluate(criteria_of(rules), facts_of(patient))


# --- Early-intervention targets ------------------------------------------------


def holds_of(patient: Patient) -> list[tuple[date, date | None]]:
    """The case's holds as pauses of its target clocks (prefetched ``holds`` are used)."""
    return [(hold.started_on, hold.ended_on) for hold in patient.holds.all()]


def targets_of(
    patient: Patient,
    today: date | None = None,
    closed: dict[tuple[int, range], frozenset[date]] | None = None,
) -> list[core_targets.TargetStatus]:
    """The case's early-intervention targets, judged on the service's calendar: its
    public holidays and closure days, and the days the case was on hold.

    ``closed`` remembers each service's closed days across the cases of a sweep.
    """
    service = patient.service
    today = today or service_today(service)
    declined = patient.status == PatientStatus.INELIGIBLE
    years = range(min(patient.date_of_referral.year, today.year) - 1, today.year + 2)
    closed = {} if closed is None else closed
    if (service.pk, years) not in closed:
        closed[(service.pk, years)] = closed_days(service, years)
    holidays = closed[(service.pk, years)]
    pauses = holds_of(patient)
    mentor_start = core_targets.mentor_clock_start(
        service.mentor_clock_start,
        accepted_on=patient.accepted_on,
        left_hospital_on=patient.left_hospital_on,
    )
    return [
        core_targets.target_status(
            key=TargetKind.FIRST_THERAPIST_CONTACT.value,
            label="First therapist contact",
            start=None if declined else patient.date_of_referral,
            days=service.first_therapist_contact_days,
            working_days=True,
            done_on=patient.first_therapist_contact_on,
            today=today,
            holidays=holidays,
            pauses=pauses,
        ),
        core_targets.target_status(
            key=TargetKind.MENTOR_INTRODUCED.value,
            label="Peer mentor introduced",
            start=None if declined else mentor_start,
            days=service.mentor_introduced_days,
            working_days=False,
            done_on=patient.mentor_introduced_on,
            today=today,
            pauses=pauses,
        ),
    ]


def overdue_targets_of(
    patient: Patient,
    today: date | None = None,
    closed: dict[tuple[int, range], frozenset[date]] | None = None,
) -> list[core_targets.TargetStatus]:
    if patient.status not in OPEN_STATUSES:
        return []
    return [t for t in targets_of(patient, today, closed) if t.is_overdue]


def _overdue_candidates(queryset: QuerySet[Patient]) -> QuerySet[Patient]:
    """Open cases with a target not yet done; the exact judgement (working
    days, the service's time zone) is made in Python on what is left."""
    return queryset.filter(status__in=OPEN_STATUSES).filter(
        Q(first_therapist_contact_on__isnull=True)
        | Q(accepted_on__isnull=False, mentor_introduced_on__isnull=True)
    )


def overdue_cases(
    queryset: QuerySet[Patient],
) -> list[tuple[Patient, list[core_targets.TargetStatus]]]:
    cases = []
    closed: dict[tuple[int, range], frozenset[date]] = {}
    candidates = (
        _overdue_candidates(queryset)
        .select_related("service", "allocated_therapist")
        .prefetch_related("holds")
    )
    for patient in candidates:
        overdue = overdue_targets_of(patient, closed=closed)
        if overdue:
            cases.append((patient, overdue))
    return cases


def longest_overdue_first(
    cases: list[tuple[Patient, list[core_targets.TargetStatus]]],
) -> list[tuple[Patient, list[core_targets.TargetStatus]]]:
    """``overdue_cases`` with the case whose earliest target fell due longest ago first
    (ties keep their order), so a list cut short leaves out the least late."""
    return sorted(cases, key=lambda case: min(t.due_on or date.max for t in case[1]))


# --- Caseload ----------------------------------------------------------------------


@dataclass(frozen=True)
class CaseloadFilters:
    status: str = ""
    therapist: str = ""  # a user id, "me" or "none"
    overdue: bool = False
    q: str = ""


def caseload(user: User, filters: CaseloadFilters) -> QuerySet[Patient] | list[Patient]:
    queryset = (
        patients_visible_to(user)
        .select_related("service", "allocated_therapist")
        .prefetch_related("holds")
        .audited(user, "patient.list")
    )
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.therapist == "me":
        queryset = queryset.filter(allocated_therapist=user)
    elif filters.therapist == "none":
        queryset = queryset.filter(allocated_therapist__isnull=True)
    elif filters.therapist.isdigit():
        queryset = queryset.filter(allocated_therapist_id=int(filters.therapist))
    if filters.q:
        term = filters.q.strip()
        queryset = queryset.filter(
            Q(family_name__icontains=term)
            | Q(given_name__icontains=term)
            | Q(hospital_number__iexact=term)
        )
    queryset = queryset.order_by("-date_of_referral", "family_name", "pk")
    if filters.overdue:
        return [patient for patient, _ in overdue_cases(queryset)]
    return queryset


def caseload_rows(
    patients: Iterable[Patient],
) -> list[tuple[Patient, list[core_targets.TargetStatus]]]:
    """Each listed case with its overdue targets; each service's calendar read once."""
    closed: dict[tuple[int, range], frozenset[date]] = {}
    return [(patient, overdue_targets_of(patient, closed=closed)) for patient in patients]


def therapist_choices(user: User) -> list[tuple[int, str]]:
    ids = Patient.objects.visible_to(user, "patient.view").values("service_id")
    people = (
        User.objects.filter(memberships__service_id__in=ids, memberships__role=Role.THERAPIST)
        .distinct()
        .order_by("full_name", "email")
    )
    return [(person.pk, str(person)) for person in people]


# --- The summary at the top of the record ---------------------------------------------


@dataclass(frozen=True)
class SummaryFact:
    """One line of a record's summary that another app knows (the peer mentor from
    matching, open concerns from contacts). ``alert`` styles it as needing action."""

    order: int
    label: str
    text: str
    url: str = ""
    link_text: str = ""
    alert: bool = False


# Matching and contacts add their lines; each contributor reads in a fixed number of
# queries (never one per row) and audits what it reads.
CASE_SUMMARY_FACTS: Hook[Callable[[User, Patient], list[SummaryFact]]] = Hook(
    "case_summary_facts", "a line in the summary at the top of a patient's record"
)


@dataclass(frozen=True)
class CaseSummary:
    age: int
    injury: str
    weeks_since_injury: int
    therapist: User | None
    next_target: core_targets.TargetStatus | None
    facts: list[SummaryFact] = field(default_factory=list)

    @property
    def next_target_alert(self) -> bool:
        return self.next_target is not None and self.next_target.is_overdue


def injury_summary(patient: Patient) -> str:
    """The injury in a few words: "Spinal cord injury, C6 ASIA B (S14.1)"."""
    parts = [patient.get_injury_category_display() or "Injury type not recorded"]
    if patient.sci_level:
        parts.append(f"{patient.sci_level} {patient.get_asia_grade_display() or ''}".strip())
    if patient.tbi_severity:
        parts.append(patient.get_tbi_severity_display().lower())
    if patient.amputation_site:
        parts.append(patient.get_amputation_site_display().lower())
    words = ", ".join(parts)
    codes = ", ".join(patient.icd10_codes or [])
    return f"{words} ({codes})" if codes else words


def next_target_of(targets: list[core_targets.TargetStatus]) -> core_targets.TargetStatus | None:
    """The open target due soonest (overdue ones first, as they are the earliest)."""
    waiting = [t for t in targets if t.due_on is not None and t.done_on is None]
    return min(waiting, key=lambda t: t.due_on or date.max) if waiting else None


def case_summary(
    user: User, patient: Patient, targets: list[core_targets.TargetStatus]
) -> CaseSummary:
    """What a therapist needs first, from the record in hand and one call per
    contributing app (each a fixed number of queries)."""
    today = service_today(patient.service)
    facts = [fact for found in CASE_SUMMARY_FACTS.call(user, patient) for fact in found]
    return CaseSummary(
        age=patient.age_on(today),
        injury=injury_summary(patient),
        weeks_since_injury=max((today - patient.date_of_injury).days // 7, 0),
        therapist=patient.allocated_therapist,
        next_target=next_target_of(targets),
        facts=sorted(facts, key=lambda fact: fact.order),
    )


def patient_detail_context(user: User, patient: Patient) -> dict[str, Any]:
    """Everything the case page shows, fetched in a fixed number of queries."""
    rules = eligibility_rules_for(patient.service)
    targets = targets_of(patient)
    return {
        "summary": case_summary(user, patient, targets),
        "eligibility": eligibility_of(patient, rules),
        "rules": rules,
        "targets": targets,
        "holds": list(patient.holds.select_related("started_by", "ended_by")),
        "consents": list(patient.consents.select_related("recorded_by", "withdrawn_by")),
        "goals": list(patient.goals.all()),
        "employer_contacts": list(patient.employer_contacts.select_related("recorded_by")),
        "certificates": list(patient.certificates.all()),
        "phased_steps": list(patient.phased_steps.all()),
        "work_statuses": list(patient.work_statuses.select_related("recorded_by")),
    }


def referral_import_jobs_visible_to(user: User) -> QuerySet[ReferralImportJob]:
    """Uploads of the services where ``user`` is in the clinical team (the file left out)."""
    return (
        ReferralImportJob.objects.visible_to(user, "patient.manage")
        .select_related("service", "created_by")
        .defer("content")
    )


def referral_import_job_for_or_404(
    user: User, job_id: int, *, with_rows: bool = True
) -> ReferralImportJob:
    """One upload, or 404. When the page shows the file's rows (the preview, the
    problems) the read is audited; a progress fragment shows only counts."""
    job = get_object_or_404(referral_import_jobs_visible_to(user), pk=job_id)
    if with_rows and (job.preview or job.problems):
        record_read(user, "referral_import.view", [job])
    return job
