"""Mentor programme API: scoped exactly like the pages (out of scope is 404).

Availability is set as the pages set it: the mentor keeps their own weekly times current
(their profile page, ``mentor_update_own``); the clinical team may set a mentor's times
and capacity (the mentor's edit page, ``mentor_update``)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from alongside.accounts import policy
from alongside.accounts.http import AuthenticatedApiRequest
from alongside.api import pagination
from alongside.core import mentor_programme as rules
from alongside.core import text_limits
from alongside.mentors import selectors, services
from alongside.mentors.models import Mentor

router = Router(tags=["mentors"])


class MentorSummaryOut(Schema):
    id: int
    service: str
    first_name: str
    last_name: str
    status: str
    injury_category: str
    occupation_code: str
    capacity: int
    mentee_count: int
    capacity_left: int
    supervisor_email: str | None
    checks_valid_until: dt.date | None
    training_valid_until: dt.date | None
    supervision_due_on: dt.date | None


class MentorOut(MentorSummaryOut):
    icd10_codes: list[str]
    sci_level: str
    asia_grade: str
    tbi_severity: str
    amputation_site: str
    date_of_injury: dt.date | None
    returned_to_work_on: dt.date | None
    employment_type: str
    job_demands: str
    gender: str
    birth_year: int | None
    languages: list[str]
    region: str
    postcode: str
    travel_radius_km: int
    contact_modes: list[str]
    availability: list[str]
    willing_categories: list[str]
    matchable: bool
    not_matchable_because: list[str]


class MentorFilterIn(pagination.OffsetPageIn):
    status: str = Field("", max_length=text_limits.SEARCH)
    injury_category: str = Field("", max_length=text_limits.SEARCH)
    capacity_left: int | None = None
    supervision: str = Field("", max_length=text_limits.SEARCH)
    checks: str = Field("", max_length=text_limits.SEARCH)


Slot = Literal[rules.AVAILABILITY_SLOTS]  # type: ignore[valid-type]  # "mon-am" … "sun-eve"


class OwnAvailabilityIn(Schema):
    """What a mentor sets of their own availability: the times of the week that suit.
    Nothing else is theirs to send here (their capacity is the clinical team's)."""

    model_config = ConfigDict(extra="forbid")
    availability: list[Slot] = Field(max_length=len(rules.AVAILABILITY_SLOTS))


class AvailabilityIn(OwnAvailabilityIn):
    """What the clinical team sets: the times, and how many mentees at once (unchanged
    when not sent)."""

    model_config = ConfigDict(extra="forbid")
    capacity: int | None = Field(None, ge=0, le=rules.MAX_CAPACITY)


def _summary(m: Mentor) -> dict[str, object]:
    return {
        "id": m.pk,
        "service": m.service.slug,
        "first_name": m.first_name,
        "last_name": m.last_name,
        "status": m.status,
        "injury_category": m.injury_category,
        "occupation_code": m.occupation_code,
        "capacity": m.capacity,
        "mentee_count": m.mentee_count,
        "capacity_left": m.capacity_left,
        "supervisor_email": m.supervisor.email if m.supervisor else None,
        "checks_valid_until": m.checks_valid_until,
        "training_valid_until": m.training_valid_until,
        "supervision_due_on": m.supervision_due_on,
    }


def _full(m: Mentor, today: dt.date) -> dict[str, object]:
    verdict = selectors.mentor_is_matchable(m, today)
    fields = (
        "icd10_codes",
        "sci_level",
        "asia_grade",
        "tbi_severity",
        "amputation_site",
        "date_of_injury",
        "returned_to_work_on",
        "employment_type",
        "job_demands",
        "gender",
        "birth_year",
        "languages",
        "region",
        "postcode",
        "travel_radius_km",
        "contact_modes",
        "availability",
        "willing_categories",
    )
    return {
        **_summary(m),
        **{f: getattr(m, f) for f in fields},
        "matchable": verdict.matchable,
        "not_matchable_because": verdict.reasons,
    }


@router.get(
    "",
    response=pagination.page_of(MentorSummaryOut),
    url_name="mentor_list",
    summary="Mentors of the caller's services (therapists and managers), oldest record first",
)
def mentor_list(
    request: AuthenticatedApiRequest, response: HttpResponse, filters: Query[MentorFilterIn]
) -> dict[str, object]:
    policy.require(request.auth, "mentor.view")
    found = selectors.mentors_for_list(
        request.auth,
        selectors.MentorFilters(**pagination.list_parameters(filters)),
        timezone.localdate(),
    )
    return pagination.paginate(
        request,
        response,
        found,
        filters,
        op="mentors",
        keyset=pagination.Keyset(("created_at", "pk")),
        out=_summary,
    )


@router.get(
    "/me",
    response=pagination.page_of(MentorOut),
    url_name="mentor_me",
    summary="The caller's own mentor record(s)",
)
def mentor_me(
    request: AuthenticatedApiRequest, response: HttpResponse, page: Query[pagination.PageIn]
) -> dict[str, object]:
    today = timezone.localdate()
    return pagination.paginate(
        request,
        response,
        selectors.own_mentor_records(request.auth),
        page,
        op="mentor-me",
        out=lambda m: _full(m, today),
    )


@router.put(
    "/me/availability",
    response=MentorOut,
    url_name="mentor_me_availability",
    summary="Set the caller's own weekly availability (a mentor; `record` chooses among "
    "their records, as the profile page does)",
)
def mentor_me_availability(
    request: AuthenticatedApiRequest, body: OwnAvailabilityIn, record: int | None = None
) -> dict[str, object]:
    mentor = selectors.own_mentor_or_404(request.auth, record)
    # A refused value (ValidationError) answers 422 naming the field (api.problems).
    saved = services.mentor_update_own(
        actor=request.auth, mentor=mentor, values={"availability": list(body.availability)}
    )
    return _full(saved, timezone.localdate())


@router.put(
    "/{int:mentor_id}/availability",
    response=MentorOut,
    url_name="mentor_availability",
    summary="Set a mentor's weekly availability and capacity (therapists and managers of "
    "the mentor's service)",
)
def mentor_availability(
    request: AuthenticatedApiRequest, mentor_id: int, body: AvailabilityIn
) -> dict[str, object]:
    mentor = selectors.mentor_visible_or_404(request.auth, mentor_id, "mentor.manage")
    values: dict[str, object] = {"availability": list(body.availability)}
    if body.capacity is not None:
        values["capacity"] = body.capacity
    saved = services.mentor_update(actor=request.auth, mentor=mentor, values=values)
    return _full(saved, timezone.localdate())


@router.get(
    "/{int:mentor_id}",
    response=MentorOut,
    url_name="mentor_detail",
    summary="One mentor, with whether they can take a new mentee today and why not",
)
def mentor_detail(request: AuthenticatedApiRequest, mentor_id: int) -> dict[str, object]:
    mentor = selectors.mentor_visible_or_404(request.auth, mentor_id)
    return _full(mentor, timezone.localdate())
