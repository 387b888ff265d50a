"""Reads of matches, always scoped to the person asking.

Three doors, never mixed:

- the clinical team: ``Match.objects.visible_to(user)`` (policy ``match.manage``);
- a mentor: ``mentees_visible_to(user)`` - only their own matches, only
  patients whose consent to share with a mentor is current, and only the
  minimal profile (first name, injury category, occupation major group,
  contact preferences), fetched column by column so nothing else leaves the
  database;
- a patient: ``own_matches(user)`` - their own proposals and mentor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, cast

import numpy as np
from django.core.paginator import Page
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from alongside.accounts import policy
from alongside.accounts.models import User
from alongside.accounts.policy import SYSTEM, Actor
from alongside.audit.reads import record_read
from alongside.core import NotFound
from alongside.core.codes import INJURY_CATEGORIES, classification
from alongside.core.matching import CRITERIA, assign
from alongside.core.matching.explain import CRITERION_LABELS, explain, explain_exclusion
from alongside.core.matching.rules import RULE_NAMES, first_failed_rule
from alongside.core.mentor_programme import matchability_conditions
from alongside.core.naming import tell_apart
from alongside.core.vocabulary import slot_words
from alongside.matches import profiles
from alongside.matches.models import OPEN_STATUSES, BatchPlanJob, Match, MatchQuerySet, MatchStatus
from alongside.mentors.models import Mentor, MentorStatus
from alongside.mentors.selectors import mentor_state
from alongside.organisations.models import Service
from alongside.paging import PER_PAGE, page_at
from alongside.patients.models import ContactMode, Patient, PatientQuerySet, PatientStatus
from alongside.patients.selectors import SummaryFact

# What a mentor sees of a match: after the patient agreed, until it ends.
MENTOR_VISIBLE_STATUSES = (
    MatchStatus.PATIENT_AGREED,
    MatchStatus.MENTOR_ACCEPTED,
    MatchStatus.ACTIVE,
)


def injury_words(category: str | None) -> str:
    words = INJURY_CATEGORIES.get(category or "", "")
    return words[:1].upper() + words[1:]


def occupation_group_words(scheme_id: str, code: str) -> str:
    """The major group only ("Technicians and trades workers"), never the exact job."""
    if not code:
        return ""
    try:
        scheme = classification(scheme_id)
        return scheme.title(scheme.major_group(code)) or ""
    except (ValueError, KeyError):
        return ""


def occupation_words(scheme_id: str, code: str) -> str:
    if not code:
        return ""
    try:
        return classification(scheme_id).label(code)
    except (ValueError, KeyError):
        return code


# --- Clinical team ------------------------------------------------------------------------


def matches_visible_to(user: User, action: str = "match.manage") -> MatchQuerySet:
    """The clinical team's matches; the rows fetched are audited as read for ``action``."""
    return Match.objects.visible_to(user, action).audited(user, action)


def match_for_staff_or_404(user: User, match_id: int) -> Match:
    return get_object_or_404(
        matches_visible_to(user)
        .select_related(
            "service", "patient", "mentor", "proposed_by", "patient__allocated_therapist"
        )
        .audited(user, "match.view"),
        pk=match_id,
    )


def matches_of_patient(user: User, patient: Patient) -> list[Match]:
    """The patient's matches, past and present, with their mentors (audited)."""
    return list(
        patient.matches.select_related("mentor", "proposed_by")
        .order_by("-proposed_at")
        .audited(user, "match.history")
    )


@dataclass(frozen=True)
class StaffFilters:
    status: str = ""
    needs_review: bool = False
    service_id: int | None = None


def matches_for_list(user: User, filters: StaffFilters) -> MatchQuerySet:
    qs = (
        matches_visible_to(user)
        .select_related("service", "patient", "mentor")
        .audited(user, "match.list")
    )
    if filters.service_id:
        qs = qs.filter(service_id=filters.service_id)
    if filters.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.needs_review:
        qs = qs.filter(needs_review=True)
    return qs.order_by("-proposed_at", "-pk")


def matches_needing_review(user: User) -> list[Match]:
    return list(
        matches_visible_to(user)
        .audited(user, "match.needing_review")
        .filter(needs_review=True, status__in=OPEN_STATUSES)
        .select_related("patient", "mentor")
        .order_by("proposed_at")[:50]
    )


