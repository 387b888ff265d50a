"""Reading a service's figures for the dashboard, fidelity table and printable report.

Counts, sums and averages are worked out by the database (``aggregate`` with
filtered ``Count``; medians by ``OFFSET`` into the ordered values), so the cost
does not grow with a Python loop over patients. Only what needs a person's
whole timeline — time to first return to work, hours now — goes through
``alongside.core`` one person at a time, as the Kaplan–Meier estimate must.

Everything here is aggregate except ``fidelity_rows``, which names patients
and is audited for the clinical team (analysts get pseudonymous ids instead).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncDate

from alongside.core import survival
from alongside.core import targets as core_targets
from alongside.core.engagement import STATE_LABELS, EngagementState
from alongside.core.instruments import instrument
from alongside.patients.models import Patient, PatientQuerySet, PatientStatus, WorkStatus
from alongside.patients.selectors import service_today
from alongside.reports.periods import Period, zone_of

if TYPE_CHECKING:
    from alongside.core.rtw import RtwOutcome
    from alongside.organisations.models import Service

DAY = dt.timedelta(days=1)
# Instruments whose change from baseline the dashboard shows, and which way is better.
CHANGE_INSTRUMENTS = (("phq9", -1), ("gad7", -1), ("hope", 1), ("rtw_expectation", 1))
# A decline reason is shown to analysts only when at least this many referrals share it
# (the reasons are free text; a rare one could point at a person).
ANALYST_MIN_REASON = 5


# --- Small helpers -------------------------------------------------------------


def _days(expression: Any) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=DurationField())


def quantile(values: QuerySet[Any], name: str, fraction: float) -> float | None:
    """The ``fraction`` quantile of the non-null annotation ``name`` (a duration in
    days), by linear interpolation between the two nearest ranks (the median of an
    even count is the mean of the middle two, as ``statistics.median``)."""
    present = values.filter(**{f"{name}__isnull": False}).order_by(name)
    count = present.count()
    if not count:
        return None
    position = fraction * (count - 1)
    low = int(position)
    picked = list(present.values_list(name, flat=True)[low : low + 2])
    low_days = picked[0] / DAY
    if len(picked) == 1 or position == low:
        return float(low_days)
    return float(low_days + (picked[1] / DAY - low_days) * (position - low))


@dataclass(frozen=True)
class Bucket:
    label: str
    low: int  # days, included
    high: int | None  # days, included; None = no upper end
    count: int = 0
    within_target: bool = False


@dataclass(frozen=True)
class Distribution:
    """Days between two events for the referrals of a period."""

    title: str
    measured: int  # referrals for which both dates are known
    waiting: int  # referrals still waiting for the second event
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    buckets: list[Bucket]
    target_rule: str = ""
    target_met: int | None = None  # referrals that met the service's target
    target_judged: int | None = None  # referrals the target could be judged for

    @property
    def target_percent(self) -> float | None:
        if not self.target_judged or self.target_met is None:
            return None
        return round(100 * self.target_met / self.target_judged, 1)


def _distribution(
    queryset: QuerySet[Any],
    name: str,
    *,
    title: str,
    edges: list[int],
    waiting: Q,
    target_days: int | None = None,
) -> Distribution:
    counts: dict[str, Any] = {
        "measured": Count("pk", filter=Q(**{f"{name}__isnull": False})),
        "waiting": Count("pk", filter=waiting),
    }
    spec: list[tuple[str, int, int | None]] = []
    low = 0
    for high in [*edges, None]:
        label = f"{low}–{high}" if high is not None else f"{low} or more"
        spec.append((label, low, high))
        condition = Q(**{f"{name}__gte": low * DAY})
        if high is not None:
            condition &= Q(**{f"{name}__lte": high * DAY})
        counts[f"b{len(spec)}"] = Count("pk", filter=condition)
        low = (high or 0) + 1
    result = queryset.aggregate(**counts)
    buckets = [
        Bucket(
            label,
            lo,
            hi,
            result[f"b{i + 1}"],
            within_target=target_days is not None and hi is not None and hi <= target_days,
        )
        for i, (label, lo, hi) in enumerate(spec)
    ]
    return Distribution(
        title=title,
        measured=result["measured"],
        waiting=result["waiting"],
        median=quantile(queryset, name, 0.5),
        lower_quartile=quantile(queryset, name, 0.25),
        upper_quartile=quantile(queryset, name, 0.75),
        buckets=buckets,
    )


# --- Referrals -------------------------------------------------------------------


def referrals_in(service: Service, period: Period) -> QuerySet[Patient]:
    return Patient.objects.filter(
        service=service, date_of_referral__gte=period.start, date_of_referral__lte=period.end
    )


@dataclass(frozen=True)
class ReasonCount:
    reason: str
    count: int


@dataclass(frozen=True)
class Referrals:
    referred: int
    accepted: int
    declined: int
    awaiting: int
    reasons: list[ReasonCount]
    reasons_hidden: int  # declines whose reason is not shown (analysts: rare free text)

    @property
    def acceptance_percent(self) -> float | None:
        decided = self.accepted + self.declined
        return round(100 * self.accepted / decided, 1) if decided else None


def referral_figures(service: Service, period: Period, *, pseudonymised: bool) -> Referrals:
    referrals = referrals_in(service, period)
    counts = referrals.aggregate(
        referred=Count("pk"),
        accepted=Count("pk", filter=Q(accepted_on__isnull=False)),
        declined=Count("pk", filter=Q(status=PatientStatus.INELIGIBLE)),
        awaiting=Count(
            "pk", filter=Q(accepted_on__isnull=True) & ~Q(status=PatientStatus.INELIGIBLE)
        ),
    )
    grouped = (
        referrals.filter(status=PatientStatus.INELIGIBLE)
        .values("decline_reason")
        .annotate(n=Count("pk"))
        .order_by("-n", "decline_reason")
    )
    reasons: list[ReasonCount] = []
    hidden = 0
    for row in grouped:  # one row per distinct reason, not per patient
        text = row["decline_reason"].strip() or "No reason recorded"
        if pseudonymised and row["n"] < ANALYST_MIN_REASON:
            hidden += row["n"]
        else:
            reasons.append(ReasonCount(text, row["n"]))
    return Referrals(
        counts["referred"],
        counts["accepted"],
        counts["declined"],
        counts["awaiting"],
        reasons,
        hidden,
    )


# --- Timeliness --------------------------------------------------------------------


def _first_mentor_contact(service: Service) -> TruncDate:
    """The day (in the service's time zone) of each referral's first mentor contact.

    A grouped MIN over the join, not a correlated "first contact" subquery: PostgreSQL
    re-ran that subquery for every FILTER clause of the distribution's aggregate (3.5 s
    against 0.5 s for the national-scale timeliness figures, same results)."""
    return TruncDate(Min("matches__contacts__contact_at"), tzinfo=zone_of(service))


def with_intervals(queryset: QuerySet[Patient], service: Service, *names: str) -> QuerySet[Patient]:
    """Referrals annotated with the named intervals (days between the pathway's first
    events), and only those: Django computes every annotation of an aggregated queryset,
    and the first mentor contact is a subquery per referral, so a figure that does not
    need it must not pay for it (11.7 s for a national-scale dashboard when it did)."""
    intervals = {
        "injury_to_referral": lambda: _days(F("date_of_referral") - F("date_of_injury")),
        "referral_to_therapist": lambda: _days(
            F("first_therapist_contact_on") - F("date_of_referral")
        ),
        "referral_to_mentor": lambda: _days(F("first_mentor_contact_on") - F("date_of_referral")),
        "acceptance_to_introduction": lambda: _days(F("mentor_introduced_on") - F("accepted_on")),
    }
    unknown = set(names) - set(intervals)
    if unknown:
        raise ValueError(f"no interval named {', '.join(sorted(unknown))}")
    if "referral_to_mentor" in names:
        queryset = queryset.annotate(first_mentor_contact_on=_first_mentor_contact(service))
    return queryset.annotate(**{name: intervals[name]() for name in names})


def _working_day_target(days: int, today: dt.date) -> tuple[Q, Q]:
    """(met, judged) conditions for "first contact within ``days`` working days".

    The calendar days allowed depend only on the referral's weekday: seven values
    worked out once by ``core.targets.add_working_days`` (Django's ``week_day``
    runs 1 = Sunday to 7 = Saturday), so the database compares every referral
    with its own due date. *Judged* means contacted, or overdue without contact.
    """
    monday = dt.date(2024, 1, 1)
    met, judged = Q(pk__in=[]), Q(first_therapist_contact_on__isnull=False)
    for offset in range(7):
        start = monday + dt.timedelta(days=offset)
        allowed = (core_targets.add_working_days(start, days) - start).days
        weekday = Q(date_of_referral__week_day=start.isoweekday() % 7 + 1)
        met |= weekday & Q(referral_to_therapist__lte=allowed * DAY)
        judged |= weekday & Q(
            first_therapist_contact_on__isnull=True,
            date_of_referral__lt=today - dt.timedelta(days=allowed),
        )
    return met, judged


@dataclass(frozen=True)
class Timeliness:
    injury_to_referral: Distribution
    referral_to_therapist: Distribution
    referral_to_mentor: Distribution


def timeliness(service: Service, period: Period) -> Timeliness:
    referrals = referrals_in(service, period)
    not_declined = ~Q(status=PatientStatus.INELIGIBLE)
    injury = _distribution(
        with_intervals(referrals, service, "injury_to_referral"),
        "injury_to_referral",
        title="Days from injury to referral",
        edges=[7, 14, 28, 56, 84],
        waiting=Q(pk__in=[]),
    )
    therapist_days = service.first_therapist_contact_days
    to_therapist = with_intervals(referrals, service, "referral_to_therapist")
    therapist = _distribution(
        to_therapist,
        "referral_to_therapist",
        title="Days from referral to first therapist contact",
        edges=[2, 5, 10, 20],
        waiting=Q(first_therapist_contact_on__isnull=True) & not_declined,
    )
    today = service_today(service)
    met, judged = _working_day_target(therapist_days, today)
    therapist_target = to_therapist.filter(not_declined).aggregate(
        met=Count("pk", filter=met), judged=Count("pk", filter=judged)
    )
    mentor_days = service.mentor_introduced_days
    mentor = _distribution(
        with_intervals(referrals, service, "referral_to_mentor"),
        "referral_to_mentor",
        title="Days from referral to first mentor contact",
        edges=[14, 28, 42, 56, 84],
        waiting=Q(accepted_on__isnull=False, first_mentor_contact_on__isnull=True),
    )
    introduced = with_intervals(referrals, service, "acceptance_to_introduction")
    mentor_target = introduced.filter(accepted_on__isnull=False).aggregate(
        met=Count("pk", filter=Q(acceptance_to_introduction__lte=mentor_days * DAY)),
        judged=Count(
            "pk",
            filter=Q(mentor_introduced_on__isnull=False)
            | Q(accepted_on__lt=today - mentor_days * DAY),
        ),
    )
    return Timeliness(
        injury,
        _with_target(
            therapist,
            f"first therapist contact within {therapist_days} working days of referral",
            therapist_target,
        ),
        _with_target(
            mentor, f"mentor introduced within {mentor_days} days of acceptance", mentor_target
        ),
    )


def _with_target(distribution: Distribution, rule: str, counts: dict[str, int]) -> Distribution:
    from dataclasses import replace

    return replace(
        distribution, target_rule=rule, target_met=counts["met"], target_judged=counts["judged"]
    )


# --- Matches and engagement ------------------------------------------------------------


@dataclass(frozen=True)
class Engagement:
    as_of: dt.date
    active: int
    by_state: dict[str, int]  # EngagementState value -> matches
    proposed_waiting: int  # open matches not yet active (proposed, agreed, accepted)

    def rows(self) -> list[tuple[str, str, int]]:
        return [
            (state.value, STATE_LABELS[state], self.by_state[state.value])
            for state in EngagementState
        ]


def engagement_figures(service: Service, as_of: dt.date) -> Engagement:
    """Matches active on ``as_of`` and their engagement state that day (docs/contacts.md)."""
    from alongside.contacts.models import Contact, EngagementSettings
    from alongside.matches.models import Match, MatchStatus
    from alongside.reports.periods import Period as _Period

    settings = EngagementSettings.objects.filter(service=service).first()
    check_in = settings.check_in_after_days if settings else 14
    quiet = settings.quiet_after_days if settings else 21
    _, day_end = _Period(as_of, as_of).bounds(service.time_zone)

    def local_midnight(day: dt.date) -> dt.datetime:
        return _Period(day, day).bounds(service.time_zone)[0]

    started = Q(started_at__isnull=False, started_at__lt=day_end)
    running = started & (
        Q(status=MatchStatus.ACTIVE) | Q(status=MatchStatus.ENDED, ended_at__gte=day_end)
    )
    active = Match.objects.filter(running, service=service).annotate(
        last_contact_at=Subquery(
            Contact.objects.filter(match=OuterRef("pk"), contact_at__lt=day_end)
            .order_by("-contact_at")
            .values("contact_at")[:1]
        )
    )
    # A last contact on or before (as_of - N days) in the service's calendar.
    quiet_before = local_midnight(as_of - dt.timedelta(days=quiet - 1))
    check_in_before = local_midnight(as_of - dt.timedelta(days=check_in - 1))
    counts = active.aggregate(
        active=Count("pk"),
        not_started=Count("pk", filter=Q(last_contact_at__isnull=True)),
        quiet=Count("pk", filter=Q(last_contact_at__lt=quiet_before)),
        needs_check_in=Count(
            "pk", filter=Q(last_contact_at__gte=quiet_before, last_contact_at__lt=check_in_before)
        ),
        on_track=Count("pk", filter=Q(last_contact_at__gte=check_in_before)),
    )
    waiting = Match.objects.filter(
        service=service,
        status__in=[MatchStatus.PROPOSED, MatchStatus.PATIENT_AGREED, MatchStatus.MENTOR_ACCEPTED],
    ).count()
    return Engagement(
        as_of,
        counts.pop("active"),
        {state.value: counts[state.value] for state in EngagementState},
        waiting,
    )


# --- Mentors ------------------------------------------------------------------------


@dataclass(frozen=True)
class Mentors:
    active: int
    places: int
    mentees: int
    full: int
    without_mentee: int
    load: list[tuple[int, int]]  # (mentees, mentors with that many)
    supervision_overdue: int
    supervision_blocking: int  # overdue by more than the grace period (no new matches)
    checkins: int
    flagged: int
    flagged_unacknowledged: int
    mean_wellbeing: float | None

    @property
    def load_percent(self) -> float | None:
        return round(100 * self.mentees / self.places, 1) if self.places else None


def mentor_figures(service: Service, period: Period, today: dt.date) -> Mentors:
    """Capacity and load today (capacity is not kept over time); check-ins in the period."""
    from alongside.mentors.models import Mentor, MentorStatus, WellbeingCheckIn

    active = Mentor.objects.filter(service=service, status=MentorStatus.ACTIVE)
    counts = active.aggregate(
        active=Count("pk"),
        places=Sum("capacity"),
        mentees=Sum("mentee_count"),
        full=Count("pk", filter=Q(mentee_count__gte=F("capacity"))),
        without=Count("pk", filter=Q(mentee_count=0)),
    )
    load = list(active.values_list("mentee_count").annotate(n=Count("pk")).order_by("mentee_count"))
    current = Mentor.objects.filter(
        service=service, status__in=[MentorStatus.ACTIVE, MentorStatus.PAUSED]
    )
    grace = dt.timedelta(days=service.supervision_grace_days)
    supervision = current.aggregate(
        overdue=Count("pk", filter=Q(supervision_due_on__lt=today)),
        blocking=Count("pk", filter=Q(supervision_due_on__lt=today - grace)),
    )
    start, end = period.bounds(service.time_zone)
    checkins = WellbeingCheckIn.objects.filter(
        mentor__service=service, submitted_at__gte=start, submitted_at__lt=end
    ).aggregate(
        n=Count("pk"),
        n_flagged=Count("pk", filter=Q(flagged=True)),
        n_open=Count("pk", filter=Q(flagged=True, acknowledged_at__isnull=True)),
        mean=Avg("score", output_field=FloatField()),
    )
    return Mentors(
        counts["active"],
        counts["places"] or 0,
        counts["mentees"] or 0,
        counts["full"],
        counts["without"],
        [(int(mentees), int(n)) for mentees, n in load],
        supervision["overdue"],
        supervision["blocking"],
        checkins["n"],
        checkins["n_flagged"],
        checkins["n_open"],
        round(checkins["mean"], 2) if checkins["mean"] is not None else None,
    )


# --- Outcomes -----------------------------------------------------------------------


def accepted_in(service: Service, period: Period) -> PatientQuerySet:
    return Patient.objects.filter(
        service=service, accepted_on__gte=period.start, accepted_on__lte=period.end
    )


@dataclass(frozen=True)
class HoursBand:
    label: str
    count: int


@dataclass(frozen=True)
class ReturnToWork:
    patients: int
    returned: int
    sustained: int
    curve: survival.SurvivalCurve | None
    with_hours: int  # back at work with hours known before and now
    median_hours_now: float | None
    median_hours_before: float | None
    hours_bands: list[HoursBand] = field(default_factory=list)


HOURS_BANDS = (
    ("Under half", 0.0, 0.5),
    ("Half to under 80 %", 0.5, 0.8),
    ("80 % to under 100 %", 0.8, 1.0),
    ("As many or more", 1.0, float("inf")),
)


@dataclass(frozen=True)
class _PatientRow:
    """The four fields of a patient ``outcomes.selectors.rtw_outcome_of`` reads."""

    service: Any
    date_of_injury: dt.date
    discharged_on: dt.date | None
    hours_per_week: Any


@dataclass(frozen=True)
class _StatusRow:
    from_date: dt.date
    status: str
    hours_per_week: Any


def rtw_outcomes(service: Service, period: Period) -> list[RtwOutcome]:
    """Each accepted patient's return-to-work outcome (the cohort accepted in the period).

    Three queries whatever the size: the settings, the patients and their work
    statuses. They are read as plain value rows, not model instances: building ~10,000
    Django objects was two thirds of the time of the national-scale figures (the SQL
    itself ~0.3 s). Each outcome is still worked out by the one rule,
    ``outcomes.selectors.rtw_outcome_of``, given just the fields it reads.
    """
    from alongside.outcomes.selectors import outcome_settings_of, rtw_outcome_of

    settings = outcome_settings_of(service)  # once, not once a patient
    cohort = accepted_in(service, period)
    patients = list(
        cohort.order_by("pk").values_list("pk", "date_of_injury", "discharged_on", "hours_per_week")
    )
    statuses: dict[int, list[_StatusRow]] = {pk: [] for pk, *_ in patients}
    rows = WorkStatus.objects.filter(patient__in=cohort.values("pk")).order_by()
    if not patients:
        rows = rows.none()  # no query for an empty cohort
    for patient_id, from_date, status, hours in rows.values_list(
        "patient_id", "from_date", "status", "hours_per_week"
    ):
        statuses[patient_id].append(_StatusRow(from_date, status, hours))
    return [
        rtw_outcome_of(
            _PatientRow(service, injured, discharged, hours),  # type: ignore[arg-type]
            statuses[pk],  # type: ignore[arg-type]
            settings,
        )
        for pk, injured, discharged, hours in patients
    ]


def return_to_work(service: Service, period: Period) -> ReturnToWork:
    import statistics

    outcomes = rtw_outcomes(service, period)
    curve = (
        survival.kaplan_meier_curve(
            [o.follow_up_days for o in outcomes], [o.returned for o in outcomes]
        )
        if outcomes
        else None
    )
    working = [o for o in outcomes if o.returned and o.hours_fraction is not None]
    bands = [
        HoursBand(label, sum(low <= o.hours_fraction < high for o in working))  # type: ignore[operator]
        for label, low, high in HOURS_BANDS
    ]
    return ReturnToWork(
        patients=len(outcomes),
        returned=sum(o.returned for o in outcomes),
        sustained=sum(o.sustained_rtw_on is not None for o in outcomes),
        curve=curve,
        with_hours=len(working),
        median_hours_now=statistics.median([o.hours_now for o in working]) if working else None,  # type: ignore[type-var]
        median_hours_before=(
            statistics.median([o.pre_injury_hours for o in working]) if working else None  # type: ignore[type-var]
        ),
        hours_bands=bands,
    )


@dataclass(frozen=True)
class ScoreChange:
    instrument_id: str
    title: str
    better: int  # +1: higher is better, -1: lower is better
    patients: int  # with a baseline and a later valid total
    mean_baseline: float | None
    mean_latest: float | None
    mean_change: float | None
    improved: int
    worse: int

    @property
    def direction(self) -> str:
        return "higher is better" if self.better > 0 else "lower is better"


def questionnaire_change(service: Service, period: Period) -> list[ScoreChange]:
    """Change from each patient's first valid total to their latest, per instrument."""
    from alongside.outcomes.models import QuestionnaireResponse

    changes = []
    for instrument_id, better in CHANGE_INSTRUMENTS:
        scored = QuestionnaireResponse.objects.filter(
            patient=OuterRef("pk"),
            instrument_id=instrument_id,
            is_current=True,
            total__isnull=False,
        )
        cohort = (
            accepted_in(service, period)
            .annotate(
                baseline=Subquery(scored.order_by("completed_on", "pk").values("total")[:1]),
                latest=Subquery(scored.order_by("-completed_on", "-pk").values("total")[:1]),
                answered=Subquery(
                    scored.order_by().values("patient").annotate(n=Count("pk")).values("n"),
                    output_field=IntegerField(),
                ),
            )
            .filter(answered__gte=2)
            .annotate(change=ExpressionWrapper(F("latest") - F("baseline"), FloatField()))
        )
        figures = cohort.aggregate(
            n=Count("pk"),
            avg_baseline=Avg("baseline"),
            avg_latest=Avg("latest"),
            avg_change=Avg("change"),
            up=Count("pk", filter=Q(change__gt=0)),
            down=Count("pk", filter=Q(change__lt=0)),
        )
        improved, worse = (figures["up"], figures["down"])
        if better < 0:
            improved, worse = worse, improved
        changes.append(
            ScoreChange(
                instrument_id,
                instrument(instrument_id).short_title,
                better,
                figures["n"],
                _round(figures["avg_baseline"]),
                _round(figures["avg_latest"]),
                _round(figures["avg_change"]),
                improved,
                worse,
            )
        )
    return changes


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


