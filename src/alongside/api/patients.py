"""Patients API: list, detail and new referrals, scoped exactly like the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from alongside.accounts import policy
from alongside.api.problems import ApiProblem, Problem
from alongside.audit.services import audit_record
from alongside.organisations.models import Service
from alongside.patients import selectors, services
from alongside.patients.models import Patient, PatientStatus

router = Router(tags=["patients"])


class PatientSummaryOut(Schema):
    id: int
    service: str
    given_name: str
    family_name: str
    status: str
    hospital_number: str
    date_of_injury: dt.date
    date_of_referral: dt.date
    injury_category: str
    allocated_therapist: str | None


class RuleOut(Schema):
    rule: str
    label: str
    outcome: str
    explanation: str


class TargetOut(Schema):
    key: str
    label: str
    due_on: dt.date | None
    done_on: dt.date | None
    state: str


class PatientOut(PatientSummaryOut):
    date_of_birth: dt.date
    gender: str
    date_of_admission: dt.date | None
    accepted_on: dt.date | None
    first_therapist_contact_on: dt.date | None
    mentor_introduced_on: dt.date | None
    icd10_codes: list[str]
    sci_level: str
    asia_grade: str
    tbi_severity: str
    amputation_site: str
    iss: int | None
    occupation_code: str
    employment_type: str
    hours_per_week: float | None
    eligibility: list[RuleOut]
    targets: list[TargetOut]


class PatientFilterIn(Schema):
    status: str = ""
    therapist: str = ""
    overdue: bool = False
    limit: int = 100
    offset: int = 0


class ReferralIn(Schema):
    service: str
    given_name: str
    family_name: str
    date_of_birth: dt.date
    date_of_injury: dt.date
    date_of_referral: dt.date
    date_of_admission: dt.date | None = None
    hospital_number: str = ""
    gender: str = ""
    phone: str = ""
    email: str = ""
    postcode: str = ""
    referral_source: str = ""
    referrer_name: str = ""
    injury_category: str = ""
    icd10_codes: list[str] = []
    employment_type: str = ""
    occupation_code: str = ""
    employer: str = ""


def _summary(p: Patient) -> dict[str, Any]:
    return {
        "id": p.pk,
        "service": p.service.slug,
        "given_name": p.given_name,
        "family_name": p.family_name,
        "status": p.status,
        "hospital_number": p.hospital_number,
        "date_of_injury": p.date_of_injury,
        "date_of_referral": p.date_of_referral,
        "injury_category": p.injury_category,
        "allocated_therapist": p.allocated_therapist.email if p.allocated_therapist else None,
    }


def _full(p: Patient) -> dict[str, Any]:
    fields = (
        "date_of_birth", "gender", "date_of_admission", "accepted_on",
        "first_therapist_contact_on", "mentor_introduced_on", "icd10_codes", "sci_level",
        "asia_grade", "tbi_severity", "amputation_site", "iss", "occupation_code",
        "employment_type",
    )  # fmt: skip
    return {
        **_summary(p),
        **{f: getattr(p, f) for f in fields},
        "hours_per_week": float(p.hours_per_week) if p.hours_per_week is not None else None,
        "eligibility": [
            {
                "rule": r.rule,
                "label": r.label,
                "outcome": r.outcome.value,
                "explanation": r.explanation,
            }
            for r in selectors.eligibility_of(p).results
        ],
        "targets": [
            {
                "key": t.key,
                "label": t.label,
                "due_on": t.due_on,
                "done_on": t.done_on,
                "state": t.state.value,
            }
            for t in selectors.targets_of(p)
        ],
    }


@router.get(
    "",
    response=list[PatientSummaryOut],
    url_name="patient_list",
    summary="Patients of the caller's services (therapists and managers)",
)
def patient_list(request: HttpRequest, filters: Query[PatientFilterIn]) -> list[dict[str, Any]]:
    if not policy.can(request.user, "patient.view"):
        raise Http404("Not found")
    found = selectors.caseload(
        request.user,
        selectors.CaseloadFilters(
            status=filters.status if filters.status in PatientStatus.values else "",
            therapist=filters.therapist,
            overdue=filters.overdue,
        ),
    )
    limit = max(1, min(filters.limit, 500))
    offset = max(0, filters.offset)
    return [_summary(p) for p in found[offset : offset + limit]]


@router.get(
    "/{int:patient_id}",
    response=PatientOut,
    url_name="patient_detail",
    summary="One patient's case record, with eligibility and targets",
)
def patient_detail(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    patient = selectors.patient_for_or_404(request.user, patient_id)
    audit_record(actor=request.user, action="patient.view", target=patient)
    return _full(patient)


@router.post(
    "/referrals",
    response={201: PatientOut, 409: Problem},
    url_name="referral_create",
    summary="Record a new referral",
)
def referral_create(request: HttpRequest, payload: ReferralIn) -> Status[dict[str, Any]]:
    service = get_object_or_404(
        Service.objects.visible_to(request.user, "patient.manage"), slug=payload.service
    )
    data = payload.dict(exclude={"service"})
    # A ValidationError answers 422 naming each field (alongside.api.problems).
    try:
        patient = services.referral_create(actor=request.user, service=service, data=data)
    except services.DuplicateReferral as error:
        raise ApiProblem(409, str(error), existing_id=error.existing.pk) from error
    return Status(201, _full(patient))
