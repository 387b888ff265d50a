"""Patients API: list, detail and new referrals, scoped exactly like the pages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, cast

from django.db import models
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status

from alongside.accounts import policy
from alongside.accounts.http import AuthenticatedApiRequest
from alongside.api import idempotency, pagination
from alongside.api.problems import ApiProblem, Problem
from alongside.core import text_limits
from alongside.organisations.models import Service
from alongside.organisations.selectors import service_for_or_404
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
    gcs: int | None
    pta_days: int | None
    amputation_site: str
    amputation_laterality: str
    iss: int | None
    occupation_code: str
    employment_type: str
    hours_per_week: float | None
    eligibility: list[RuleOut]
    targets: list[TargetOut]


class PatientFilterIn(pagination.OffsetPageIn):
    status: str = Field("", max_length=text_limits.SEARCH)
    therapist: str = Field("", max_length=text_limits.SEARCH)
    overdue: bool = False


def _up_to(name: str) -> int:
    """The model field's limit, so the referral page and the API refuse the same length."""
    limit = cast(models.Field, Patient._meta.get_field(name)).max_length  # a concrete column
    assert limit is not None
    return limit


class ReferralIn(Schema):
    """Phone numbers without + are read in the service's country and stored in E.164;
    postcodes follow the service's country; names refuse invisible characters.

    The injury details follow ``injury_category``: ``sci_level`` and ``asia_grade``
    for a spinal cord injury, ``tbi_severity``, ``gcs`` and ``pta_days`` for a brain
    injury, ``amputation_site`` and ``amputation_laterality`` (left, right,
    bilateral, multiple) for an amputation; those of another kind are ignored.
    Combinations that cannot be true (a cervical cord code with a thoracic level,
    "mild" with GCS 5) are refused, one problem each."""

    service: str = Field(max_length=Service._meta.get_field("slug").max_length)
    given_name: str = Field(max_length=_up_to("given_name"))
    family_name: str = Field(max_length=_up_to("family_name"))
    date_of_birth: dt.date
    date_of_injury: dt.date
    date_of_referral: dt.date
    date_of_admission: dt.date | None = None
    hospital_number: str = Field("", max_length=_up_to("hospital_number"))
    gender: str = Field("", max_length=_up_to("gender"))
    phone: str = Field("", max_length=_up_to("phone"))
    email: str = Field("", max_length=_up_to("email"))
    postcode: str = Field("", max_length=_up_to("postcode"))
    referral_source: str = Field("", max_length=_up_to("referral_source"))
    referrer_name: str = Field("", max_length=_up_to("referrer_name"))
    injury_category: str = Field("", max_length=_up_to("injury_category"))
    icd10_codes: list[Annotated[str, Field(max_length=text_limits.LIST_ITEM)]] = Field(
        [], max_length=text_limits.LIST_ITEMS
    )
    sci_level: str = Field("", max_length=_up_to("sci_level"))
    asia_grade: str = Field("", max_length=_up_to("asia_grade"))
    tbi_severity: str = Field("", max_length=_up_to("tbi_severity"))
    gcs: int | None = Field(None, ge=3, le=15)
    pta_days: int | None = Field(None, ge=0, le=365)
    amputation_site: str = Field("", max_length=_up_to("amputation_site"))
    amputation_laterality: str = Field("", max_length=_up_to("amputation_laterality"))
    employment_type: str = Field("", max_length=_up_to("employment_type"))
    occupation_code: str = Field("", max_length=_up_to("occupation_code"))
    employer: str = Field("", max_length=_up_to("employer"))


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
        "date_of_birth",
        "gender",
        "date_of_admission",
        "accepted_on",
        "first_therapist_contact_on",
        "mentor_introduced_on",
        "icd10_codes",
        "sci_level",
        "asia_grade",
        "tbi_severity",
        "gcs",
        "pta_days",
        "amputation_site",
        "amputation_laterality",
        "iss",
        "occupation_code",
        "employment_type",
    )
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
    response=pagination.page_of(PatientSummaryOut),
    url_name="patient_list",
    summary="Referrals and patients of the caller's services (therapists and managers), "
    "oldest first, a page at a time",
)
def patient_list(
    request: AuthenticatedApiRequest, response: HttpResponse, filters: Query[PatientFilterIn]
) -> dict[str, Any]:
    policy.require(request.auth, "patient.view")
    found = selectors.caseload(
        request.auth,
        selectors.CaseloadFilters(
            status=filters.status if filters.status in PatientStatus.values else "",
            therapist=filters.therapist,
            overdue=filters.overdue,
        ),
    )
    return pagination.paginate(
        request,
        response,
        found,
        filters,
        op="patients",
        keyset=pagination.Keyset(("created_at", "pk")),
        out=_summary,
    )


@router.get(
    "/{int:patient_id}",
    response=PatientOut,
    url_name="patient_detail",
    summary="One patient's case record, with eligibility and targets",
)
def patient_detail(request: AuthenticatedApiRequest, patient_id: int) -> dict[str, Any]:
    patient = selectors.patient_for_or_404(request.auth, patient_id)
    return _full(patient)


@router.post(
    "/referrals",
    response={201: PatientOut, 409: Problem},
    url_name="referral_create",
    summary="Record a new referral",
)
def referral_create(
    request: AuthenticatedApiRequest,
    response: HttpResponse,
    payload: ReferralIn,
    idempotency_key: str | None = idempotency.KeyHeader,
) -> Status[dict[str, Any]]:
    service = service_for_or_404(request.auth, payload.service, "patient.manage")
    data = payload.dict(exclude={"service"})

    def create() -> tuple[int, Status[dict[str, Any]]]:
        # A ValidationError answers 422 naming each field (alongside.api.problems).
        try:
            patient = services.referral_create(actor=request.auth, service=service, data=data)
        except services.DuplicateReferral as error:
            existing = selectors.duplicate_referral_read(request.auth, error.existing)
            raise ApiProblem(409, str(error), existing_id=existing.pk) from error
        return patient.pk, Status(201, _full(patient))

    def replay(patient_id: int) -> Status[dict[str, Any]]:
        return Status(201, _full(selectors.patient_for_or_404(request.auth, patient_id)))

    return idempotency.once(request, response, idempotency_key, create=create, replay=replay)
