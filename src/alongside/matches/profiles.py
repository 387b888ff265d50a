"""Rows → the pure matching engine's profiles (``alongside.core.matching``).

Patients and mentors are recorded in one vocabulary (``alongside.core.vocabulary``),
so the engine compares their values as stored. A pool for a service is built in
a fixed number of queries, however many mentors it holds.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from types import SimpleNamespace
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, Subquery

from alongside.core.injury_details import MENTOR_INJURY_FIELDS
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


def _circumstances(
    person: Patient | Mentor, *, service: Service, age: int | None, work_demands: str | None
) -> dict[str, Any]:
    """The fields both profiles read from same-named model fields (``_Circumstances``);
    age and work demands are recorded differently on each side, so the caller gives them."""
    return {
        "injury_category": _blank(person.injury_category),
        "icd10_codes": tuple(person.icd10_codes or ()),
        "sci_level": _blank(person.sci_level),
        "asia_grade": _blank(person.asia_grade),
        "tbi_severity": _blank(person.tbi_severity),
        "amputation_site": _blank(person.amputation_site),
        "amputation_laterality": _blank(person.amputation_laterality),
        "mechanism": _blank(person.mechanism),
        "occupation_code": _blank(person.occupation_code),
        "occupation_classification": service.occupation_classification,
        "industry": _blank(person.industry),
        "work_demands": work_demands,
        "employment_type": employment_kind(person.employment_type),
        "age": age,
        "gender": _gender(person.gender),
        "languages": tuple(person.languages or ()),
        "region": _blank(person.region),
        "latitude": person.latitude,
        "longitude": person.longitude,
        "availability": frozenset(person.availability or ()),
        "contact_modes": frozenset(person.contact_modes or ()),
    }


def patient_profile(
    patient: Patient,
    *,
    service: Service,
    today: dt.date,
    excluded: frozenset[int] = frozenset(),
) -> PatientProfile:
    return PatientProfile(
        patient_id=patient.pk,
        **_circumstances(
            patient,
            service=service,
            age=patient.age_on(today) if patient.date_of_birth else None,
            work_demands=patient.work_demands,
        ),
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
        **_circumstances(
            mentor,
            service=service,
            age=(today.year - mentor.birth_year) if mentor.birth_year else None,
            work_demands=_blank(mentor.job_demands),
        ),
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


# The columns ``mentor_profile`` and ``mentor_state`` read: the pool is built from
# these values, never from model instances (``tests/matches/test_pool_cache.py``
# checks the profiles are the ones the model instances give).
POOL_COLUMNS = (
    "pk",
    "status",
    "capacity",
    "mentee_count",
    "checks_valid_until",
    "training_valid_until",
    "supervision_due_on",
    "wellbeing_hold_since",
    *MENTOR_INJURY_FIELDS,
    "occupation_code",
    "industry",
    "job_demands",
    "employment_type",
    "birth_year",
    "gender",
    "languages",
    "region",
    "latitude",
    "longitude",
    "availability",
    "contact_modes",
    "rtw_occupation_code",
    "rtw_employer",
    "rtw_adjustments",
    "topics_to_avoid",
    "willing_categories",
    "travel_radius_km",
)


def pool_fingerprint(service: Service) -> tuple[object, ...]:
    """One query: what a cached pool of ``service`` depends on in the database.

    Mentors' and matches' counts, highest id and latest ``updated_at`` (``auto_now``):
    any save, create or delete through the services changes one of them, in whichever
    process it ran. See docs/matching.md "Pool cache"."""
    mentors = Mentor.objects.filter(service_id=OuterRef("pk")).order_by().values("service_id")
    matches = Match.objects.filter(service_id=OuterRef("pk")).order_by().values("service_id")

    def agg(rows, expression):  # type: ignore[no-untyped-def]
        return Subquery(rows.annotate(value=expression).values("value")[:1])

    row = (
        Service.objects.filter(pk=service.pk)
        .annotate(
            m_n=agg(mentors, Count("pk")),
            m_id=agg(mentors, Max("pk")),
            m_at=agg(mentors, Max("updated_at")),
            x_n=agg(matches, Count("pk")),
            x_id=agg(matches, Max("pk")),
            x_at=agg(matches, Max("updated_at")),
        )
        .values_list("m_n", "m_id", "m_at", "x_n", "x_id", "x_at")
        .first()
    )
    return tuple(row or ())


# Per process: service id -> (key, pool). Correct with several worker processes
# because the key holds the database fingerprint, not a signal from this process.
_POOLS: OrderedDict[int, tuple[tuple[object, ...], MentorPool]] = OrderedDict()
_POOLS_LOCK = threading.Lock()
POOL_CACHE_SIZE = 32
pool_builds = 0  # pools built (not served from the cache) in this process; for tests


def clear_pool_cache() -> None:
    with _POOLS_LOCK:
        _POOLS.clear()


def build_pool(service: Service, *, today: dt.date) -> MentorPool:
    """Every current mentor of ``service`` from one query of column values."""
    global pool_builds
    rows = (
        with_open_match_count(Mentor.objects.filter(service=service, status__in=POOL_STATUSES))
        .order_by("pk")
        .values(*POOL_COLUMNS, "open_matches")
    )
    profiles = []
    for row in rows:
        mentor = SimpleNamespace(**row)
        profiles.append(
            mentor_profile(
                mentor,  # type: ignore[arg-type]
                service=service,
                today=today,
                open_matches=row["open_matches"],
            )
        )
    pool_builds += 1
    return MentorPool(profiles)


def cached_pool(service: Service, *, today: dt.date) -> MentorPool:
    """The service's pool, built again only when the fingerprint or the day changed."""
    key = (
        today,
        service.supervision_grace_days,
        service.occupation_classification,
        *pool_fingerprint(service),
    )
    with _POOLS_LOCK:
        hit = _POOLS.get(service.pk)
        if hit is not None and hit[0] == key:
            _POOLS.move_to_end(service.pk)
            return hit[1]
    pool = build_pool(service, today=today)
    with _POOLS_LOCK:
        _POOLS[service.pk] = (key, pool)
        _POOLS.move_to_end(service.pk)
        while len(_POOLS) > POOL_CACHE_SIZE:
            _POOLS.popitem(last=False)
    return pool


@dataclass(frozen=True)
class ServicePool:
    """A service's current mentors, encoded for the engine; rows fetched by id when needed."""

    service: Service
    pool: MentorPool
    weights: Weights
    today: dt.date

    def rows(self, ids: Iterable[int]) -> dict[int, Mentor]:
        """The mentor rows for ``ids`` (one query): only those a page shows."""
        return Mentor.objects.filter(service=self.service).in_bulk(list(ids))

    @cached_property
    def mentors(self) -> dict[int, Mentor]:
        """Every pool mentor's row (one query); batch jobs and the demo use it."""
        return self.rows(self.pool.mentor_ids)  # type: ignore[arg-type]


def service_pool(
    service: Service, *, today: dt.date, weights: Weights | None = None
) -> ServicePool:
    """The cached pool of ``service`` (one fingerprint query; one more to build) and weights."""
    return ServicePool(
        service=service,
        pool=cached_pool(service, today=today),
        weights=weights or weights_for(service),
        today=today,
    )