def matches_awaiting_introduction(user: User) -> list[Match]:
    """Mentor accepted; the therapist now introduces the pair and starts the match."""
    return list(
        matches_visible_to(user)
        .audited(user, "match.awaiting_introduction")
        .filter(status=MatchStatus.MENTOR_ACCEPTED)
        .select_related("patient", "mentor")
        .order_by("mentor_responded_at")[:50]
    )


def services_for_matching(user: User) -> QuerySet[Service]:
    return Service.objects.visible_to(user, "match.manage")


def service_for_matching_or_404(user: User, slug: str, action: str = "match.manage") -> Service:
    return get_object_or_404(Service.objects.visible_to(user, action), slug=slug)


# --- Find a mentor for one patient -----------------------------------------------------------


@dataclass(frozen=True)
class CriterionRow:
    name: str
    label: str
    score: float | None
    percent: int | None
    reason: str


@dataclass(frozen=True)
class SuggestionCard:
    mentor: Mentor
    total: float
    percent: int
    criteria: list[CriterionRow]
    reasons: list[str]
    repeat: bool = False


RULE_LABELS = {
    "active": "Active",
    "paused": "Not paused",
    "wellbeing_hold": "Well-being hold",
    "training": "Training",
    "checks": "Checks",
    "supervision": "Supervision",
    "capacity": "Free place",
    "declined_before": "Matched before",
    "willing": "Willing for this injury",
    "gender": "Gender asked for",
    "language": "Language needed",
    "in_person": "Meeting in person",
}


@dataclass(frozen=True)
class ExclusionRow:
    mentor: Mentor
    rule: str
    reason: str

    @property
    def rule_label(self) -> str:
        return RULE_LABELS.get(self.rule, self.rule)


@dataclass(frozen=True)
class RuleCount:
    """How many mentors a hard rule left out, for the find page's summary."""

    rule: str
    count: int

    @property
    def rule_label(self) -> str:
        return RULE_LABELS.get(self.rule, self.rule)


SUGGESTIONS_PER_PAGE = 10


@dataclass
class FindMentor:
    patient: Patient
    suggestions: list[SuggestionCard] = field(default_factory=list)
    # The shown page of one rule's excluded mentors (empty unless a rule was asked for).
    exclusions: list[ExclusionRow] = field(default_factory=list)
    excluded_counts: list[RuleCount] = field(default_factory=list)
    excluded_rule: str = ""
    current: Match | None = None
    pool_size: int = 0
    eligible: int = 0
    # The suggestions' page, or the excluded list's when ``excluded_rule`` is set.
    page: Page | None = None

    @property
    def excluded_rule_label(self) -> str:
        return RULE_LABELS.get(self.excluded_rule, self.excluded_rule)

    @property
    def excluded_total(self) -> int:
        return sum(row.count for row in self.excluded_counts)


class _Ranked:
    """The eligible mentors best first, as a sequence a paginator can slice: a page
    ranks only as far as its last row (the Suggestion objects are not all built)."""

    def __init__(self, pool: Any, profile: Any, weights: Any, size: int) -> None:
        self._args = (pool, profile, weights)
        self._size = size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, index: Any) -> Any:
        pool, profile, weights = self._args
        if isinstance(index, slice):
            start, stop, step = index.indices(self._size)
            return pool.rank(profile, weights, stop)[start:stop:step]
        return pool.rank(profile, weights, index + 1)[index]


def _percent(score: float | None) -> int | None:
    return None if score is None else round(100 * score)


def _card(suggestion: Any, mentor: Mentor) -> SuggestionCard:
    rows = [
        CriterionRow(
            name=c.name,
            label=CRITERION_LABELS.get(c.name, c.name),
            score=c.score,
            percent=_percent(c.score),
            reason=c.reason,
        )
        for c in suggestion.criteria
    ]
    return SuggestionCard(
        mentor=mentor,
        total=suggestion.total,
        percent=_percent(suggestion.total) or 0,
        criteria=rows,
        reasons=explain(suggestion),
    )


