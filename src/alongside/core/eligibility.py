"""Referral eligibility: each of a service's rules judged met, not met or unknown.

Pure functions over dataclasses; the patients app turns its records into
``ReferralFacts`` and a service's settings into ``EligibilityCriteria``.
A rule whose facts are missing is *unknown*, never silently met: the
therapist sees what still has to be found out before accepting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

CATEGORY_NAMES: dict[str, str] = {
    "sci": "spinal cord injury",
    "tbi": "traumatic brain injury",
    "ortho": "multi-trauma orthopaedic injury",
    "amputation": "traumatic amputation",
}


class Outcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {"met": "Met", "not_met": "Not met", "unknown": "Unknown"}[self.value]


@dataclass(frozen=True)
class EligibilityCriteria:
    """A service's rules (see PRESETS for those of the EIVRS and ROWTATE trials).

    ``require_working_or_studying``: in paid or unpaid work or full-time study at
    injury; with ``paid_work_only`` only paid work (employed or self-employed)
    counts. ``max_weeks_since_injury`` counts from the injury, or from the
    admission when ``weeks_counted_from`` is "admission". ``min_iss`` is the
    lowest Injury Severity Score taken ("ISS above 8" is ``min_iss=9``).
    """

    min_age: int = 16
    max_age: int = 70
    require_working_or_studying: bool = True
    allowed_categories: frozenset[str] = field(default_factory=lambda: frozenset(CATEGORY_NAMES))
    max_weeks_since_injury: int | None = 12
    min_iss: int | None = None
    paid_work_only: bool = False
    weeks_counted_from: str = "injury"  # or "admission"


@dataclass(frozen=True)
class ReferralFacts:
    date_of_birth: date | None = None
    date_of_injury: date | None = None
    date_of_referral: date | None = None
    working_or_studying: bool | None = None
    injury_category: str | None = None
    iss: int | None = None
    in_paid_work: bool | None = None
    date_of_admission: date | None = None


@dataclass(frozen=True)
class RuleResult:
    rule: str
    label: str
    outcome: Outcome
    explanation: str


@dataclass(frozen=True)
class Evaluation:
    results: tuple[RuleResult, ...]

    @property
    def outcome(self) -> Outcome:
        """Not met if any rule fails; unknown if any is unknown; otherwise met."""
        outcomes = {r.outcome for r in self.results}
        if Outcome.NOT_MET in outcomes:
            return Outcome.NOT_MET
        if Outcome.UNKNOWN in outcomes:
            return Outcome.UNKNOWN
        return Outcome.MET

    @property
    def not_met(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.results if r.outcome is Outcome.NOT_MET)


@dataclass(frozen=True)
class Acceptance:
    """May a referral be accepted, and is it accepted against the rules?

    ``refusal`` is None when it may; otherwise ``(field, message)`` for the form.
    ``override`` is True when the rules would refuse it and the therapist's
    clinical judgement (with ``reason``) accepts it anyway.
    """

    override: bool = False
    reason: str = ""
    refusal: tuple[str, str] | None = None

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def acceptance(
    evaluation: Evaluation, *, override_allowed: bool, override_reason: str = ""
) -> Acceptance:
    """Whether a referral judged ``evaluation`` may be accepted.

    A referral that meets the rules (or has unknowns still to find out) is
    accepted as usual. One that fails a rule is refused, unless the service
    allows clinical override and the therapist gives a reason; then it is
    accepted *anyway*, and the override is recorded with its reason.
    """
    failing = evaluation.not_met
    if not failing:
        return Acceptance()
    names = "; ".join(f"{r.label}: {r.explanation}" for r in failing)
    if not override_allowed:
        return Acceptance(
            refusal=("eligibility", f"Not eligible under the service's rules. {names}")
        )
    reason = " ".join((override_reason or "").split())
    if not reason:
        return Acceptance(
            refusal=(
                "override_reason",
                "Give the clinical reason for accepting a referral the service's rules "
                f"would refuse ({names}).",
            )
        )
    return Acceptance(override=True, reason=reason)


def age_on(born: date, day: date) -> int:
    """Age in completed years (a 29 February birthday turns on 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def evaluate(criteria: EligibilityCriteria, facts: ReferralFacts) -> Evaluation:
    results = [
        _age(criteria, facts),
        _working(criteria, facts),
        _category(criteria, facts),
        _timing(criteria, facts),
    ]
    if criteria.min_iss is not None:
        results.append(_iss(criteria, facts))
    return Evaluation(tuple(results))


def _age(criteria: EligibilityCriteria, facts: ReferralFacts) -> RuleResult:
    label = f"Aged {criteria.min_age} to {criteria.max_age} at injury"
    if facts.date_of_birth is None or facts.date_of_injury is None:
        return RuleResult(
            "age", label, Outcome.UNKNOWN, "Date of birth or date of injury not recorded."
        )
    age = age_on(facts.date_of_birth, facts.date_of_injury)
    if criteria.min_age <= age <= criteria.max_age:
        return RuleResult("age", label, Outcome.MET, f"Aged {age} at injury.")
    return RuleResult(
        "age",
        label,
        Outcome.NOT_MET,
        f"Aged {age} at injury, outside {criteria.min_age} to {criteria.max_age}.",
    )


def _working(criteria: EligibilityCriteria, facts: ReferralFacts) -> RuleResult:
    if criteria.require_working_or_studying and criteria.paid_work_only:
        label = "Employed at injury (paid work)"
        if facts.in_paid_work is None:
            return RuleResult(
                "working", label, Outcome.UNKNOWN, "Employment at injury not recorded."
            )
        if facts.in_paid_work:
            return RuleResult("working", label, Outcome.MET, "In paid work at injury.")
        return RuleResult("working", label, Outcome.NOT_MET, "Not in paid work at injury.")
    label = "In paid or unpaid work, or full-time study, at injury"
    if not criteria.require_working_or_studying:
        return RuleResult("working", label, Outcome.MET, "Not required by this service.")
    if facts.working_or_studying is None:
        return RuleResult("working", label, Outcome.UNKNOWN, "Employment at injury not recorded.")
    if facts.working_or_studying:
        return RuleResult("working", label, Outcome.MET, "Working or studying at injury.")
    return RuleResult("working", label, Outcome.NOT_MET, "Not working or studying at injury.")


def _category(criteria: EligibilityCriteria, facts: ReferralFacts) -> RuleResult:
    allowed = sorted(criteria.allowed_categories)
    names = ", ".join(CATEGORY_NAMES.get(c, c) for c in allowed) or "none"
    label = "Injury type the service takes"
    if not facts.injury_category:
        return RuleResult("injury", label, Outcome.UNKNOWN, "Injury type not recorded.")
    name = CATEGORY_NAMES.get(facts.injury_category, facts.injury_category)
    if facts.injury_category in criteria.allowed_categories:
        return RuleResult("injury", label, Outcome.MET, f"{name.capitalize()}.")
    return RuleResult(
        "injury", label, Outcome.NOT_MET, f"{name.capitalize()} is not one of: {names}."
    )


def _timing(criteria: EligibilityCriteria, facts: ReferralFacts) -> RuleResult:
    limit = criteria.max_weeks_since_injury
    event = "admission" if criteria.weeks_counted_from == "admission" else "injury"
    label = (
        f"Referred soon enough after {event}"
        if limit is None
        else (f"Referred within {limit} weeks of {event}")
    )
    if limit is None:
        return RuleResult("timing", label, Outcome.MET, "No limit set by this service.")
    since = facts.date_of_admission if event == "admission" else facts.date_of_injury
    if since is None or facts.date_of_referral is None:
        return RuleResult(
            "timing", label, Outcome.UNKNOWN, f"Date of {event} or referral not recorded."
        )
    days = (facts.date_of_referral - since).days
    text = f"Referred {days} days ({days // 7} weeks {days % 7} days) after {event}."
    outcome = Outcome.MET if days <= limit * 7 else Outcome.NOT_MET
    return RuleResult("timing", label, outcome, text)


def _iss(criteria: EligibilityCriteria, facts: ReferralFacts) -> RuleResult:
    assert criteria.min_iss is not None
    label = f"Injury Severity Score above {criteria.min_iss - 1}"
    if facts.iss is None:
        return RuleResult("iss", label, Outcome.UNKNOWN, "Injury Severity Score not recorded.")
    assert criteria.min_iss is not None
    outcome = Outcome.MET if facts.iss >= criteria.min_iss else Outcome.NOT_MET
    return RuleResult("iss", label, outcome, f"Injury Severity Score {facts.iss}.")


@dataclass(frozen=True)
class EligibilityPreset:
    id: str
    label: str  # says every rule the preset sets, and nothing it does not
    criteria: EligibilityCriteria


PRESETS: dict[str, EligibilityPreset] = {
    p.id: p
    for p in (
        EligibilityPreset(
            "eivrs",
            "EIVRS trial (Victoria): aged 16 to 70 at injury, employed before injury",
            EligibilityCriteria(
                min_age=16,
                max_age=70,
                require_working_or_studying=True,
                paid_work_only=True,
                max_weeks_since_injury=None,
                min_iss=None,
            ),
        ),
        EligibilityPreset(
            "rowtate",
            "ROWTATE trial (England): aged 16 to 69 at injury, in paid or unpaid work or "
            "full-time study at injury, admitted within the last 12 weeks, "
            "Injury Severity Score above 8",
            EligibilityCriteria(
                min_age=16,
                max_age=69,
                require_working_or_studying=True,
                paid_work_only=False,
                max_weeks_since_injury=12,
                weeks_counted_from="admission",
                min_iss=9,
            ),
        ),
    )
}


def preset(preset_id: str) -> EligibilityPreset:
    try:
        return PRESETS[preset_id]
    except KeyError:
        raise ValueError(
            f"{preset_id!r} is not an eligibility preset: expected one of {', '.join(PRESETS)}"
        ) from None


def rule_words(criteria: EligibilityCriteria) -> dict[str, tuple[str, str]]:
    """Each rule as (what it is, its value) in the words a referral page uses."""
    from alongside.core.vocabulary import InjuryCategory

    categories = sorted(criteria.allowed_categories)
    return {
        "min_age": ("Youngest age at injury", str(criteria.min_age)),
        "max_age": ("Oldest age at injury", str(criteria.max_age)),
        "require_working_or_studying": (
            "Must have been working or studying when injured",
            "Yes" if criteria.require_working_or_studying else "No",
        ),
        "paid_work_only": ("Only paid work counts", "Yes" if criteria.paid_work_only else "No"),
        "allowed_categories": (
            "Injury types the service takes",
            ", ".join(
                InjuryCategory(c).label if c in InjuryCategory.values else c for c in categories
            )
            or "None",
        ),
        "max_weeks_since_injury": (
            "Referred within",
            "No limit"
            if criteria.max_weeks_since_injury is None
            else f"{criteria.max_weeks_since_injury} weeks of "
            + ("admission" if criteria.weeks_counted_from == "admission" else "injury"),
        ),
        "min_iss": (
            "Minimum Injury Severity Score",
            "No minimum" if criteria.min_iss is None else str(criteria.min_iss),
        ),
    }


@dataclass(frozen=True)
class RuleChange:
    rule: str
    now: str
    after: str

    @property
    def changes(self) -> bool:
        return self.now != self.after


def preset_changes(current: EligibilityCriteria, preset_id: str) -> list[RuleChange]:
    """Every rule, now and after applying the preset (``changes`` marks those that differ)."""
    after = rule_words(preset(preset_id).criteria)
    return [
        RuleChange(label, value, after[name][1])
        for name, (label, value) in rule_words(current).items()
    ]
