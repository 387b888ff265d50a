"""Fidelity: which EIVR components each patient received, derived from the records.

Nothing is ticked by hand. A component counts as delivered when the record shows it
(docs/reports.md gives the rules and why):

* **Fostering hope for RTW** — a mentor contact about "Hope and recovery", or a hope
  or RTW-expectation questionnaire answered (the therapist raised the question);
* **Preparing for RTW** — a capacity certificate or a phased-return step recorded,
  or a mentor contact about returning to work, adapting the job or equipment;
* **RTW goals in rehabilitation** — at least one RTW goal not dropped;
* **Employer liaison** — at least one entry in the employer liaison log;
* **Peer support** — at least one contact logged with a peer mentor.

Each component is one ``Exists`` subquery, so a service's table and its totals are
single queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from alongside.contacts.models import Contact
from alongside.outcomes.models import QuestionnaireResponse
from alongside.patients.models import (
    CapacityCertificate,
    EmployerContact,
    Goal,
    GoalStatus,
    Patient,
    PhasedReturnStep,
)

_Patients = TypeVar("_Patients", bound=QuerySet[Patient])

HOPE_TOPICS = ("Hope and recovery",)
PREPARING_TOPICS = ("Returning to work", "Adapting the job", "Equipment and access")


@dataclass(frozen=True)
class Component:
    key: str
    label: str
    rule: str


COMPONENTS = (
    Component(
        "hope",
        "Fostering hope for RTW",
        "a mentor contact about hope and recovery, or a hope or RTW-expectation questionnaire",
    ),
    Component(
        "preparing",
        "Preparing for RTW",
        "a capacity certificate or phased-return step, or a mentor contact about "
        "returning to work, adapting the job or equipment",
    ),
    Component("goals", "RTW goals in rehabilitation", "an RTW goal that was not dropped"),
    Component("employer", "Employer liaison", "an entry in the employer liaison log"),
    Component("peer", "Peer support", "a contact with a peer mentor"),
)


def _topic(topics: tuple[str, ...]) -> Q:
    condition = Q()
    for topic in topics:
        # Topics are a JSON list; its text holds each topic in quotes.
        condition |= Q(topics__icontains=f'"{topic}"')
    return condition


def with_components(patients: _Patients) -> _Patients:
    contacts = Contact.objects.filter(match__patient=OuterRef("pk"))
    return patients.annotate(
        fidelity_hope=Exists(contacts.filter(_topic(HOPE_TOPICS)))
        | Exists(
            QuestionnaireResponse.objects.filter(
                patient=OuterRef("pk"),
                instrument_id__in=["hope", "rtw_expectation"],
                is_current=True,
            )
        ),
        fidelity_preparing=Exists(CapacityCertificate.objects.filter(patient=OuterRef("pk")))
        | Exists(PhasedReturnStep.objects.filter(patient=OuterRef("pk")))
        | Exists(contacts.filter(_topic(PREPARING_TOPICS))),
        fidelity_goals=Exists(
            Goal.objects.filter(patient=OuterRef("pk")).exclude(status=GoalStatus.DROPPED)
        ),
        fidelity_employer=Exists(EmployerContact.objects.filter(patient=OuterRef("pk"))),
        fidelity_peer=Exists(contacts),
    )


def delivered(patient: Any) -> list[bool]:
    """The annotated patient's components, in COMPONENTS order."""
    return [bool(getattr(patient, f"fidelity_{c.key}")) for c in COMPONENTS]


@dataclass(frozen=True)
class FidelitySummary:
    patients: int
    counts: list[tuple[Component, int]]
    all_five: int
    mean_components: float | None

    def percent(self, count: int) -> float | None:
        return round(100 * count / self.patients, 1) if self.patients else None

    @property
    def rows(self) -> list[tuple[Component, int, float | None]]:
        return [(c, n, self.percent(n)) for c, n in self.counts]


def summary(patients: QuerySet[Patient]) -> FidelitySummary:
    annotated = with_components(patients)
    flags = [f"fidelity_{c.key}" for c in COMPONENTS]
    figures = annotated.aggregate(
        n=Count("pk"),
        **{
            c.key: Count("pk", filter=Q(**{flag: True}))
            for c, flag in zip(COMPONENTS, flags, strict=True)
        },
        all_five=Count("pk", filter=Q(**{flag: True for flag in flags})),
    )
    counts = [(c, figures[c.key]) for c in COMPONENTS]
    total = sum(n for _, n in counts)
    return FidelitySummary(
        figures["n"],
        counts,
        figures["all_five"],
        round(total / figures["n"], 2) if figures["n"] else None,
    )
