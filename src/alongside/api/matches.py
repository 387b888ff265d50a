"""Matching API: scoped exactly like the pages (out of scope is 404).

- Staff (therapists, managers): matches of their services, ranked suggestions
  for a patient, proposing.
- A mentor: their mentees, minimal profile only (``/mentees``).
- A patient: their own proposals and mentor (``/mine``).

Answers and ends go through the same services as the pages: a patient agrees or
declines a proposal, a mentor then accepts or declines it, the clinical team may record
that the patient agreed, and ends an active match with its reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from alongside.accounts import policy
from alongside.accounts.http import AuthenticatedApiRequest
from alongside.accounts.models import User
from alongside.api import pagination
from alongside.api.problems import Problem, refusal
from alongside.core import text_limits
from alongside.matches import selectors, services
from alongside.matches.models import EndReason, Match
from alongside.patients.selectors import patient_for_or_404

router = Router(tags=["matches"])


class MatchOut(Schema):
    id: int
    service: str
    patient_id: int
    mentor_id: int
    status: str
    score: float
    criterion_scores: dict[str, float | None]
    reasons: list[str]
    proposed_at: dt.datetime
    patient_agreed_at: dt.datetime | None
    mentor_responded_at: dt.datetime | None
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    end_reason: str
    declined_by: str
    needs_review: bool
    review_reason: str


class MatchFilterIn(pagination.OffsetPageIn):
    status: str = Field("", max_length=text_limits.SEARCH)
    needs_review: bool = False


class MenteeOut(Schema):
    """All a mentor may know of a mentee."""

    match_id: int
    status: str
    first_name: str
    injury_category: str
    occupation_group: str
    contact_modes: list[str]
    availability: list[str]


class MyMentorOut(Schema):
    match_id: int
    status: str
    mentor_first_name: str
    story: str
    injury_category: str
    occupation: str
    contact_modes: list[str]


class CriterionOut(Schema):
    name: str
    score: float | None
    reason: str


class SuggestionOut(Schema):
    mentor_id: int
    mentor_name: str
    total: float
    criteria: list[CriterionOut]
    reasons: list[str]


class ExclusionOut(Schema):
    mentor_id: int
    mentor_name: str
    rule: str
    reason: str


class SuggestionsOut(Schema):
    patient_id: int
    suggestions: list[SuggestionOut]
    excluded: list[ExclusionOut]


class ProposeIn(Schema):
    patient_id: int
    mentor_id: int
    override_repeat: bool = False


class AnswerIn(Schema):
    # The patient "agree"s to meet the mentor, the mentor then "accept"s; either may
    # "decline" (the mentor with a reason). The clinical team may record "agree" for the
    # patient, as the match page does.
    answer: Literal["agree", "accept", "decline"]
    reason: str = Field("", max_length=text_limits.REASON)


class AnswerOut(Schema):
    """What the answer did; no more than the person answering may know of the match."""

    match_id: int
    status: str
    answered_as: str  # "patient", "mentor", or "therapist" (recorded for the patient)


class EndIn(Schema):
    reason: Literal[tuple(EndReason.values)]  # type: ignore[valid-type]
    note: str = Field("", max_length=text_limits.REASON)  # needed when the reason is "other"


def _match_out(m: Match) -> dict[str, object]:
    return {
        "id": m.pk,
        "service": m.service.slug,
        "patient_id": m.patient_id,
        "mentor_id": m.mentor_id,
        "status": m.status,
        "score": m.score,
        "criterion_scores": m.criterion_scores or {},
        "reasons": m.reasons or [],
        "proposed_at": m.proposed_at,
        "patient_agreed_at": m.patient_agreed_at,
        "mentor_responded_at": m.mentor_responded_at,
        "started_at": m.started_at,
        "ended_at": m.ended_at,
        "end_reason": m.end_reason,
        "declined_by": m.declined_by,
        "needs_review": m.needs_review,
        "review_reason": m.review_reason,
    }


@router.get(
    "",
    response=pagination.page_of(MatchOut),
    url_name="match_list",
    summary="Matches of the caller's services (therapists and managers), oldest proposal first",
)
def match_list(
    request: AuthenticatedApiRequest, response: HttpResponse, filters: Query[MatchFilterIn]
) -> dict[str, object]:
    policy.require(request.auth, "match.manage")
    found = selectors.matches_for_list(
        request.auth, selectors.StaffFilters(**pagination.list_parameters(filters))
    )
    return pagination.paginate(
        request,
        response,
        found,
        filters,
        op="matches",
        keyset=pagination.Keyset(("proposed_at", "pk")),
        out=_match_out,
    )


@router.get(
    "/mentees",
    response=pagination.page_of(MenteeOut),
    url_name="mentee_list",
    summary="The caller's mentees (a mentor): minimal profile, only while consent is current",
)
def mentee_list(
    request: AuthenticatedApiRequest, response: HttpResponse, page: Query[pagination.PageIn]
) -> dict[str, object]:
    return pagination.paginate(
        request,
        response,
        selectors.mentees_visible_to(request.auth),
        page,
        op="mentees",
        keyset=pagination.Keyset(("match_id",)),
    )


@router.get(
    "/mine",
    response=pagination.page_of(MyMentorOut),
    url_name="my_mentor",
    summary="The caller's own proposals and mentor (a patient)",
)
def my_mentor(
    request: AuthenticatedApiRequest, response: HttpResponse, page: Query[pagination.PageIn]
) -> dict[str, object]:
    return pagination.paginate(
        request,
        response,
        selectors.my_mentor_cards(request.auth),
        page,
        op="mine",
        keyset=pagination.Keyset(("match.pk",)),
    )


@router.get(
    "/patients/{int:patient_id}/suggestions",
    response=SuggestionsOut,
    url_name="match_suggestions",
    summary="Ranked mentors for a patient, with reasons; excluded mentors with the rule",
)
def match_suggestions(
    request: AuthenticatedApiRequest, patient_id: int, limit: int = 10
) -> dict[str, object]:
    patient = patient_for_or_404(request.auth, patient_id, "match.manage")
    found = selectors.find_mentor(
        request.auth, patient, today=timezone.localdate(), limit=max(1, min(limit, 100))
    )
    return {
        "patient_id": patient.pk,
        "suggestions": [
            {
                "mentor_id": c.mentor.pk,
                "mentor_name": c.mentor.full_name,
                "total": c.total,
                "criteria": [
                    {"name": r.name, "score": r.score, "reason": r.reason} for r in c.criteria
                ],
                "reasons": c.reasons,
            }
            for c in found.suggestions
        ],
        "excluded": [
            {
                "mentor_id": e.mentor.pk,
                "mentor_name": e.mentor.full_name,
                "rule": e.rule,
                "reason": e.reason,
            }
            for e in found.exclusions
        ],
    }


@router.get(
    "/{int:match_id}",
    response=MatchOut,
    url_name="match_detail",
    summary="One match (therapists and managers of its service)",
)
def match_detail(request: AuthenticatedApiRequest, match_id: int) -> dict[str, object]:
    match = selectors.match_for_staff_or_404(request.auth, match_id)
    return _match_out(match)


@router.post(
    "/propose",
    response={201: MatchOut},
    url_name="match_propose",
    summary="Propose a mentor for a patient (every hard rule is checked again)",
)
def match_propose(request: AuthenticatedApiRequest, body: ProposeIn) -> Status[dict[str, object]]:
    patient = patient_for_or_404(request.auth, body.patient_id, "match.manage")
    mentor = selectors.mentor_for_patient_or_404(patient, body.mentor_id)
    # A broken rule (ValidationError) answers 422 naming it (alongside.api.problems).
    match = services.match_propose(
        actor=request.auth,
        patient=patient,
        mentor=mentor,
        override_repeat=body.override_repeat,
    )
    return Status(201, _match_out(match))


# Which answers each person gives, and the page's service for each.
_ANSWERS = {
    "patient": {
        "agree": lambda user, m, reason: services.match_patient_agree(actor=user, match=m),
        "decline": lambda user, m, reason: services.match_patient_decline(
            actor=user, match=m, reason=reason
        ),
    },
    "mentor": {
        "accept": lambda user, m, reason: services.match_mentor_accept(actor=user, match=m),
        "decline": lambda user, m, reason: services.match_mentor_decline(
            actor=user, match=m, reason=reason
        ),
    },
    # The match page's "Record that the patient agreed".
    "therapist": {
        "agree": lambda user, m, reason: services.match_patient_agree(actor=user, match=m),
    },
}
_WRONG_ANSWER = {
    "patient": "A patient answers “agree” or “decline”.",
    "mentor": "A mentor answers “accept” or “decline”.",
    "therapist": "The clinical team can record only that the patient agreed (“agree”); "
    "the patient or the mentor declines for themself.",
}


def _answering(user: User, match_id: int) -> tuple[Match, str]:
    """The match, found as the pages find it for the person answering: the mentor's own
    mentee, the patient's own proposal, or a match of the clinical team's service."""
    if selectors.is_mentor(user):
        try:
            return selectors.mentee_match_or_404(user, match_id), "mentor"
        except Http404:
            pass
    if policy.can(user, "patient.own"):
        try:
            return selectors.own_match_or_404(user, match_id), "patient"
        except Http404:
            pass
    return selectors.match_for_staff_or_404(user, match_id), "therapist"


@router.post(
    "/{int:match_id}/respond",
    response={200: AnswerOut, 409: Problem},
    url_name="match_respond",
    summary="Answer a proposal: the patient agrees or declines, then the mentor accepts or "
    "declines (the clinical team may record that the patient agreed)",
)
def match_respond(
    request: AuthenticatedApiRequest, match_id: int, body: AnswerIn
) -> dict[str, object]:
    match, side = _answering(request.auth, match_id)
    answer = _ANSWERS[side].get(body.answer)
    if answer is None:
        raise ValidationError({"answer": _WRONG_ANSWER[side]})
    try:
        answered = answer(request.auth, match, body.reason)
    except ValidationError as error:
        # A field of the request (a decline's reason) is 422; the match's state is 409.
        raise refusal(error, AnswerIn.model_fields) from error
    return {"match_id": answered.pk, "status": answered.status, "answered_as": side}


@router.post(
    "/{int:match_id}/end",
    response={200: MatchOut, 409: Problem},
    url_name="match_end",
    summary="End an active match, with why (therapists and managers of its service)",
)
def match_end(request: AuthenticatedApiRequest, match_id: int, body: EndIn) -> dict[str, object]:
    match = selectors.match_for_staff_or_404(request.auth, match_id)
    try:
        ended = services.match_end(
            actor=request.auth, match=match, reason=body.reason, note=body.note
        )
    except ValidationError as error:
        raise refusal(error, EndIn.model_fields) from error
    return _match_out(ended)
