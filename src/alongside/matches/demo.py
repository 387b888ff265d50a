"""Demo data for matches (a step of `alongside demo`).

Per demo service, using the real engine (profiles, pool, ``assign``):

- patients already introduced to a mentor get an *active* match, chosen by the
  exact whole-list assignment within each mentor's places;
- patients who returned to work or were discharged get an *ended* match, some
  with goals met and some for "no contact", so the engagement report has data;
- a few waiting patients get proposals at each step (proposed, patient agreed,
  mentor accepted), and one earlier declined match shows the re-match rule;
- the rest stay on the waiting list for the batch run.

patient@demo.example has an active match with mentor@demo.example's mentor
record, so the mentor sees a mentee and the patient sees a mentor.

Idempotent: a service that already has matches is left alone. Synthetic rows
are written directly (no audit event per row).
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from typing import Any, cast

import numpy as np
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from alongside.core.matching import CRITERIA, Suggestion, assign, explain
from alongside.demo.builder import DemoContext
from alongside.matches import profiles
from alongside.matches.models import (
    OPEN_STATUSES,
    DeclinedBy,
    EndReason,
    Match,
    MatchStatus,
    ProposalSource,
)
from alongside.matches.services import matches_flag_unavailable
from alongside.mentors.models import Mentor
from alongside.organisations.models import Service
from alongside.patients.models import Patient, PatientStatus


def load(ctx: DemoContext) -> None:
    for slug, service in sorted(ctx.services.items()):
        if Match.objects.filter(service=service).exists():
            continue
        # Hours of the day in the service's own zone: "14:00" is the afternoon in Melbourne,
        # not 01:00 the next day, so the match page and the case's targets agree on the day.
        with transaction.atomic(), timezone.override(zoneinfo.ZoneInfo(service.time_zone)):
            _load_service(ctx, service, random.Random(f"{ctx.rng.random()}-{slug}"))
    matches_flag_unavailable()


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


class _Builder:
    def __init__(self, service: Service, rng: random.Random, therapist: Any) -> None:
        self.service = service
        self.rng = rng
        self.therapist = therapist
        self.today = timezone.localdate()
        self.pool = profiles.service_pool(service, today=self.today)
        self.ids = self.pool.pool.mentor_ids
        self.spare = self.pool.pool.spare_capacities().copy()
        self.rows: list[Match] = []

    def profile(self, patient: Patient) -> Any:
        return profiles.patient_profile(patient, service=self.service, today=self.today)

    def match(self, patient: Patient, column: int, status: str, **fields: Any) -> Match:
        """A match row with the engine's score and reasons for this pair."""
        profile = self.profile(patient)
        mentor_profile = self.pool.pool.mentors[column]
        parts = self.pool.pool.part_scores(profile)[column]
        weights = self.pool.weights
        known = ~np.isnan(parts)
        w = np.array(weights.as_tuple())
        total = float((parts[known] * w[known]).sum() / w[known].sum()) if w[known].sum() else 0.0
        suggestion = Suggestion(
            self.ids[column],
            total,
            tuple(None if np.isnan(x) else float(x) for x in parts),
            profile,
            mentor_profile,
        )
        proposed = fields.pop("proposed_on", self.today - dt.timedelta(days=3))
        mentor = self.pool.mentors[cast(int, self.ids[column])]
        row = Match(
            service=self.service,
            patient=patient,
            mentor=mentor,
            status=status,
            proposed_by=self.therapist,
            proposed_at=_at(proposed),
            source=ProposalSource.RANKED,
            score=max(0.0, min(1.0, total)),
            criterion_scores=dict(zip(CRITERIA, suggestion.parts, strict=True)),
            reasons=explain(suggestion),
            weights=dict(zip(CRITERIA, weights.as_tuple(), strict=True)),
            **fields,
        )
        self.rows.append(row)
        if status in OPEN_STATUSES:
            self.spare[column] = max(0, self.spare[column] - 1)
        return row

    def assign_open(self, patients: list[Patient]) -> list[tuple[Patient, int]]:
        """Exact assignment of ``patients`` to mentors with places left."""
        if not patients or not len(self.ids):
            return []
        scores = self.pool.pool.score_matrix([self.profile(p) for p in patients], self.pool.weights)
        chosen = assign(scores, self.spare)
        return [(p, int(c)) for p, c in zip(patients, chosen, strict=True) if c >= 0]

    def best_any(self, patient: Patient) -> int:
        """The most similar current mentor, whatever their places (for past matches)."""
        totals = self.pool.pool.totals(self.profile(patient), self.pool.weights)
        return int(np.argmax(totals))


