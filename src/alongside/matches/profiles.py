"""Rows → the pure matching engine's profiles (``alongside.core.matching``).

Patients and mentors are recorded in one vocabulary (``alongside.core.vocabulary``),
so the engine compares their values as stored. A pool for a service is built in
a fixed number of queries, however many mentors it holds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Q

from alongside.core.matching import MentorPool, MentorProfile, PatientProfile, Weights
from alongside.core.mentor_programme import matchability_conditions
from alongside.core.vocabulary import Gender, employment_kind
from alongside.matches.models import CLOSED_STATUSES, OPEN_STATUSES, Match, MatchingWeights
from alongside.mentors.models import Mentor, MentorStatus
from alongside.mentors.selectors import mentor_state
from alongside.organisations.models import Service
from alongside.patients.models import Patient

# Genders a preference can be matched on; "prefers not to say" and
# "self-described" are not compared (the engine sees them as not recorded).
_COMPARABLE_GENDERS = frozenset({Gender.WOMAN, Gender.MAN, Gender.NON_BINARY})
# Mentors who may appear in a pool: current ones. Paused mentors are listed
# with the rule that excludes them, so a therapist sees why they are missing.
POOL_STATUSES = (MentorStatus.ACTIVE, MentorStatus.PAUSED)


def _gender(value: str) -> str | None:
    return value if value in _COMPARABLE_GENDERS else None


def _blank(value: str | None) -> str | None:
    return value or None


def weights_for(service: Service) -> Weights:
    """The service's weights, or the engine's defaults when none are saved."""
    row = MatchingWeights.objects.filter(service=service).first()
    return weights_of(row) if row else Weights()


def weights_of(row: MatchingWeights) -> Weights:
    return Weights(
        injury=row.injury,
        work=row.work,
        age=row.age,
        place=row.place,
        language=row.language,
        availability=row.availability,
        modes=row.modes,
    )


def excluded_mentor_ids(patient_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """Per patient, the mentors of earlier declined or ended matches (one query).

    A match proposed again with ``override_repeat`` does not lift the exclusion
    for later proposals: each repeat is a fresh, deliberate therapist decision.
    """
    excluded: dict[int, set[int]] = defaultdict(set)
    rows = Match.objects.filter(
        patient_id__in=list(patient_ids), status__in=CLOSED_STATUSES
    ).values_list("patient_id", "mentor_id")
    for patient_id, mentor_id in rows:
        excluded[patient_id].add(mentor_id)
    return {pid: frozenset(ids) for pid, ids in excluded.items()}


def patient_profile(
    patient: Patient,
    *,
    service: Service,
    today: dt.date,
    excluded: frozenset[int] = frozenset(),
) -> PatientProfile:
    return PatientProfile(
        patient_id=patient.pk,
        injury_category=_blank(patient.injury_category),
        icd10_codes=tuple(patient.icd10_codes or ()),
        sci_level=_blank(patient.sci_level),
        asia_grade=_blank(patient.asia_grade),
        tbi_severity=_blank(patient.tbi_severity),
        amputation_site=_blank(patient.amputation_site),
        amputation_laterality=_blank(patient.amputation_laterality),
        mechanism=_blank(patient.mechanism),
        occupation_code=_blank(patient.occupation_code),
        occupation_classification=service.occupation_classification,
        industry=_blank(patient.industry),
        work_demands=patient.work_demands,
        employment_type=employment_kind(patient.employment_type),
        age=patient.age_on(today) if patient.date_of_birth else None,
        gender=_gender(patient.gender),
        languages=tuple(patient.languages or ()),
        region=_blank(patient.region),
        latitude=patient.latitude,
        longitude=patient.longitude,
        availability=frozenset(patient.availability or ()),
        contact_modes=frozenset(patient.contact_modes or ()),
        preferred_mentor_gender=_gender(patient.preferred_mentor_gender),
        required_language=_blank(patient.required_language),
        wants_in_person=bool(patient.wants_in_person),
        job_held_open=patient.job_held_open,
        excluded_mentor_ids=excluded,
    )


def patient_profile_for(patient: Patient, *, today: dt.date) -> PatientProfile:
    """One patient's profile, with their past mentors excluded (one query)."""
    excluded = excluded_mentor_ids([patient.pk]).get(patient.pk, frozenset())
    return patient_profile(patient, service=patient.service, today=today, excluded=excluded)