def find_mentor(
    user: User,
    patient: Patient,
    *,
    today: dt.date,
    limit: int = 10,
    weights: Any = None,
    include_repeats: bool = False,
    paged: bool = False,
    page: Any = None,
    excluded_rule: str = "",
    with_exclusions: bool = True,
) -> FindMentor:
    """Ranked mentors for ``patient`` with the reasons, and how many each hard rule left out.

    Without ``paged`` the best ``limit`` are returned, and (``with_exclusions``) every
    excluded mentor with the reason; with it, page ``page`` of every
    mentor who passes the hard rules (``SUGGESTIONS_PER_PAGE`` a page). ``excluded_rule``
    (one of ``RULE_NAMES``): instead of the suggestions, page ``page`` of the mentors that
    rule left out, each with the reason. Only the mentors shown are fetched as rows, and
    they, the patient and the current match are audited as read by ``user``.
    ``include_repeats``: also rank mentors this patient had before (the therapist's
    override); they are marked so the page asks for the override explicitly.
    """
    service = patient.service
    pool = profiles.service_pool(service, today=today, weights=weights)
    excluded = profiles.excluded_mentor_ids([patient.pk]).get(patient.pk, frozenset())
    profile = profiles.patient_profile(
        patient,
        service=service,
        today=today,
        excluded=frozenset() if include_repeats else excluded,
    )
    failed = pool.pool.failed_rule_index(profile)
    counts = np.bincount(failed[failed >= 0], minlength=len(RULE_NAMES))
    result = FindMentor(
        patient=patient,
        pool_size=len(pool.pool),
        eligible=int((failed < 0).sum()),
        excluded_counts=[
            RuleCount(rule, int(n)) for rule, n in zip(RULE_NAMES, counts, strict=True) if n
        ],
    )
    if excluded_rule in RULE_NAMES:
        result.excluded_rule = excluded_rule
        columns = np.flatnonzero(failed == RULE_NAMES.index(excluded_rule)).tolist()
        result.page = page_at(columns, page, per_page=PER_PAGE)
        result.exclusions = _exclusion_rows(pool, profile, list(result.page))
    else:
        if paged:
            ranked = _Ranked(pool.pool, profile, pool.weights, result.eligible)
            result.page = page_at(ranked, page, per_page=SUGGESTIONS_PER_PAGE)
            suggestions = list(result.page)
        else:
            suggestions = pool.pool.rank(profile, pool.weights, limit)
            if with_exclusions:  # every excluded mentor, as the API lists them
                result.exclusions = _exclusion_rows(pool, profile, np.flatnonzero(failed >= 0))
        rows = pool.rows(s.mentor_id for s in suggestions)  # type: ignore[misc]
        for suggestion in suggestions:
            card = _card(suggestion, rows[suggestion.mentor_id])  # type: ignore[index]
            if suggestion.mentor_id in excluded:
                card = replace(card, repeat=True)
            result.suggestions.append(card)
    result.current = (
        Match.objects.filter(patient=patient, status__in=OPEN_STATUSES)
        .select_related("mentor")
        .audited(user, "match.find")
        .first()
    )
    record_read(
        user,
        "match.find",
        [patient]
        + [card.mentor for card in result.suggestions]
        + [row.mentor for row in result.exclusions],
    )
    return result


def _exclusion_rows(pool: Any, profile: Any, columns: Any) -> list[ExclusionRow]:
    """The pool's mentors at ``columns`` with the first rule each fails (rows in one query)."""
    from alongside.mentors.selectors import missing_training

    found = [first_failed_rule(profile, pool.pool.mentors[int(i)]) for i in columns]
    exclusions = sorted((e for e in found if e is not None), key=lambda e: (e.rule, e.mentor_id))
    # The engine hands back the ids it was given: the mentors' primary keys.
    ids = [cast(int, e.mentor_id) for e in exclusions]
    rows = pool.rows(ids)
    untrained = missing_training(
        pool.service.pk,
        [i for i, e in zip(ids, exclusions, strict=True) if e.rule == "training"],
        pool.today,
    )
    return [
        ExclusionRow(
            rows[i],
            e.rule,
            f"Required training not done: {', '.join(untrained[i])}."
            if untrained.get(i)
            else explain_exclusion(e),
        )
        for i, e in zip(ids, exclusions, strict=True)
    ]


def criteria_labels() -> list[tuple[str, str]]:
    return [(name, CRITERION_LABELS.get(name, name)) for name in CRITERIA]


# --- Case and mentor availability ------------------------------------------------------------

# Patients who may be proposed a mentor: accepted and still open. MATCHED
# covers a patient whose earlier match ended and who needs a new mentor.
PROPOSABLE_PATIENT_STATUSES = (
    PatientStatus.ELIGIBLE,
    PatientStatus.ACTIVE,
    PatientStatus.MATCHED,
)
# The waiting list: accepted, no mentor introduced yet, no open match.
WAITING_PATIENT_STATUSES = (PatientStatus.ELIGIBLE, PatientStatus.ACTIVE)


