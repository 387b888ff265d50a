"""Print the worked examples of docs/matching.md: three patients ranked against one pool.

    alongside manage matching_examples            # Markdown, as pasted into the docs

Pure engine (``alongside.core.matching``) with the default weights; no database. The
mentors are invented, the codes real (ISCO-08).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from alongside.core.matching import (
    MentorProfile,
    PatientProfile,
    Weights,
    explain,
    explain_exclusion,
    rank_with_exclusions,
)

READY: dict[str, Any] = dict(
    active=True,
    paused=False,
    training_ok=True,
    checks_ok=True,
    supervision_ok=True,
    capacity=2,
    occupation_classification="isco08",
    region="Geelong",
    contact_modes=frozenset({"phone", "in_person"}),
)


def _m(mentor_id: str, **fields: Any) -> MentorProfile:
    return MentorProfile(mentor_id, **{**READY, **fields})


MENTORS = (
    _m(
        "Sam (C5 AIS A, bricklayer)",
        injury_category="sci",
        sci_level="C5",
        asia_grade="A",
        mechanism="fall_height",
        occupation_code="7112",
        age=38,
        gender="man",
        rtw_occupation_code="3123",
        rtw_employer="same",
        rtw_adjustments="site office, a ramp, flexible hours",
    ),
    _m(
        "Priya (C7 AIS B, nurse)",
        injury_category="sci",
        sci_level="C7",
        asia_grade="B",
        mechanism="road_vehicle",
        occupation_code="2221",
        age=44,
        gender="woman",
    ),
    _m(
        "Tom (T1 AIS A, carpenter)",
        injury_category="sci",
        sci_level="T1",
        asia_grade="A",
        mechanism="fall_height",
        occupation_code="7115",
        age=41,
        gender="man",
    ),
    _m(
        "Lee (T10 AIS A, bricklayer)",
        injury_category="sci",
        sci_level="T10",
        asia_grade="A",
        mechanism="fall_height",
        occupation_code="7112",
        age=39,
        gender="man",
    ),
    _m(
        "Ana (L2 AIS D, bricklayer)",
        injury_category="sci",
        sci_level="L2",
        asia_grade="D",
        occupation_code="7112",
        age=36,
        gender="woman",
    ),
    _m(
        "Chris (SCI, details not recorded)",
        injury_category="sci",
        occupation_code="7112",
        age=40,
        gender="man",
    ),
    _m(
        "Mo (left transtibial, truck driver)",
        injury_category="amputation",
        amputation_site="transtibial",
        amputation_laterality="left",
        mechanism="road_motorcycle",
        occupation_code="8332",
        age=47,
        gender="man",
        rtw_employer="different",
        rtw_occupation_code="4321",
        rtw_adjustments="automatic car, seated work",
    ),
    _m(
        "Jo (right transtibial, electrician)",
        injury_category="amputation",
        amputation_site="transtibial",
        amputation_laterality="right",
        occupation_code="7411",
        age=35,
        gender="woman",
    ),
    _m(
        "Ray (left partial foot, truck driver)",
        injury_category="amputation",
        amputation_site="partial_foot",
        amputation_laterality="left",
        occupation_code="8332",
        age=50,
        gender="man",
    ),
    _m(
        "Kim (left transfemoral, farmer)",
        injury_category="amputation",
        amputation_site="transfemoral",
        amputation_laterality="left",
        occupation_code="6121",
        age=45,
        gender="man",
    ),
    _m(
        "Dee (severe TBI, teacher)",
        injury_category="tbi",
        tbi_severity="severe",
        mechanism="road_vehicle",
        occupation_code="2330",
        age=33,
        gender="woman",
        rtw_employer="same",
        rtw_adjustments="half days for three months, a quiet room",
    ),
    _m(
        "Ben (moderate TBI, teacher)",
        injury_category="tbi",
        tbi_severity="moderate",
        occupation_code="2330",
        age=29,
        gender="man",
    ),
    _m(
        "Ali (severe TBI, chef)",
        injury_category="tbi",
        tbi_severity="severe",
        mechanism="assault",
        occupation_code="3434",
        age=31,
        gender="man",
    ),
    _m(
        "Held (C6 AIS A, bricklayer)",
        injury_category="sci",
        sci_level="C6",
        asia_grade="A",
        occupation_code="7112",
        age=40,
        gender="man",
        wellbeing_hold=True,
    ),
)

CASES = (
    (
        "Cervical complete SCI: C6 AIS A after a fall from scaffolding, bricklayer, 39, "
        "asked for a male mentor",
        PatientProfile(
            "p1",
            injury_category="sci",
            sci_level="C6",
            asia_grade="A",
            mechanism="fall_height",
            occupation_code="7112",
            occupation_classification="isco08",
            age=39,
            region="Geelong",
            contact_modes=frozenset({"phone"}),
            preferred_mentor_gender="man",
            job_held_open=True,
        ),
    ),
    (
        "Transtibial amputation: left below-knee after a motorcycle crash, heavy truck driver, 48",
        PatientProfile(
            "p2",
            injury_category="amputation",
            amputation_site="transtibial",
            amputation_laterality="left",
            mechanism="road_motorcycle",
            occupation_code="8332",
            occupation_classification="isco08",
            age=48,
            region="Geelong",
            contact_modes=frozenset({"phone"}),
            job_held_open=False,
        ),
    ),
    (
        "Severe TBI: GCS 6 after a road crash, secondary school teacher, 34",
        PatientProfile(
            "p3",
            injury_category="tbi",
            tbi_severity="severe",
            mechanism="road_vehicle",
            occupation_code="2330",
            occupation_classification="isco08",
            age=34,
            region="Geelong",
            contact_modes=frozenset({"phone"}),
            job_held_open=True,
        ),
    ),
)


def worked_examples(limit: int = 5) -> str:
    lines: list[str] = []
    for title, patient in CASES:
        suggestions, exclusions = rank_with_exclusions(patient, MENTORS, Weights(), limit)
        lines += [
            f"### {title}",
            "",
            "| # | mentor | overall | injury | work |",
            "|---|---|---|---|---|",
        ]
        for place, s in enumerate(suggestions, 1):
            injury, work = (f"{round(100 * p)}%" if p is not None else "—" for p in s.parts[:2])
            lines.append(
                f"| {place} | {s.mentor_id} | {round(100 * s.total)}% | {injury} | {work} |"
            )
        best = suggestions[0]
        lines += ["", f"Why {best.mentor_id} is first:", ""]
        lines += [f"- {sentence}" for sentence in explain(best)]
        held = [e for e in exclusions if e.rule == "wellbeing_hold"]
        for e in held:
            lines.append(f"\nLeft out: {e.mentor_id} — {explain_exclusion(e)}")
        lines.append("")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Print the worked matching examples of docs/matching.md (Markdown)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(worked_examples())
