"""Reads of the mentor programme, always scoped to the person asking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from alongside.accounts import policy
from alongside.accounts.models import User
from alongside.accounts.selectors import clinical_team_of
from alongside.contacts.models import Concern, ConcernKind, ConcernStatus
from alongside.core import NotFound
from alongside.core import mentor_programme as rules
from alongside.mentors.models import (
    Check,
    CheckRenewalPeriod,
    DebriefRequest,
    DebriefSource,
    ExpenseClaim,
    Mentor,
    MentorProfileChange,
    MentorQuerySet,
    MentorStatus,
    SelectionCriterion,
    SupervisionKind,
    SupervisionSession,
    TrainingModule,
    WellbeingCheckIn,
)

CHECK_WARNING_DAYS = 30  # a check expiring within this many days is listed
SUPERVISION_SOON_DAYS = 7
CURRENT = (MentorStatus.ACTIVE, MentorStatus.PAUSED)


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
        rules.Module(m.pk, m.title, m.required, m.recertify_months, m.required_from)
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


# --- Mentors ---------------------------------------------------------------------


@dataclass(frozen=True)
class MentorFilters:
    status: str = ""
    injury_category: str = ""
    capacity_left: int | None = None  # at least this many places free
    supervision: str = ""  # "due" (within a week or overdue) | "overdue"
    checks: str = ""  # "expiring" (within 30 days or expired)
    service_id: int | None = None
    q: str = ""


def mentors_for_list(user: User, filters: MentorFilters, today: dt.date) -> MentorQuerySet:
    """The staff list: every filter is an indexed column on the mentor row."""
    qs = (
        Mentor.objects.visible_to(user, "mentor.view")
        .select_related("service", "supervisor")
        .audited(user, "mentor.list")
    )
    if filters.service_id:
        qs = qs.filter(service_id=filters.service_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.injury_category:
        qs = qs.filter(injury_category=filters.injury_category)
    if filters.capacity_left is not None:
        qs = qs.with_places_free().filter(places_free__gte=filters.capacity_left)
    if filters.supervision == "overdue":
        qs = qs.filter(status__in=CURRENT, supervision_due_on__lt=today)
    elif filters.supervision == "due":
        qs = qs.filter(
            status__in=CURRENT,
            supervision_due_on__lte=today + dt.timedelta(days=SUPERVISION_SOON_DAYS),
        )
    if filters.checks == "expiring":
        qs = qs.filter(
            status__in=CURRENT,
            checks_valid_until__lte=today + dt.timedelta(days=CHECK_WARNING_DAYS),
        )
    if filters.q:
        for word in filters.q.split()[:4]:
            qs = qs.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return qs


def mentor_visible_or_404(user: User, mentor_id: int, action: str = "mentor.view") -> Mentor:
    """One mentor, audited as read for ``action`` (the mentor page, the edit form, the API)."""
    return get_object_or_404(
        Mentor.objects.visible_to(user, action)
        .select_related("service", "supervisor", "user")
        .audited(user, action),
        pk=mentor_id,
    )


def mentor_is_visible(user: User, mentor_id: int, action: str = "mentor.view") -> bool:
    """Whether ``user`` may open this mentor's page (a count: reads no record)."""
    return Mentor.objects.visible_to(user, action).filter(pk=mentor_id).exists()


def _own(user: User) -> MentorQuerySet:
    return (
        Mentor.objects.own(user)
        .select_related("service", "supervisor")
        .audited(user, "mentor.view_own")
    )


def own_mentor_records(user: User) -> list[Mentor]:
    """The signed-in mentor's own records (one per service they mentor in)."""
    return list(_own(user))


def own_mentor_or_404(user: User, mentor_id: int | None = None) -> Mentor:
    qs = _own(user)
    if mentor_id is not None:
        return get_object_or_404(qs, pk=mentor_id)
    mentor = qs.order_by("pk").first()
    if mentor is None:
        raise NotFound()
    return mentor


def mentor_is_matchable(mentor: Mentor, today: dt.date) -> rules.Matchability:
    """Same answer as ``Mentor.objects.matchable(today)``, with the reasons when not."""
    return rules.matchability(mentor_state(mentor), today, mentor.service.supervision_grace_days)


def supervisors_for(service_id: int) -> QuerySet[User]:
    """Who may supervise mentors in a service: its therapists and managers."""
    return clinical_team_of(service_id)