# --- The whole dashboard --------------------------------------------------------------


class Dashboard:
    """One service and period. Each section is worked out when first read, so a chart
    request computes only its own section while the page reads them all."""

    def __init__(self, service: Service, period: Period, *, pseudonymised: bool) -> None:
        self.service = service
        self.period = period
        self.pseudonymised = pseudonymised
        self.today = service_today(service)
        self.as_of = min(period.end, self.today)

    @property
    def label(self) -> str:
        return f"{self.service.name}, {self.period.label}"

    @cached_property
    def _version(self) -> str:
        from alongside.reports import dashboard_cache

        return dashboard_cache.version(self.service)

    def _cached(self, section: str, compute: Any) -> Any:
        """A section from the cache, keyed by the service's data generation, the
        period, today (targets and "active today" move with the calendar) and whether
        the reader is an analyst (rare decline reasons are hidden from them)."""
        from alongside.reports import dashboard_cache

        cache_key = dashboard_cache.key(
            self.service,
            self._version,
            self.period.start,
            self.period.end,
            self.today,
            int(self.pseudonymised) if section == "referrals" else "-",
            section,
        )
        return dashboard_cache.get_or_compute(cache_key, compute)

    @cached_property
    def referrals(self) -> Referrals:
        return self._cached(
            "referrals",
            lambda: referral_figures(self.service, self.period, pseudonymised=self.pseudonymised),
        )

    @cached_property
    def timeliness(self) -> Timeliness:
        return self._cached("timeliness", lambda: timeliness(self.service, self.period))

    @cached_property
    def engagement(self) -> Engagement:
        return self._cached("engagement", lambda: engagement_figures(self.service, self.as_of))

    @cached_property
    def mentors(self) -> Mentors:
        return self._cached(
            "mentors", lambda: mentor_figures(self.service, self.period, self.today)
        )

    @cached_property
    def rtw(self) -> ReturnToWork:
        return self._cached("rtw", lambda: return_to_work(self.service, self.period))

    @cached_property
    def questionnaires(self) -> list[ScoreChange]:
        return self._cached(
            "questionnaires", lambda: questionnaire_change(self.service, self.period)
        )