def _load_service(ctx: DemoContext, service: Service, rng: random.Random) -> None:
    therapist = ctx.users.get("therapist@demo.example")
    builder = _Builder(service, rng, therapist)
    if not builder.ids:
        return
    patients = list(Patient.objects.filter(service=service).order_by("pk"))
    demo_user = ctx.users.get("patient@demo.example")
    demo_patient = next((p for p in patients if demo_user and p.user_id == demo_user.pk), None)
    mentor_user = ctx.users.get("mentor@demo.example")
    demo_mentor = Mentor.objects.filter(service=service, user=mentor_user).first()

    # patient@demo.example with mentor@demo.example: an active match, introduced a week ago.
    if demo_patient is not None and demo_mentor is not None and demo_mentor.pk in builder.ids:
        started = builder.today - dt.timedelta(days=7)
        builder.match(
            demo_patient,
            builder.ids.index(demo_mentor.pk),
            MatchStatus.ACTIVE,
            proposed_on=started - dt.timedelta(days=6),
            patient_agreed_at=_at(started, 9),
            mentor_responded_at=_at(started, 11),
            started_at=_at(started, 14),
        )
        # Keep the demo mentor's other places free: they stay matchable for a walk-through.
        builder.spare[builder.ids.index(demo_mentor.pk)] = 0
        # The match is what introduced them, so the case says so as the service would
        # (patients.services.patient_mentor_introduced): its date, and "matched".
        demo_patient.mentor_introduced_on = started
        if demo_patient.status in (PatientStatus.ELIGIBLE, PatientStatus.ACTIVE):
            demo_patient.status = PatientStatus.MATCHED
        demo_patient.save(update_fields=["mentor_introduced_on", "status"])
    taken = {demo_patient.pk} if demo_patient else set()

    # Introduced patients: active matches by the exact assignment.
    introduced = [
        p
        for p in patients
        if p.status == PatientStatus.MATCHED and p.mentor_introduced_on and p.pk not in taken
    ]
    for patient, column in builder.assign_open(introduced):
        started = cast(dt.date, patient.mentor_introduced_on)  # only introduced patients
        builder.match(
            patient,
            column,
            MatchStatus.ACTIVE,
            proposed_on=started - dt.timedelta(days=5),
            patient_agreed_at=_at(started - dt.timedelta(days=4)),
            mentor_responded_at=_at(started - dt.timedelta(days=2)),
            started_at=_at(started),
        )
        taken.add(patient.pk)

    # Finished cases: ended matches; engagement follows similarity (loosely, as in life).
    finished = [
        p
        for p in patients
        if p.status in (PatientStatus.RETURNED_TO_WORK, PatientStatus.DISCHARGED)
        and p.mentor_introduced_on
    ]
    for patient in finished:
        column = builder.best_any(patient)
        started = patient.mentor_introduced_on
        row = builder.match(
            patient,
            column,
            MatchStatus.ENDED,
            proposed_on=started - dt.timedelta(days=5),
            patient_agreed_at=_at(started - dt.timedelta(days=4)),
            mentor_responded_at=_at(started - dt.timedelta(days=2)),
            started_at=_at(started),
        )
        engaged = rng.random() < 0.25 + 0.7 * row.score
        disengaged = [EndReason.NO_CONTACT, EndReason.NO_CONTACT, EndReason.PATIENT_WITHDREW]
        row.end_reason = EndReason.GOALS_MET if engaged else rng.choice(disengaged)
        ended = min(builder.today, started + dt.timedelta(days=rng.randint(60, 200)))
        row.ended_at = _at(ended)

    # A few waiting patients mid-way through the lifecycle; the rest stay waiting.
    waiting = [
        p
        for p in patients
        if p.status in (PatientStatus.ELIGIBLE, PatientStatus.ACTIVE) and p.pk not in taken
    ]
    sharing = set(
        Patient.objects.filter(pk__in=[p.pk for p in waiting])
        .sharing_with_mentors()
        .values_list("pk", flat=True)
    )
    candidates = [p for p in waiting if p.pk in sharing][:6]
    steps = [
        MatchStatus.PROPOSED,
        MatchStatus.PROPOSED,
        MatchStatus.PATIENT_AGREED,
        MatchStatus.PATIENT_AGREED,
        MatchStatus.MENTOR_ACCEPTED,
    ]
    for (patient, column), status in zip(builder.assign_open(candidates), steps, strict=False):
        fields: dict[str, Any] = {"proposed_on": builder.today - dt.timedelta(days=2)}
        if status != MatchStatus.PROPOSED:
            fields["patient_agreed_at"] = _at(builder.today - dt.timedelta(days=1))
        if status == MatchStatus.MENTOR_ACCEPTED:
            fields["mentor_responded_at"] = _at(builder.today, 9)
        builder.match(patient, column, status, **fields)
        taken.add(patient.pk)

    # One earlier proposal a mentor declined, for a patient still waiting.
    still_waiting = [p for p in waiting if p.pk not in taken]
    if still_waiting:
        patient = still_waiting[0]
        builder.match(
            patient,
            builder.best_any(patient),
            MatchStatus.DECLINED,
            proposed_on=builder.today - dt.timedelta(days=12),
            patient_agreed_at=_at(builder.today - dt.timedelta(days=11)),
            mentor_responded_at=_at(builder.today - dt.timedelta(days=10)),
            declined_by=DeclinedBy.MENTOR,
            decline_reason="Going through a hard patch myself; not the right time.",
        )

    Match.objects.bulk_create(builder.rows)
    _refresh_mentee_counts(service)
    ctx.log(f"  {service.slug}: {len(builder.rows)} matches")


def _refresh_mentee_counts(service: Service) -> None:
    counted = Mentor.objects.filter(service=service).annotate(
        open_matches=Count("matches", filter=Q(matches__status__in=OPEN_STATUSES))
    )
    for mentor in counted:
        if mentor.mentee_count != mentor.open_matches:
            Mentor.objects.filter(pk=mentor.pk).update(mentee_count=mentor.open_matches)