def case_not_matchable_reason(patient: Patient) -> str:
    """Why no mentor can be proposed for this case ("" when one can): pages ask
    here first, so they never offer a "Propose" the service would refuse."""
    if patient.status not in PROPOSABLE_PATIENT_STATUSES:
        return (
            f"{patient.full_name}'s case is “{patient.get_status_display()}”: "
            "only accepted, open cases can be matched."
        )
    hold = patient.holds.filter(ended_on__isnull=True).first()
    if hold is not None:
        return (
            f"{patient.full_name}'s case is on hold ({hold.get_reason_display().lower()}) "
            f"until it is reviewed on {hold.review_on:%d %B %Y}: release the hold to match."
        )
    return ""


def patient_shares_with_mentors(patient_id: int) -> bool:
    return Patient.objects.filter(pk=patient_id).sharing_with_mentors().exists()


def mentor_unavailable_reason(mentor: Mentor, today: dt.date) -> str:
    """Why a mentor with open matches can no longer mentor ("" when they can): the
    conditions of ``matchability`` that concern mentees already matched (not capacity;
    a well-being hold pauses new matches only), worded for the match's review note."""
    failed = matchability_conditions(
        mentor_state(mentor), today, mentor.service.supervision_grace_days
    )
    if mentor.status == MentorStatus.PAUSED:
        return f"Mentor paused: {mentor.paused_reason or 'no reason given'}"
    if failed["active"]:
        return f"Mentor is {mentor.get_status_display().lower()}"
    if failed["checks"]:
        return "Mentor's checks have expired"
    if failed["training"]:
        return "Mentor's required training has lapsed"
    if failed["supervision"]:
        return "Mentor's supervision is overdue"
    return ""


# --- Waiting list -----------------------------------------------------------------------------


def waiting_list(user: User, service: Service) -> list[Patient]:
    """The service's patients waiting for a mentor (audited as read by ``user``)."""
    patients = waiting_patients(service)
    record_read(user, "match.waiting", patients)
    return patients


# --- Batch plan ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedPair:
    patient: Patient
    mentor: Mentor
    score: float


@dataclass
class BatchPlan:
    service: Service
    pairs: list[PlannedPair] = field(default_factory=list)
    unmatched: list[Patient] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return len(self.pairs) + len(self.unmatched)


def waiting_queryset(service: Service) -> PatientQuerySet:
    """Accepted patients of ``service`` with no open match and not on hold, oldest
    referral first (``pk`` last, so pages of it keep a stable order)."""
    return (
        Patient.objects.filter(service=service, status__in=WAITING_PATIENT_STATUSES)
        .exclude(matches__status__in=OPEN_STATUSES)
        .not_on_hold()
        .order_by("date_of_referral", "pk")
    )


def waiting_patients(service: Service) -> list[Patient]:
    return list(waiting_queryset(service))


def waiting_list_for_pages(user: User, service: Service) -> QuerySet[Patient]:
    """The waiting list to page through; each page's patients are audited as read."""
    return waiting_queryset(service).audited(user, "match.waiting")


def match_batch_plan(
    *,
    actor: Actor,
    service: Service,
    today: dt.date | None = None,
    progress: Callable[[str], object] | None = None,
) -> BatchPlan:
    """Draft proposals for the whole waiting list: the most patients matched,
    then the largest total score, within every mentor's spare places. Writes nothing;
    the pairs named are audited as read by ``actor`` (``None``: the command line or the
    task worker, whose result page audits what it shows). ``progress`` hears each step."""
    tell = progress or (lambda step: None)
    if actor is not SYSTEM:
        policy.require(actor, "match.manage", service)
    today = today or timezone.localdate()
    tell("Reading the waiting list")
    patients = waiting_patients(service)
    plan = BatchPlan(service=service)
    if not patients:
        return plan
    tell(f"Reading the mentors and {len(patients)} waiting patients' profiles")
    pool = profiles.service_pool(service, today=today)
    excluded = profiles.excluded_mentor_ids(p.pk for p in patients)
    patient_profiles = [
        profiles.patient_profile(
            p, service=service, today=today, excluded=excluded.get(p.pk, frozenset())
        )
        for p in patients
    ]
    if len(pool.pool) == 0:
        plan.unmatched = patients
        return plan
    tell(f"Scoring {len(patients)} patients against {len(pool.pool)} mentors")
    scores = pool.pool.score_matrix(patient_profiles, pool.weights)
    tell("Choosing the set of pairs that matches the most patients")
    chosen = assign(scores, pool.pool.spare_capacities())
    mentor_ids = pool.pool.mentor_ids
    rows = pool.rows(mentor_ids[int(c)] for c in chosen if c >= 0)  # type: ignore[misc]
    for row, patient in enumerate(patients):
        column = int(chosen[row])
        if column < 0:
            plan.unmatched.append(patient)
            continue
        plan.pairs.append(
            PlannedPair(
                patient=patient,
                mentor=rows[mentor_ids[column]],  # type: ignore[index]
                score=float(scores[row, column]),
            )
        )
    plan.pairs.sort(key=lambda pair: (-pair.score, pair.patient.pk))
    if actor is not SYSTEM:
        # The pairs the plan names are shown to the person who asked for it.
        record_read(
            actor,
            "match.batch_plan",
            [p for pair in plan.pairs for p in (pair.patient, pair.mentor)],
        )
    return plan