@dataclass
class MentorDetail:
    mentor: Mentor
    criteria: list[rules.CriterionStatus]
    criteria_table: list[tuple[rules.CriterionStatus, Any]]
    checks: list[Check]
    check_problems: list[str]
    training: list[rules.ModuleStatus]
    supervision: list[SupervisionSession]
    checkins: list[WellbeingCheckIn] | None  # None: this viewer may not see well-being
    debriefs: list[DebriefRequest] | None  # open debrief requests; None as for check-ins
    expenses: list[ExpenseClaim]
    activation_problems: list[str]
    matchability: rules.Matchability
    next_statuses: list[str]
    supervision_overdue_days: int
    profile_changes: list[MentorProfileChange]  # by the mentor themself, newest first


def mentor_detail(user: User, mentor: Mentor, today: dt.date) -> MentorDetail:
    criteria = criteria_statuses(mentor, today)
    facts = check_facts(mentor)
    can_see_wellbeing = policy.may_see_wellbeing(user, mentor)
    recorded = {r.criterion_id: r for r in mentor.criterion_results.select_related("recorded_by")}
    return MentorDetail(
        mentor=mentor,
        criteria=criteria,
        criteria_table=[(status, recorded.get(status.criterion.id)) for status in criteria],
        checks=list(mentor.checks.all()),
        check_problems=rules.check_problems(facts, today, renewal_months(mentor.service_id)),
        training=training_statuses(mentor, today),
        supervision=list(mentor.supervision_sessions.select_related("therapist")[:20]),
        checkins=(
            list(WellbeingCheckIn.objects.visible_to(user).filter(mentor=mentor)[:20])
            if can_see_wellbeing
            else None
        ),
        debriefs=(
            list(DebriefRequest.objects.filter(mentor=mentor, closed_at__isnull=True))
            if can_see_wellbeing
            else None
        ),
        expenses=list(mentor.expense_claims.all()[:20]),
        activation_problems=activation_problems(mentor, today),
        matchability=mentor_is_matchable(mentor, today),
        next_statuses=rules.next_statuses(mentor.status),
        supervision_overdue_days=rules.supervision_overdue_days(mentor.supervision_due_on, today)
        if mentor.status in CURRENT
        else 0,
        profile_changes=list(mentor.profile_changes.all()[:10]),
    )


# --- Configuration --------------------------------------------------------------


def criteria_of(service_id: int) -> QuerySet[SelectionCriterion]:
    return SelectionCriterion.objects.filter(service_id=service_id)


def modules_of(service_id: int) -> QuerySet[TrainingModule]:
    return TrainingModule.objects.filter(service_id=service_id)


def criterion_visible_or_404(user: User, criterion_id: int) -> SelectionCriterion:
    return get_object_or_404(
        SelectionCriterion.objects.visible_to(user, "mentor.configure"), pk=criterion_id
    )


def module_visible_or_404(user: User, module_id: int) -> TrainingModule:
    return get_object_or_404(
        TrainingModule.objects.visible_to(user, "mentor.configure"), pk=module_id
    )


# --- Well-being ---------------------------------------------------------------------


def checkin_visible_or_404(user: User, checkin_id: int) -> WellbeingCheckIn:
    return get_object_or_404(
        WellbeingCheckIn.objects.visible_to(user)
        .select_related("mentor", "mentor__service")
        .audited(user, "mentor.checkin_view"),
        pk=checkin_id,
    )


def flagged_checkins_for(user: User) -> list[WellbeingCheckIn]:
    """Unacknowledged flagged check-ins this person must act on: as the mentor's
    supervisor, or as a manager of the service when the mentor has none."""
    admin_services = policy.service_ids(user, "mentor.wellbeing_view")
    return list(
        WellbeingCheckIn.objects.visible_to(user)
        .audited(user, "mentor.checkins_flagged")
        .filter(flagged=True, acknowledged_at__isnull=True)
        .filter(
            Q(mentor__supervisor=user)
            | Q(mentor__supervisor__isnull=True, mentor__service_id__in=admin_services)
        )
        .exclude(mentor__user=user)
        .select_related("mentor")
        .order_by("-submitted_at")[:50]
    )


def debrief_visible_or_404(user: User, debrief_id: int) -> DebriefRequest:
    return get_object_or_404(
        DebriefRequest.objects.visible_to(user)
        .select_related("mentor", "mentor__service")
        .audited(user, "mentor.debrief_view"),
        pk=debrief_id,
    )