def dashboard(service: Service, period: Period, *, pseudonymised: bool) -> Dashboard:
    return Dashboard(service, period, pseudonymised=pseudonymised)


# --- Fidelity ---------------------------------------------------------------------


@dataclass(frozen=True)
class FidelityRow:
    patient_id: int | None  # None for analysts: no link to the case
    who: str  # the patient's name, or their pseudonymous id for analysts
    injury: str
    status: str
    delivered: list[bool]

    @property
    def count(self) -> int:
        return sum(self.delivered)


@dataclass(frozen=True)
class FidelityTable:
    period: Period
    summary: Any
    patients: list[FidelityRow]
    pseudonymised: bool

    @property
    def headers(self) -> list[str]:
        from alongside.reports.fidelity import COMPONENTS

        who = "Pseudonymous id" if self.pseudonymised else "Patient"
        return [who, "Injury", "Status", *[c.label for c in COMPONENTS], "Components delivered"]

    @property
    def rows(self) -> list[list[Any]]:
        return [
            [r.who, r.injury, r.status, *["yes" if d else "no" for d in r.delivered], r.count]
            for r in self.patients
        ]


def fidelity_table(
    user: Any, service: Service, period: Period, *, pseudonymised: bool
) -> FidelityTable:
    """Fidelity of the patients accepted in the period: one row each, and the totals.

    The clinical team's rows name patients (an audited read); analysts get the
    service's pseudonymous ids, the same as in the research export.
    """
    from alongside.reports import fidelity
    from alongside.reports.pseudonyms import Pseudonymiser

    cohort = accepted_in(service, period)
    summary = fidelity.summary(cohort)
    annotated = fidelity.with_components(cohort).order_by("accepted_on", "pk")
    if pseudonymised:
        pseudonyms = Pseudonymiser(service)
        rows = [
            FidelityRow(
                None,
                pseudonyms.id("patient", p.pk),
                p.get_injury_category_display(),
                p.get_status_display(),
                fidelity.delivered(p),
            )
            for p in annotated.only("pk", "injury_category", "status", "accepted_on")
        ]
    else:
        rows = [
            FidelityRow(
                p.pk,
                p.full_name,
                p.get_injury_category_display(),
                p.get_status_display(),
                fidelity.delivered(p),
            )
            for p in annotated.audited(user, "report.fidelity")
        ]
    return FidelityTable(period, summary, rows, pseudonymised)