def batch_plan_job_for_or_404(user: User, service: Service, job_id: int) -> BatchPlanJob:
    """A batch run the person asked for themself (another person's plan is a 404)."""
    policy.require(user, "match.manage", service)
    job = BatchPlanJob.objects.filter(service=service, requested_by=user, pk=job_id).first()
    if job is None:
        raise NotFound()
    return job


def batch_plan_of(user: User, job: BatchPlanJob) -> BatchPlan:
    """A finished run's plan with its people read again now, audited as shown to ``user``.
    Someone matched, moved or withdrawn since the run is left out; publishing checks
    the rest again."""
    patient_ids = [p for p, _, _ in job.pairs] + list(job.unmatched)
    patients = Patient.objects.filter(service=job.service, pk__in=patient_ids).in_bulk()
    mentors = Mentor.objects.filter(
        service=job.service, pk__in={m for _, m, _ in job.pairs}
    ).in_bulk()
    plan = BatchPlan(service=job.service)
    for patient_id, mentor_id, score in job.pairs:
        if patient_id in patients and mentor_id in mentors:
            plan.pairs.append(
                PlannedPair(patient=patients[patient_id], mentor=mentors[mentor_id], score=score)
            )
    plan.unmatched = [patients[p] for p in job.unmatched if p in patients]
    record_read(
        user,
        "match.batch_plan",
        [p for pair in plan.pairs for p in (pair.patient, pair.mentor)] + plan.unmatched,
    )
    return plan


# --- Mentors: their mentees, minimal profile only --------------------------------------------


@dataclass(frozen=True)
class MenteeCard:
    """Everything a mentor may know about a mentee, and nothing more."""

    match_id: int
    status: str
    status_label: str
    first_name: str
    injury_category: str
    occupation_group: str
    contact_modes: list[str]
    availability: list[str]
    mentor_first_name: str
    # The first name, told apart from another mentee of the same first name.
    label: str = ""


MENTEE_COLUMNS = (
    "pk",
    "status",
    "mentor__first_name",
    "patient__given_name",
    "patient__injury_category",
    "patient__occupation_code",
    "patient__contact_modes",
    "patient__availability",
    "service__occupation_classification",
    "proposed_at",
)


def _mentee_matches(user: User) -> MatchQuerySet:
    """The signed-in mentor's matches whose patient shares with mentors right now."""
    return Match.objects.filter(
        mentor__in=Mentor.objects.own(user),
        status__in=MENTOR_VISIBLE_STATUSES,
        patient__in=Patient.objects.sharing_with_mentors(),
    )


def _mentee_card(row: dict[str, Any]) -> MenteeCard:
    modes = {m.value: m.label for m in ContactMode}
    return MenteeCard(
        match_id=row["pk"],
        status=row["status"],
        status_label=MatchStatus(row["status"]).label,
        first_name=row["patient__given_name"],
        injury_category=injury_words(row["patient__injury_category"]),
        occupation_group=occupation_group_words(
            row["service__occupation_classification"], row["patient__occupation_code"] or ""
        ),
        contact_modes=[modes.get(m, m) for m in row["patient__contact_modes"] or []],
        availability=[slot_words(s) for s in row["patient__availability"] or []],
        mentor_first_name=row["mentor__first_name"],
        label=row["patient__given_name"],
    )