def debriefs_to_arrange_for(user: User) -> list[DebriefRequest]:
    """Open debrief requests this person should arrange: as the mentor's supervisor,
    or as a manager of the service when the mentor has none (as for check-in alerts)."""
    admin_services = policy.service_ids(user, "mentor.wellbeing_view")
    return list(
        DebriefRequest.objects.visible_to(user)
        .audited(user, "mentor.debriefs_open")
        .filter(closed_at__isnull=True)
        .filter(
            Q(mentor__supervisor=user)
            | Q(mentor__supervisor__isnull=True, mentor__service_id__in=admin_services)
        )
        .exclude(mentor__user=user)
        .select_related("mentor")
        .order_by("requested_at", "pk")[:50]
    )


# --- Home-page lists ---------------------------------------------------------------


def supervision_overdue_for(user: User, today: dt.date) -> list[Mentor]:
    """Current mentors this therapist supervises whose supervision is overdue."""
    return list(
        Mentor.objects.visible_to(user, "mentor.view")
        .audited(user, "mentor.supervision_overdue")
        .filter(supervisor=user, status__in=CURRENT, supervision_due_on__lt=today)
        .order_by("supervision_due_on")[:50]
    )


def checks_expiring_for(user: User, today: dt.date) -> list[Mentor]:
    """Current mentors in the person's services whose checks expire soon or have expired."""
    return list(
        Mentor.objects.visible_to(user, "mentor.view")
        .audited(user, "mentor.checks_expiring")
        .filter(
            status__in=CURRENT,
            checks_valid_until__lte=today + dt.timedelta(days=CHECK_WARNING_DAYS),
        )
        .order_by("checks_valid_until")[:50]
    )


def own_mentoring(user: User, mentor: Mentor, today: dt.date) -> dict[str, Any]:
    """Everything on the mentor's own "My mentoring" page."""
    last_checkin = mentor.checkins.order_by("-submitted_at").first()
    debriefs = list(mentor.debrief_requests.filter(closed_at__isnull=True))
    return {
        "mentor": mentor,
        "training": training_statuses(mentor, today),
        "supervision": list(mentor.supervision_sessions.all()[:10]),
        "checkins": list(mentor.checkins.all()[:10]),
        # Only whether a debrief is on its way, and when: never why (that is for the supervisor).
        "debrief_waiting": bool(debriefs),
        "debrief_booked_on": min((d.booked_on for d in debriefs if d.booked_on), default=None),
        "expenses": list(mentor.expense_claims.all()[:20]),
        "last_checkin": last_checkin,
        "checkin_due": last_checkin is None
        or (today - last_checkin.submitted_at.date()).days >= 28,
    }


# --- Expenses --------------------------------------------------------------------------


def expenses_for_staff(user: User, status: str = "") -> QuerySet[ExpenseClaim]:
    qs = (
        ExpenseClaim.objects.visible_to(user, "mentor.expense_decide")
        .filter(mentor__service_id__in=policy.service_ids(user, "mentor.expense_decide"))
        .select_related("mentor", "mentor__service", "decided_by")
        .audited(user, "mentor.expense_list")
    )
    return qs.filter(status=status) if status else qs


def expense_visible_or_404(
    user: User, claim_id: int, action: str = "mentor.expense_view"
) -> ExpenseClaim:
    return get_object_or_404(
        ExpenseClaim.objects.visible_to(user)
        .select_related("mentor", "mentor__service")
        .audited(user, action),
        pk=claim_id,
    )


def expenses_for_export(user: User) -> QuerySet[ExpenseClaim]:
    return (
        ExpenseClaim.objects.visible_to(user, "mentor.expense_export")
        .filter(mentor__service_id__in=policy.service_ids(user, "mentor.expense_export"))
        .select_related("mentor", "mentor__service", "decided_by")
        .order_by("mentor__service__name", "spent_on", "pk")
        .audited(user, "mentor.expense_export")
    )


def status_counts(user: User) -> dict[str, int]:
    rows = (
        Mentor.objects.visible_to(user, "mentor.view")
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["status"]: row["n"] for row in rows}


