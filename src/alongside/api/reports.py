"""Reports API: the service dashboard's figures as JSON, for funders' and hospitals'
own dashboards. The figures are the ones the dashboard page shows (the same selectors),
pseudonymised the same way for callers without a clinical role."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema

from alongside.accounts import policy
from alongside.api.problems import ApiProblem
from alongside.organisations.models import Service
from alongside.organisations.selectors import service_for_or_404
from alongside.patients.selectors import service_today
from alongside.reports import selectors
from alongside.reports.periods import Period, default_period

router = Router(tags=["reports"])


class PeriodIn(Schema):
    start: dt.date | None = None
    end: dt.date | None = None


class PeriodOut(Schema):
    start: dt.date
    end: dt.date


class ReasonOut(Schema):
    reason: str
    count: int


class ReferralsOut(Schema):
    referred: int
    accepted: int
    declined: int
    awaiting: int
    acceptance_percent: float | None
    decline_reasons: list[ReasonOut]
    decline_reasons_hidden: int


class DistributionOut(Schema):
    title: str
    measured: int
    waiting: int
    median_days: float | None
    lower_quartile_days: float | None
    upper_quartile_days: float | None
    target_rule: str
    target_met: int | None
    target_judged: int | None
    target_percent: float | None


class TimelinessOut(Schema):
    injury_to_referral: DistributionOut
    referral_to_therapist: DistributionOut
    referral_to_mentor: DistributionOut


class EngagementOut(Schema):
    as_of: dt.date
    active: int
    by_state: dict[str, int]
    proposed_waiting: int


class MentorsOut(Schema):
    active: int
    places: int
    mentees: int
    load_percent: float | None
    full: int
    without_mentee: int
    supervision_overdue: int
    supervision_blocking: int
    checkins: int
    flagged: int
    flagged_unacknowledged: int
    mean_wellbeing: float | None


class ReturnToWorkOut(Schema):
    patients: int
    returned: int
    sustained: int
    median_days_to_return: float | None
    median_hours_before: float | None
    median_hours_now: float | None


class ScoreChangeOut(Schema):
    instrument: str
    title: str
    direction: str
    patients: int
    mean_baseline: float | None
    mean_latest: float | None
    mean_change: float | None
    improved: int
    worse: int


class DashboardOut(Schema):
    service: str
    period: PeriodOut
    pseudonymised: bool
    referrals: ReferralsOut
    timeliness: TimelinessOut
    engagement: EngagementOut
    mentors: MentorsOut
    return_to_work: ReturnToWorkOut
    questionnaires: list[ScoreChangeOut]


def _distribution(d: selectors.Distribution) -> DistributionOut:
    return DistributionOut(
        title=d.title,
        measured=d.measured,
        waiting=d.waiting,
        median_days=d.median,
        lower_quartile_days=d.lower_quartile,
        upper_quartile_days=d.upper_quartile,
        target_rule=d.target_rule,
        target_met=d.target_met,
        target_judged=d.target_judged,
        target_percent=d.target_percent,
    )


def _period(service: Service, wanted: PeriodIn) -> Period:
    fallback = default_period(service_today(service))
    try:
        return Period(wanted.start or fallback.start, wanted.end or fallback.end)
    except ValueError as error:
        problem = [{"field": "end", "message": str(error)}]
        raise ApiProblem(422, str(error), errors=problem) from error


@router.get(
    "/{slug}/dashboard",
    response=DashboardOut,
    url_name="report_dashboard",
    summary="The service dashboard's figures for a period (default: the last 365 days)",
)
def dashboard(
    request: HttpRequest,
    wanted: Query[PeriodIn],
    slug: str = Path(..., max_length=60),
) -> DashboardOut:
    service = service_for_or_404(request.user, slug, "report.view")
    period = _period(service, wanted)
    pseudonymised = not policy.can(request.user, "patient.view", service)
    figures = selectors.dashboard(service, period, pseudonymised=pseudonymised)
    referrals, mentors, rtw = figures.referrals, figures.mentors, figures.rtw
    return DashboardOut(
        service=service.slug,
        period=PeriodOut(start=period.start, end=period.end),
        pseudonymised=pseudonymised,
        referrals=ReferralsOut(
            referred=referrals.referred,
            accepted=referrals.accepted,
            declined=referrals.declined,
            awaiting=referrals.awaiting,
            acceptance_percent=referrals.acceptance_percent,
            decline_reasons=[ReasonOut(reason=r.reason, count=r.count) for r in referrals.reasons],
            decline_reasons_hidden=referrals.reasons_hidden,
        ),
        timeliness=TimelinessOut(
            injury_to_referral=_distribution(figures.timeliness.injury_to_referral),
            referral_to_therapist=_distribution(figures.timeliness.referral_to_therapist),
            referral_to_mentor=_distribution(figures.timeliness.referral_to_mentor),
        ),
        engagement=EngagementOut(
            as_of=figures.engagement.as_of,
            active=figures.engagement.active,
            by_state=dict(figures.engagement.by_state),
            proposed_waiting=figures.engagement.proposed_waiting,
        ),
        mentors=MentorsOut(
            active=mentors.active,
            places=mentors.places,
            mentees=mentors.mentees,
            load_percent=mentors.load_percent,
            full=mentors.full,
            without_mentee=mentors.without_mentee,
            supervision_overdue=mentors.supervision_overdue,
            supervision_blocking=mentors.supervision_blocking,
            checkins=mentors.checkins,
            flagged=mentors.flagged,
            flagged_unacknowledged=mentors.flagged_unacknowledged,
            mean_wellbeing=mentors.mean_wellbeing,
        ),
        return_to_work=ReturnToWorkOut(
            patients=rtw.patients,
            returned=rtw.returned,
            sustained=rtw.sustained,
            median_days_to_return=rtw.curve.median if rtw.curve else None,
            median_hours_before=rtw.median_hours_before,
            median_hours_now=rtw.median_hours_now,
        ),
        questionnaires=[
            ScoreChangeOut(
                instrument=q.instrument_id,
                title=q.title,
                direction=q.direction,
                patients=q.patients,
                mean_baseline=q.mean_baseline,
                mean_latest=q.mean_latest,
                mean_change=q.mean_change,
                improved=q.improved,
                worse=q.worse,
            )
            for q in figures.questionnaires
        ],
    )