def _told_apart(cards: list[MenteeCard], rows: list[dict[str, Any]]) -> list[MenteeCard]:
    labels = tell_apart(
        [c.first_name for c in cards], [timezone.localdate(r["proposed_at"]) for r in rows]
    )
    return [replace(card, label=label) for card, label in zip(cards, labels, strict=True)]


def mentees_visible_to(user: User) -> list[MenteeCard]:
    """A mentor's mentees (one query), minimal profile only; empty for anyone else."""
    if not user.is_authenticated:
        return []
    rows = list(
        _mentee_matches(user)
        .order_by("status", "-proposed_at")
        .audited(user, "match.mentees")
        .values(*MENTEE_COLUMNS)
    )
    return _told_apart([_mentee_card(row) for row in rows], rows)


def mentee_or_404(user: User, match_id: int) -> MenteeCard:
    row = (
        _mentee_matches(user)
        .filter(pk=match_id)
        .audited(user, "match.mentee_view")
        .values(*MENTEE_COLUMNS)
        .first()
    )
    if row is None:
        raise NotFound
    # The same label as on the list: told apart from the mentor's other mentees.
    labels = {c.match_id: c.label for c in mentees_visible_to(user)}
    card = _mentee_card(row)
    return replace(card, label=labels.get(card.match_id, card.label))


def mentee_match_or_404(user: User, match_id: int) -> Match:
    """The match row itself, for the mentor's accept/decline services."""
    return get_object_or_404(
        _mentee_matches(user)
        .select_related("mentor", "patient")
        .audited(user, "match.mentee_view"),
        pk=match_id,
    )


def is_mentor(user: User) -> bool:
    return policy.can(user, "mentor.view_own")


# --- Patients: their own proposals and mentor --------------------------------------------


@dataclass(frozen=True)
class MyMentorCard:
    match: Match
    mentor_first_name: str
    story: str
    injury_category: str
    occupation: str
    contact_modes: list[str]

    @property
    def match_id(self) -> int:
        return self.match.pk

    @property
    def status(self) -> str:
        return self.match.status


def own_matches(user: User) -> MatchQuerySet:
    return Match.objects.filter(patient__in=Patient.objects.own(user))


def my_mentor_cards(user: User) -> list[MyMentorCard]:
    """The patient's open proposals and matches, with what they may know of the mentor."""
    if not user.is_authenticated:
        return []
    from alongside.mentors.models import ContactMode as MentorMode

    modes = {m.value: m.label for m in MentorMode}
    cards = []
    for match in (
        own_matches(user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("mentor", "service")
        .order_by("-proposed_at")
        .audited(user, "match.view_own")
    ):
        mentor = match.mentor
        cards.append(
            MyMentorCard(
                match=match,
                mentor_first_name=mentor.first_name,
                story=mentor.rtw_story,
                injury_category=injury_words(mentor.injury_category),
                occupation=occupation_group_words(
                    match.service.occupation_classification, mentor.occupation_code
                ),
                contact_modes=[modes.get(m, m) for m in mentor.contact_modes],
            )
        )
    return cards


def own_match_or_404(user: User, match_id: int) -> Match:
    return get_object_or_404(
        own_matches(user)
        .select_related("mentor", "patient", "service")
        .audited(user, "match.view_own"),
        pk=match_id,
    )


def mentor_for_patient_or_404(patient: Patient, mentor_id: int) -> Mentor:
    """A mentor of the (already access-checked) patient's own service, or 404."""
    return get_object_or_404(Mentor.objects.filter(service_id=patient.service_id), pk=mentor_id)


def case_summary_mentor(user: User, patient: Patient) -> list[Any]:
    """The "Peer mentor" line of a record's summary (``patients.selectors.CASE_SUMMARY_FACTS``):
    the open match and its mentor, in one audited query."""
    current = (
        patient.matches.filter(status__in=OPEN_STATUSES)
        .select_related("mentor")
        .order_by("-proposed_at")
        .audited(user, "match.history")
        .first()
    )
    if current is None:
        return [
            SummaryFact(
                order=50,
                label="Peer mentor",
                text="Not matched yet",
                url=reverse("matches:find", kwargs={"patient_id": patient.pk}),
                link_text="Find a peer mentor",
            )
        ]
    return [
        SummaryFact(
            order=50,
            label="Peer mentor",
            text=f"{current.mentor.full_name} ({current.get_status_display().lower()}"
            + ("; needs review)" if current.needs_review else ")"),
            url=reverse("matches:detail", kwargs={"match_id": current.pk}),
            link_text="The match",
            alert=current.needs_review,
        )
    ]
