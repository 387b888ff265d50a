"""Rules of the peer-mentor programme: pipeline, selection, checks, training, supervision.

Pure functions over small dataclasses, no Django: the mentors app turns its
rows into these and stores what they return. Everything that takes "today"
takes it as an argument, so the rules are tested without a clock.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Re-exported (`X as X`): the rules' names for the slots and the kinds of check.
from alongside.core import FieldProblem
from alongside.core.vocabulary import AVAILABILITY_SLOTS as AVAILABILITY_SLOTS
from alongside.core.vocabulary import CheckKind as CheckKind
from alongside.core.vocabulary import ContactMode, InjuryCategory, MentorStatus, slot_words

MAX_CAPACITY = 20
LOW_WELLBEING_SCORE = 2  # a check-in scoring this or less alerts the supervisor
# "Valid until" for a check or module that never expires.
NEVER = dt.date.max

# --- The selection pipeline --------------------------------------------------

# Forward one step at a time; any applicant may be declined before they are
# active; an active mentor pauses and resumes, and finally retires.
TRANSITIONS: dict[str, frozenset[str]] = {
    MentorStatus.ENQUIRY: frozenset({MentorStatus.SCREENING, MentorStatus.DECLINED}),
    MentorStatus.SCREENING: frozenset({MentorStatus.CHECKS, MentorStatus.DECLINED}),
    MentorStatus.CHECKS: frozenset({MentorStatus.TRAINING, MentorStatus.DECLINED}),
    MentorStatus.TRAINING: frozenset({MentorStatus.ACTIVE, MentorStatus.DECLINED}),
    MentorStatus.ACTIVE: frozenset({MentorStatus.PAUSED, MentorStatus.RETIRED}),
    MentorStatus.PAUSED: frozenset({MentorStatus.ACTIVE, MentorStatus.RETIRED}),
    MentorStatus.RETIRED: frozenset(),
    MentorStatus.DECLINED: frozenset(),
}
PIPELINE = (
    MentorStatus.ENQUIRY,
    MentorStatus.SCREENING,
    MentorStatus.CHECKS,
    MentorStatus.TRAINING,
    MentorStatus.ACTIVE,
)


class ProgrammeRuleError(ValueError):
    """A request the programme's rules refuse; ``problems`` lists every reason."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


def next_statuses(current: str) -> list[str]:
    """Where a mentor in ``current`` may go next, in pipeline order."""
    return [s.value for s in MentorStatus if s in TRANSITIONS[current]]


def _status_words(status: str) -> str:
    return MentorStatus(status).label.lower() if status in MentorStatus.values else status


def require_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS:
        raise ProgrammeRuleError(f"{target!r} is not a mentor status")
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(_status_words(s) for s in next_statuses(current)) or "nowhere"
        raise ProgrammeRuleError(
            f"A mentor cannot go from {_status_words(current)} to "
            f"{_status_words(target)}; from here they can go to: {allowed}."
        )


# --- Dates -------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months_between(start: dt.date, end: dt.date) -> int:
    """Completed months from ``start`` to ``end`` (0 if end is before start)."""
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return months