def export_job_or_404(user: Any, job_id: int) -> Any:
    """One of the caller's own exports (nobody else's, whatever their role)."""
    from django.shortcuts import get_object_or_404

    from alongside.reports.models import ExportJob

    return get_object_or_404(ExportJob.objects.mine(user), pk=job_id)


def rollup_job_or_404(user: Any, job_id: int) -> Any:
    """One of the caller's own roll-ups."""
    from django.shortcuts import get_object_or_404

    from alongside.reports.models import ExportJob

    return get_object_or_404(ExportJob.objects.mine(user).filter(kind="rollup"), pk=job_id)


def recent_rollups(user: Any) -> list[Any]:
    from alongside.reports.models import ExportJob

    return list(ExportJob.objects.mine(user).filter(kind="rollup").defer("content")[:5])


def recent_jobs(user: Any, service: Service) -> list[Any]:
    from alongside.reports.models import ExportJob

    return list(
        ExportJob.objects.mine(user).filter(service=service).defer("content").order_by("-pk")[:5]
    )


def fhir_patient_or_404(user: Any, patient_id: int) -> Patient:
    """One patient with everything their FHIR bundle holds; an audited read."""
    from django.shortcuts import get_object_or_404

    from alongside.patients.selectors import patients_visible_to
    from alongside.reports import fhir

    queryset = fhir.patients_for_fhir(
        patients_visible_to(user, "patient.view").audited(user, "fhir.export")
    )
    return get_object_or_404(queryset, pk=patient_id)