def mentor_labels(mentor: Mentor) -> dict[str, Any]:
    """Plain-words labels for the coded parts of a mentor's profile."""
    from alongside.core.codes import classification
    from alongside.mentors.models import ContactMode, InjuryCategory

    occupation = ""
    if mentor.occupation_code:
        try:
            occupation = classification(mentor.service.occupation_classification).label(
                mentor.occupation_code
            )
        except ValueError:
            occupation = mentor.occupation_code
    rtw_occupation = ""
    if mentor.rtw_occupation_code:
        try:
            rtw_occupation = classification(mentor.service.occupation_classification).label(
                mentor.rtw_occupation_code
            )
        except ValueError:
            rtw_occupation = mentor.rtw_occupation_code
    return {
        "occupation": occupation,
        "rtw_occupation": rtw_occupation,
        "willing": [
            InjuryCategory(c).label for c in mentor.willing_categories if c in InjuryCategory.values
        ],
        "modes": [ContactMode(m).label for m in mentor.contact_modes if m in ContactMode.values],
        "pipeline": [(s.value, s.label) for s in rules.PIPELINE],
    }


# --- What a settings change would do (shown before it is made) ----------------------


def _active_mentors(service_id: int) -> QuerySet[Mentor]:
    # Only counted, never shown: no names leave this function, so nothing is read-audited.
    return Mentor.objects.filter(service_id=service_id, status=MentorStatus.ACTIVE)


def renewal_change_impact(
    service: Any, periods: dict[str, int | None], today: dt.date
) -> tuple[int, int]:
    """(mentors it would make unmatchable today, active mentors) if the service's
    check renewal periods became ``periods`` (None: the default)."""
    from dataclasses import replace

    new = {kind: months for kind, months in periods.items() if months is not None}
    mentors = list(_active_mentors(service.pk).prefetch_related("checks"))
    pairs = [
        (
            mentor_state(m),
            replace(
                mentor_state(m), checks_valid_until=rules.checks_valid_until(check_facts(m), new)
            ),
        )
        for m in mentors
    ]
    return (
        rules.newly_unmatchable(pairs, today, service.supervision_grace_days),
        len(mentors),
    )


def training_change_impact(
    service: Any, module: rules.Module, today: dt.date, module_id: int | None = None
) -> tuple[int, int]:
    """(mentors it would make unmatchable today, active mentors) if ``module`` were
    added (``module_id`` None) or replaced the service's module ``module_id``."""
    from dataclasses import replace

    others = [m for m in training_modules(service.pk) if m.id != module_id]
    modules = [*others, module]
    mentors = list(_active_mentors(service.pk).prefetch_related("training_completions"))
    pairs = [
        (
            mentor_state(m),
            replace(
                mentor_state(m),
                training_valid_until=rules.training_valid_until(modules, training_completions(m)),
            ),
        )
        for m in mentors
    ]
    return (
        rules.newly_unmatchable(pairs, today, service.supervision_grace_days),
        len(mentors),
    )


def criterion_change_impact(
    service: Any, criterion: rules.Criterion, today: dt.date
) -> tuple[int, int]:
    """(active mentors who do not meet ``criterion`` today, active mentors). Selection
    criteria are met before a mentor becomes active; the one matchability rule does not
    re-test them, so this is the number who would need it recorded before their next
    activation, not a number it stops being matched."""
    mentors = list(_active_mentors(service.pk).prefetch_related("criterion_results"))
    unmet = 0
    for m in mentors:
        recorded = {r.criterion_id: r.met for r in m.criterion_results.all()}
        status = rules.evaluate_criteria(
            [criterion],
            recorded,
            rules.LivedExperience(m.date_of_injury, m.returned_to_work_on),
            today,
        )[0]
        if criterion.required and status.met is not True:
            unmet += 1
    return unmet, len(mentors)


def missing_training(
    service_id: int, mentor_ids: list[int], today: dt.date
) -> dict[int, list[str]]:
    """Required modules each mentor has not done (or let lapse), by title: the find page
    names them. Two queries, whatever the number of mentors."""
    from alongside.mentors.models import TrainingCompletion

    if not mentor_ids:
        return {}
    modules = training_modules(service_id)
    completions: dict[int, list[rules.Completion]] = {m: [] for m in mentor_ids}
    for mentor_id, module_id, completed_on in TrainingCompletion.objects.filter(
        mentor_id__in=mentor_ids
    ).values_list("mentor_id", "module_id", "completed_on"):
        completions[mentor_id].append(rules.Completion(module_id, completed_on))
    return {
        mentor_id: rules.missing_training(rules.training_statuses(modules, done, today))
        for mentor_id, done in completions.items()
    }