def age_band(birth_year: int | None, today: dt.date) -> str:
    """Ten-year band such as "30–39"; "" when unknown."""
    if not birth_year:
        return ""
    age = today.year - birth_year
    low = (age // 10) * 10
    return f"{low}–{low + 9}"


# --- Input rules (each raises ValueError naming the problem) -----------------

# The vocabularies' values, as ``validate_choices`` takes them.
CONTACT_MODES = tuple(ContactMode.values)
INJURY_CATEGORIES = tuple(InjuryCategory.values)


def validate_capacity(capacity: int) -> int:
    if (
        isinstance(capacity, bool)
        or not isinstance(capacity, int)
        or not 0 <= capacity <= MAX_CAPACITY
    ):
        raise ValueError(f"Capacity must be a whole number from 0 to {MAX_CAPACITY}.")
    return capacity


def validate_date_of_injury(day: dt.date | None, today: dt.date) -> dt.date | None:
    if day is not None and day > today:
        raise ValueError("The date of injury cannot be in the future.")
    return day


def validate_returned_to_work_on(
    day: dt.date | None, date_of_injury: dt.date | None, today: dt.date
) -> dt.date | None:
    if day is None:
        return None
    if day > today:
        raise ValueError("The return-to-work date cannot be in the future.")
    if date_of_injury is not None and day < date_of_injury:
        raise ValueError("The return-to-work date cannot be before the date of injury.")
    return day


def validate_check_dates(issued_on: dt.date, expires_on: dt.date | None, today: dt.date) -> None:
    """FieldProblem naming ``issued_on`` or ``expires_on``."""
    if issued_on > today:
        raise FieldProblem("issued_on", "The issue date cannot be in the future.")
    if expires_on is not None and expires_on < issued_on:
        raise FieldProblem("expires_on", "The expiry date cannot be before the issue date.")


def validate_choices(values: Iterable[str], allowed: Sequence[str], what: str) -> list[str]:
    """Keep order, drop duplicates, refuse anything unknown."""
    chosen: list[str] = []
    for value in values:
        if value not in allowed:
            raise ValueError(f"{value!r} is not a known {what}.")
        if value not in chosen:
            chosen.append(value)
    return chosen


# --- Selection criteria --------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    id: int
    name: str
    required: bool
    kind: str = "recorded"  # recorded | months_since_injury | returned_to_work
    min_months: int | None = None


@dataclass(frozen=True)
class LivedExperience:
    date_of_injury: dt.date | None
    returned_to_work_on: dt.date | None


@dataclass(frozen=True)
class CriterionStatus:
    criterion: Criterion
    met: bool | None  # None: not yet recorded
    explanation: str


def evaluate_criteria(
    criteria: Sequence[Criterion],
    recorded: dict[int, bool],
    facts: LivedExperience,
    today: dt.date,
) -> list[CriterionStatus]:
    """Each criterion's state: automatic kinds are worked out from the facts."""
    statuses = []
    for criterion in criteria:
        if criterion.kind == "months_since_injury":
            wanted = criterion.min_months or 0
            if facts.date_of_injury is None:
                statuses.append(CriterionStatus(criterion, None, "Date of injury not recorded"))
                continue
            months = whole_months_between(facts.date_of_injury, today)
            statuses.append(
                CriterionStatus(
                    criterion, months >= wanted, f"{months} months since injury (needs {wanted})"
                )
            )
        elif criterion.kind == "returned_to_work":
            back = facts.returned_to_work_on
            statuses.append(
                CriterionStatus(
                    criterion,
                    back is not None,
                    f"Returned on {back:%d %b %Y}"
                    if back
                    else "No return to work or study recorded",
                )
            )
        else:
            met = recorded.get(criterion.id)
            text = {True: "Met", False: "Not met", None: "Not recorded yet"}[met]
            statuses.append(CriterionStatus(criterion, met, text))
    return statuses


CODE_OF_CONDUCT = "Signed code of conduct and confidentiality agreement"
# What a new service asks of its mentors until its manager changes it:
# (name, kind, min_months, required).
DEFAULT_CRITERIA: tuple[tuple[str, str, int | None, bool], ...] = (
    ("At least 12 months since injury", "months_since_injury", 12, True),
    ("Has returned to work or study", "returned_to_work", None, True),
    ("Interview done", "recorded", None, True),
    ("Two references received", "recorded", None, True),
    ("Police / background check clear", "recorded", None, True),
    (CODE_OF_CONDUCT, "recorded", None, True),
)


def criteria_problems(statuses: Sequence[CriterionStatus]) -> list[str]:
    return [
        f"Selection criterion not met: {s.criterion.name} ({s.explanation.lower()})"
        for s in statuses
        if s.criterion.required and s.met is not True
    ]


# --- Checks ----------------------------------------------------------------------


# A check with no expiry date is re-checked at the service's period for its kind;
# these apply where the service has set none. "No expiry typed" is never "valid for ever".
DEFAULT_RENEWAL_MONTHS: dict[str, int] = {
    "background": 36,
    "reference": 36,
    "wwvp": 60,
    "certification": 12,
}
RENEWAL_NOTICE_DAYS = 30


@dataclass(frozen=True)
class CheckFact:
    kind: str
    issued_on: dt.date
    expires_on: dt.date | None
    outcome: str  # clear | pending | not_clear
    # Who or what the check is from: two references from two referees are two records.
    reference: str = ""


def check_valid_until(check: CheckFact, renewal_months: dict[str, int] | None = None) -> dt.date:
    """The typed expiry, else the issue date plus the service's renewal period for the kind."""
    if check.expires_on is not None:
        return check.expires_on
    periods = {**DEFAULT_RENEWAL_MONTHS, **(renewal_months or {})}
    months = periods.get(check.kind, min(DEFAULT_RENEWAL_MONTHS.values()))
    return add_months(check.issued_on, months) - dt.timedelta(days=1)


def current_checks(checks: Iterable[CheckFact]) -> dict[str, CheckFact]:
    """The latest check of each kind: a renewal replaces the one before.

    References are the exception: each reference is its own record (a newer
    one from the *same* named referee replaces theirs), so two references stay
    two. Their keys start ``reference:``.
    """
    latest: dict[str, CheckFact] = {}
    for number, check in enumerate(checks):
        key = check.kind
        if check.kind == "reference":
            who = check.reference.strip().casefold()
            key = f"reference:{who}" if who else f"reference:#{number}"
        held = latest.get(key)
        if held is None or check.issued_on >= held.issued_on:
            latest[key] = check
    return latest


def checks_valid_until(
    checks: Iterable[CheckFact], renewal_months: dict[str, int] | None = None
) -> dt.date | None:
    """Last day the mentor's checks are all valid; None when they are not valid at all.

    Valid means: a clear background check on record, and the latest check of
    every kind recorded is clear. The date is the earliest expiry among them,
    a check without an expiry date lasting the service's renewal period.
    """
    latest = current_checks(checks)
    background = latest.get("background")
    if background is None or any(c.outcome != "clear" for c in latest.values()):
        return None
    return min(check_valid_until(c, renewal_months) for c in latest.values())


def check_problems(
    checks: Iterable[CheckFact], today: dt.date, renewal_months: dict[str, int] | None = None
) -> list[str]:
    latest = current_checks(checks)
    problems = []
    if "background" not in latest:
        problems.append("No police / background check recorded")
    for _key, check in sorted(latest.items()):
        label = (
            CheckKind(check.kind).label.lower() if check.kind in CheckKind.values else check.kind
        )
        if check.kind == "reference" and check.reference.strip():
            label = f"reference from {check.reference.strip()}"
        until = check_valid_until(check, renewal_months)
        if check.outcome == "pending":
            problems.append(f"The {label} is still pending")
        elif check.outcome != "clear":
            problems.append(f"The {label} is not clear")
        elif until < today:
            verb = "expired" if check.expires_on is not None else "was due for renewal"
            problems.append(f"The {label} {verb} on {until:%d %b %Y}")
    return problems


def checks_expiring(
    checks: Iterable[CheckFact],
    today: dt.date,
    within_days: int = RENEWAL_NOTICE_DAYS,
    renewal_months: dict[str, int] | None = None,
) -> list[CheckFact]:
    """Current checks that are still valid but expire (or fall due for renewal) soon."""
    horizon = today + dt.timedelta(days=within_days)
    return [
        c
        for c in current_checks(checks).values()
        if today <= check_valid_until(c, renewal_months) <= horizon
    ]


# --- Training ----------------------------------------------------------------------


@dataclass(frozen=True)
class Module:
    id: int
    title: str
    required: bool
    recertify_months: int | None = None
    # "Required for new matches from": a module added to an established programme gives
    # mentors until this day to complete it; None means required at once.
    required_from: dt.date | None = None


@dataclass(frozen=True)
class Completion:
    module_id: int
    completed_on: dt.date


def module_valid_until(module: Module, completed_on: dt.date) -> dt.date:
    if not module.recertify_months:
        return NEVER
    return add_months(completed_on, module.recertify_months) - dt.timedelta(days=1)


def _latest_completions(completions: Iterable[Completion]) -> dict[int, dt.date]:
    latest: dict[int, dt.date] = {}
    for c in completions:
        if c.module_id not in latest or c.completed_on > latest[c.module_id]:
            latest[c.module_id] = c.completed_on
    return latest


def training_valid_until(
    modules: Iterable[Module], completions: Iterable[Completion]
) -> dt.date | None:
    """Last day every required module is in date; None when one was never completed."""
    latest = _latest_completions(completions)
    until = NEVER
    for module in modules:
        if not module.required:
            continue
        done = latest.get(module.id)
        if done is None:
            if module.required_from is None:
                return None
            until = min(until, module.required_from - dt.timedelta(days=1))
            continue
        until = min(until, module_valid_until(module, done))
    return until


@dataclass(frozen=True)
class ModuleStatus:
    module: Module
    completed_on: dt.date | None
    valid_until: dt.date | None
    state: str  # done | lapsed | missing | optional | upcoming (required from a later day)


def training_statuses(
    modules: Sequence[Module], completions: Iterable[Completion], today: dt.date
) -> list[ModuleStatus]:
    latest = _latest_completions(completions)
    out = []
    for module in modules:
        done = latest.get(module.id)
        until = module_valid_until(module, done) if done else None
        if done is None:
            if not module.required:
                state = "optional"
            elif module.required_from is not None and module.required_from > today:
                state = "upcoming"
            else:
                state = "missing"
        elif until is not None and until < today:
            state = "lapsed"
        else:
            state = "done"
        out.append(ModuleStatus(module, done, until, state))
    return out


def recertification_events(
    statuses: Sequence[ModuleStatus], today: dt.date, within_days: int = RENEWAL_NOTICE_DAYS
) -> list[tuple[ModuleStatus, str]]:
    """Required modules due for re-certification within ``within_days`` ("due") or lapsed."""
    events = []
    for s in statuses:
        if not s.module.required or s.valid_until is None or s.valid_until == NEVER:
            continue
        if s.valid_until < today:
            events.append((s, "lapsed"))
        elif s.valid_until <= today + dt.timedelta(days=within_days):
            events.append((s, "due"))
    return events


def missing_training(statuses: Sequence[ModuleStatus]) -> list[str]:
    """The titles of required modules not done or lapsed, as the find page names them."""
    return [
        s.module.title for s in statuses if s.module.required and s.state in ("missing", "lapsed")
    ]


def training_problems(statuses: Sequence[ModuleStatus]) -> list[str]:
    problems = []
    for s in statuses:
        if not s.module.required:
            continue
        if s.state == "missing":
            problems.append(f"Required training not done: {s.module.title}")
        elif s.state == "lapsed" and s.valid_until is not None:
            problems.append(
                f"Required training lapsed on {s.valid_until:%d %b %Y}: {s.module.title}"
            )
    return problems


# --- Supervision ---------------------------------------------------------------------


def supervision_next_due(held_on: dt.date, every_weeks: int) -> dt.date:
    return held_on + dt.timedelta(weeks=every_weeks)


def supervision_overdue_days(due_on: dt.date | None, today: dt.date) -> int:
    """Days past the due date (0 when not due yet or nothing is scheduled)."""
    if due_on is None or due_on >= today:
        return 0
    return (today - due_on).days


def supervision_blocks_matching(due_on: dt.date | None, today: dt.date, grace_days: int) -> bool:
    return supervision_overdue_days(due_on, today) > grace_days


# --- Activation and matchability ---------------------------------------------------


def activation_problems(
    criteria: Sequence[CriterionStatus],
    checks: Iterable[CheckFact],
    training: Sequence[ModuleStatus],
    today: dt.date,
    renewal_months: dict[str, int] | None = None,
) -> list[str]:
    """Everything that stops a mentor becoming active; empty when they may."""
    return (
        criteria_problems(criteria)
        + check_problems(checks, today, renewal_months)
        + training_problems(training)
    )


@dataclass(frozen=True)
class MentorState:
    status: str
    capacity: int
    mentee_count: int
    checks_valid_until: dt.date | None
    training_valid_until: dt.date | None
    supervision_due_on: dt.date | None
    # Set while a sign of distress waits for the supervisor (``wellbeing_hold_since``).
    wellbeing_hold_since: dt.datetime | None = None


@dataclass(frozen=True)
class Matchability:
    matchable: bool
    reasons: list[str] = field(default_factory=list)


# "May this mentor take a new mentee?", stated once: every condition by name, in the
# order their reasons are shown. ``Mentor.objects.matchable(today)`` builds one filter
# per name (and refuses to load if a name has no filter), the matching pool reads its
# gates from ``matchability_conditions``, and tests/mentors/test_matchability_agrees.py
# checks all three agree over mentors in every combination of states.
MATCHABILITY_CONDITIONS = ("active", "capacity", "checks", "training", "supervision", "wellbeing")


def matchability(state: MentorState, today: dt.date, grace_days: int) -> Matchability:
    """May this mentor take a new mentee today? With every reason when not."""
    failed = matchability_conditions(state, today, grace_days)
    reasons = [failed[name] for name in MATCHABILITY_CONDITIONS if failed[name]]
    return Matchability(not reasons, reasons)


def matchability_conditions(state: MentorState, today: dt.date, grace_days: int) -> dict[str, str]:
    """Each condition of ``MATCHABILITY_CONDITIONS``: "" when it holds, else the reason
    a therapist is shown."""
    failed = dict.fromkeys(MATCHABILITY_CONDITIONS, "")
    if state.status != "active":
        failed["active"] = f"Status is {_status_words(state.status)}, not active"
    if state.capacity <= state.mentee_count:
        failed["capacity"] = (
            f"No spare capacity ({state.mentee_count} of {state.capacity} places used)"
        )
    if state.checks_valid_until is None:
        failed["checks"] = "Checks are missing or not clear"
    elif state.checks_valid_until < today:
        failed["checks"] = f"A check expired on {state.checks_valid_until:%d %b %Y}"
    if state.training_valid_until is None:
        failed["training"] = "Required training is not complete"
    elif state.training_valid_until < today:
        failed["training"] = f"Required training lapsed on {state.training_valid_until:%d %b %Y}"
    if supervision_blocks_matching(state.supervision_due_on, today, grace_days):
        days = supervision_overdue_days(state.supervision_due_on, today)
        failed["supervision"] = (
            f"Supervision is {days} days overdue (the service allows {grace_days})"
        )
    if state.wellbeing_hold_since is not None:
        failed["wellbeing"] = WELLBEING_HOLD_REASON
    return failed


def newly_unmatchable(
    states: Iterable[tuple[MentorState, MentorState]], today: dt.date, grace_days: int
) -> int:
    """How many mentors a settings change would stop being matched: each pair is a
    mentor's state now and with the change, judged by the one matchability rule."""
    return sum(
        1
        for before, after in states
        if matchability(before, today, grace_days).matchable
        and not matchability(after, today, grace_days).matchable
    )


# --- Well-being ------------------------------------------------------------------------


def checkin_needs_attention(score: int, wants_to_talk: bool) -> bool:
    """A low score or a request to talk alerts the supervising therapist at once."""
    return score <= LOW_WELLBEING_SCORE or wants_to_talk


# Shown wherever a held mentor is left out; deliberately not "paused", which is a
# decision a therapist takes and records, while a hold lifts itself.
WELLBEING_HOLD_REASON = "On hold until their supervisor has talked with them after a hard week"
HOLD_SOURCES = ("checkin", "concern", "debrief_request")


@dataclass(frozen=True)
class DistressSignal:
    """Something that says a mentor is struggling: a flagged check-in, a
    mentor-distress concern, an open debrief request.

    ``acknowledged``: the supervisor has read it (for a debrief request: the
    check-in or concern that opened it has been acknowledged).
    """

    source: str
    raised_at: dt.datetime
    acknowledged: bool = False


def wellbeing_hold_since(
    latest_checkin: DistressSignal | None,
    open_signals: Iterable[DistressSignal],
    debriefs_logged_at: Iterable[dt.datetime] = (),
) -> dt.datetime | None:
    """When the mentor's well-being hold began, or None when they are not held.

    The one rule for "held from new mentees after a hard week": the mentor's
    *latest* check-in if it is flagged (an older flagged one was followed by a
    better week), and every open mentor-distress concern or debrief request,
    each until the supervisor acknowledges it or a debrief session is logged
    after it was raised. Existing matches are not touched by a hold.
    """
    debriefs = sorted(debriefs_logged_at)
    last_debrief = debriefs[-1] if debriefs else None
    signals = [*([latest_checkin] if latest_checkin is not None else []), *open_signals]
    waiting = [
        s.raised_at
        for s in signals
        if not s.acknowledged and (last_debrief is None or last_debrief < s.raised_at)
    ]
    return min(waiting) if waiting else None


# --- The mentor keeps their own profile current ---------------------------------------

# What a mentor may change themself (everything else is the supervisor's, on the staff
# form), with the words the supervisor's page uses for each change.
OWN_PROFILE_LABELS = {
    "availability": "Usually available",
    "contact_modes": "Ways of meeting",
    "travel_radius_km": "Will travel",
    "rtw_story": "Their story",
    "topics_to_avoid": "Topics they prefer not to discuss",
}
OWN_PROFILE_FIELDS = tuple(OWN_PROFILE_LABELS)
# Of those, what the matching engine reads (core.matching.pool): a change here can make
# the mentor a better or worse fit for someone waiting, so the supervisor is shown it.
MATCHING_PROFILE_FIELDS = frozenset({"availability", "contact_modes", "travel_radius_km"})
MAX_TRAVEL_RADIUS_KM = 300


@dataclass(frozen=True)
class ProfileChange:
    field: str
    label: str
    before: str
    after: str
    matters_for_matching: bool


def _profile_words(name: str, value: Any) -> str:
    if name == "availability":
        return ", ".join(slot_words(s) for s in value or []) or "none given"
    if name == "contact_modes":
        words = [ContactMode(m).label if m in CONTACT_MODES else m for m in value or []]
        return ", ".join(words) or "none given"
    if name == "travel_radius_km":
        return "not set" if value is None else f"{value} km"
    if name == "topics_to_avoid":
        return ", ".join(value or []) or "none"
    return "written" if value else "none"  # a story: the supervisor reads it on the profile


def validate_travel_radius(km: int | None) -> int:
    if km is None or not 0 <= km <= MAX_TRAVEL_RADIUS_KM:
        raise ValueError(f"Enter how far you will travel, from 0 to {MAX_TRAVEL_RADIUS_KM} km.")
    return km


def own_profile_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[ProfileChange]:
    """What changed between two versions of the mentor's own fields, in plain words
    (sets compared as sets: ticking the same boxes in another order changes nothing)."""
    changes = []
    for name in OWN_PROFILE_FIELDS:
        if name not in after:
            continue
        old, new = before.get(name), after[name]
        same = set(old or []) == set(new or []) if isinstance(new, list) else old == new
        if same:
            continue
        changes.append(
            ProfileChange(
                field=name,
                label=OWN_PROFILE_LABELS[name],
                before=_profile_words(name, old),
                after="changed"
                if name == "rtw_story" and old and new
                else _profile_words(name, new),
                matters_for_matching=name in MATCHING_PROFILE_FIELDS,
            )
        )
    return changes