def mentor_profile(
    mentor: Mentor, *, service: Service, today: dt.date, open_matches: int
) -> MentorProfile:
    """``open_matches``: proposals and matches holding one of the mentor's places.

    The gates come from the one statement of "may this mentor take a new mentee?"
    (``core.mentor_programme.matchability_conditions``); the pool keeps paused and
    held mentors so the therapist sees why they are left out."""
    failed = matchability_conditions(mentor_state(mentor), today, service.supervision_grace_days)
    return MentorProfile(
        mentor_id=mentor.pk,
        injury_category=_blank(mentor.injury_category),
        icd10_codes=tuple(mentor.icd10_codes or ()),
        sci_level=_blank(mentor.sci_level),
        asia_grade=_blank(mentor.asia_grade),
        tbi_severity=_blank(mentor.tbi_severity),
        amputation_site=_blank(mentor.amputation_site),
        amputation_laterality=_blank(mentor.amputation_laterality),
        mechanism=_blank(mentor.mechanism),
        occupation_code=_blank(mentor.occupation_code),
        occupation_classification=service.occupation_classification,
        industry=_blank(mentor.industry),
        work_demands=_blank(mentor.job_demands),
        employment_type=employment_kind(mentor.employment_type),
        age=(today.year - mentor.birth_year) if mentor.birth_year else None,
        gender=_gender(mentor.gender),
        languages=tuple(mentor.languages or ()),
        region=_blank(mentor.region),
        latitude=mentor.latitude,
        longitude=mentor.longitude,
        availability=frozenset(mentor.availability or ()),
        contact_modes=frozenset(mentor.contact_modes or ()),
        rtw_occupation_code=_blank(mentor.rtw_occupation_code),
        rtw_employer=_blank(mentor.rtw_employer),
        rtw_adjustments=_blank(mentor.rtw_adjustments),
        topics_to_avoid=tuple(mentor.topics_to_avoid or ()),
        active=mentor.status in POOL_STATUSES,
        paused=mentor.status == MentorStatus.PAUSED,
        wellbeing_hold=bool(failed["wellbeing"]),
        training_ok=not failed["training"],
        checks_ok=not failed["checks"],
        supervision_ok=not failed["supervision"],
        capacity=mentor.capacity,
        active_mentee_count=open_matches,
        # An empty choice means the mentor did not restrict which injuries they mentor.
        willing_categories=frozenset(mentor.willing_categories)
        if mentor.willing_categories
        else None,
        travel_radius_km=float(mentor.travel_radius_km)
        if mentor.travel_radius_km is not None
        else None,
    )


def with_open_match_count(queryset):  # type: ignore[no-untyped-def]
    return queryset.annotate(
        open_matches=Count("matches", filter=Q(matches__status__in=OPEN_STATUSES))
    )


@dataclass(frozen=True)
class ServicePool:
    """A service's current mentors, encoded for the engine, and their rows by id."""

    service: Service
    pool: MentorPool
    mentors: dict[Hashable, Mentor]  # by the engine's mentor id (the primary key)
    weights: Weights
    today: dt.date


def service_pool(
    service: Service, *, today: dt.date, weights: Weights | None = None
) -> ServicePool:
    """Every current mentor of ``service`` in one annotated query (plus one for weights)."""
    rows = list(
        with_open_match_count(
            Mentor.objects.filter(service=service, status__in=POOL_STATUSES)
        ).order_by("pk")
    )
    profiles = [
        mentor_profile(m, service=service, today=today, open_matches=m.open_matches) for m in rows
    ]
    return ServicePool(
        service=service,
        pool=MentorPool(profiles),
        mentors={m.pk: m for m in rows},
        weights=weights or weights_for(service),
        today=today,
    )
