"""Writes of the match lifecycle. Each function checks policy, runs in one
transaction, takes the locks it needs and leaves an audit event.

Capacity: a mentor's places are taken by their *open* matches (proposed,
patient agreed, mentor accepted, active). Every write that opens or closes a
match first locks the mentor row (``select_for_update``; on SQLite the
IMMEDIATE transaction takes the database write lock at BEGIN), then counts
the open matches inside the same transaction, so two proposals can never both
take the last place. ``Mentor.mentee_count`` is refreshed from that count
under the same lock, so ``Mentor.objects.matchable()`` stays right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from alongside.accounts import policy
from alongside.accounts.models import User
from alongside.accounts.policy import SYSTEM, Actor
from alongside.audit.changes import apply_changes
from alongside.audit.services import audit_record
from alongside.core.matching import (
    CRITERIA,
    MentorPool,
    Suggestion,
    Weights,
    explain,
    first_failed_rule,
)
from alongside.matches import profiles
from alongside.matches.models import (
    OPEN_STATUSES,
    BatchPlanJob,
    BatchPlanStatus,
    DeclinedBy,
    EndReason,
    Match,
    MatchingWeights,
    MatchStatus,
    ProposalSource,
)
from alongside.matches.selectors import (
    PROPOSABLE_PATIENT_STATUSES,
    WAITING_PATIENT_STATUSES,
    BatchPlan,
    PlannedPair,
    case_not_matchable_reason,
    match_batch_plan,
    mentor_unavailable_reason,
    patient_shares_with_mentors,
    waiting_patients,
)
from alongside.mentors.models import Mentor
from alongside.notifications.services import notify
from alongside.organisations.models import Service
from alongside.patients.models import Patient

__all__ = [
    "PROPOSABLE_PATIENT_STATUSES",
    "WAITING_PATIENT_STATUSES",
    "BatchPlan",
    "PlannedPair",
    "case_not_matchable_reason",
    "match_batch_plan",
    "mentor_unavailable_reason",
    "patient_shares_with_mentors",
    "waiting_patients",
]


def _today() -> dt.date:
    return timezone.localdate()


def _tell(
    recipient: User | None, *, kind: str, match: Match, subject: str, body: str, link: str
) -> None:
    """Tell the person who acts next, once per event, through the notifications app
    (in-app now; e-mail or SMS by their preferences). Never any clinical detail."""
    notify(
        recipient=recipient,
        kind=kind,
        event_key=f"match:{match.pk}",
        subject=subject,
        body=body,
        link=link,
        service=match.service,
    )


def _therapists_of(match: Match) -> list[User]:
    """Who looks after this match: the therapist who proposed it and the patient's
    allocated therapist (each told once)."""
    people: dict[int, User] = {}
    for person in (match.proposed_by, match.patient.allocated_therapist):
        if person is not None:
            people.setdefault(person.pk, person)
    return list(people.values())


def _lock_mentor(mentor_id: int) -> Mentor:
    return (
        Mentor.objects.select_for_update(of=("self",)).select_related("service").get(pk=mentor_id)
    )


def _open_count(mentor_id: int) -> int:
    return Match.objects.filter(mentor_id=mentor_id, status__in=OPEN_STATUSES).count()


def _refresh_mentee_count(mentor: Mentor) -> None:
    """Store the mentor's open-match count; the caller holds the mentor row lock."""
    count = _open_count(mentor.pk)
    if mentor.mentee_count != count:
        Mentor.objects.filter(pk=mentor.pk).update(mentee_count=count, updated_at=timezone.now())
        mentor.mentee_count = count


def _lock_patient(patient_id: int) -> Patient:
    return Patient.objects.select_for_update(of=("self",)).select_related("user").get(pk=patient_id)


def _lock_match(match: Match) -> tuple[Match, Mentor]:
    """Lock patient, mentor, then the match: every write takes locks in this
    order (patients.services locks the patient first too), so none deadlock."""
    _lock_patient(match.patient_id)
    mentor = _lock_mentor(match.mentor_id)
    fresh = (
        Match.objects.select_for_update(of=("self",))
        .select_related("patient", "patient__service", "mentor", "service", "proposed_by")
        .get(pk=match.pk)
    )
    return fresh, mentor


def _require_status(match: Match, *allowed: str, doing: str) -> None:
    if match.status not in allowed:
        raise ValidationError(
            {"status": f"This match is “{match.get_status_display()}”, so it cannot be {doing}."}
        )


def _site_link(name: str, **kwargs: int) -> str:
    return reverse(name, kwargs=kwargs) if kwargs else reverse(name)


# --- Scores ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    total: float
    parts: dict[str, float | None]
    reasons: list[str]


def scored(suggestion: Suggestion) -> Scored:
    return Scored(
        total=max(0.0, min(1.0, float(suggestion.total))),
        parts=dict(zip(CRITERIA, suggestion.parts, strict=True)),
        reasons=explain(suggestion),
    )


def _weights_snapshot(weights: Weights) -> dict[str, float]:
    return dict(zip(CRITERIA, weights.as_tuple(), strict=True))


# --- Proposing ------------------------------------------------------------------------------


def _propose_locked(
    *,
    actor: Actor,
    patient: Patient,
    mentor: Mentor,
    weights: Weights,
    today: dt.date,
    override_repeat: bool,
    source: str,
) -> Match:
    """Propose with the mentor row already locked by the caller."""
    service = mentor.service
    if patient.service_id != mentor.service_id:
        raise ValidationError({"mentor": "The mentor and the patient are in different services."})
    blocked = case_not_matchable_reason(patient)
    if blocked:
        raise ValidationError({"patient": blocked})
    current = Match.objects.filter(patient=patient, status__in=OPEN_STATUSES).first()
    if current is not None:
        raise ValidationError(
            {
                "patient": f"{patient.full_name} already has a match that is "
                f"“{current.get_status_display().lower()}”; end or withdraw it first."
            }
        )
    if mentor.status not in profiles.POOL_STATUSES:
        raise ValidationError(
            {"mentor": f"{mentor.full_name} cannot be proposed: mentor is not active."}
        )
    excluded = profiles.excluded_mentor_ids([patient.pk]).get(patient.pk, frozenset())
    repeat = mentor.pk in excluded
    if override_repeat:
        excluded = excluded - {mentor.pk}
    patient_profile = profiles.patient_profile(
        patient, service=service, today=today, excluded=excluded
    )
    mentor_profile = profiles.mentor_profile(
        mentor, service=service, today=today, open_matches=_open_count(mentor.pk)
    )
    exclusion = first_failed_rule(patient_profile, mentor_profile)
    if exclusion is not None:
        raise ValidationError(
            {"mentor": f"{mentor.full_name} cannot be proposed: {exclusion.reason}."},
            code=exclusion.rule,
        )
    suggestion = MentorPool([mentor_profile]).rank(patient_profile, weights)[0]
    result = scored(suggestion)
    match = Match(
        service=service,
        patient=patient,
        mentor=mentor,
        status=MatchStatus.PROPOSED,
        proposed_by=policy.person(actor),
        proposed_at=timezone.now(),
        source=source,
        score=result.total,
        criterion_scores=result.parts,
        reasons=result.reasons,
        weights=_weights_snapshot(weights),
        override_repeat=override_repeat and repeat,
    )
    try:
        with transaction.atomic():
            match.save(force_insert=True)
    except IntegrityError as error:
        # Only the one-open-match rule can fail here; the patient lock makes it rare.
        raise ValidationError(
            {"patient": f"{patient.full_name} already has an open match."}
        ) from error
    _refresh_mentee_count(mentor)
    audit_record(
        actor=actor,
        action="match.propose",
        target=match,
        fields=["patient", "mentor", "status", "score", "criterion_scores", "reasons"],
    )
    _tell(
        patient.user if patient.user_id else None,
        kind="match_proposed",
        match=match,
        subject="A peer mentor has been suggested for you",
        body="Your therapist has suggested a peer mentor for you. Read about them and "
        "say whether you would like to meet.",
        link=_site_link("matches:mine"),
    )
    return match


def match_propose(
    *,
    actor: User,
    patient: Patient,
    mentor: Mentor,
    override_repeat: bool = False,
    source: str = ProposalSource.RANKED,
    today: dt.date | None = None,
) -> Match:
    """Propose ``mentor`` for ``patient``; every hard rule is checked again under the lock."""
    policy.require(actor, "match.manage", patient)
    today = today or _today()
    with transaction.atomic():
        locked_patient = _lock_patient(patient.pk)
        locked_mentor = _lock_mentor(mentor.pk)
        return _propose_locked(
            actor=actor,
            patient=locked_patient,
            mentor=locked_mentor,
            weights=profiles.weights_for(locked_mentor.service),
            today=today,
            override_repeat=override_repeat,
            source=source,
        )


# --- The patient's answer ------------------------------------------------------------------


def _acting_for_patient(actor: User, match: Match) -> str:
    """'patient' when the patient answers for themself, 'therapist' when recorded for them."""
    own = policy.is_own_patient_record(actor, match.patient)
    return policy.acting_as(actor, own, "patient", "match.manage", match)


def match_patient_agree(*, actor: User, match: Match) -> Match:
    """The patient agrees to meet the mentor; their mentor-sharing consent must be current."""
    _acting_for_patient(actor, match)
    with transaction.atomic():
        fresh, _ = _lock_match(match)
        _require_status(fresh, MatchStatus.PROPOSED, doing="agreed to")
        if not patient_shares_with_mentors(fresh.patient_id):
            raise ValidationError(
                {
                    "consent": "Consent to share a short profile with a peer mentor is not "
                    "recorded (or was withdrawn). Record it before agreeing to the match."
                }
            )
        fresh.status = MatchStatus.PATIENT_AGREED
        fresh.patient_agreed_at = timezone.now()
        fresh.save(update_fields=["status", "patient_agreed_at", "updated_at"])
        audit_record(
            actor=actor,
            action="match.patient_agree",
            target=fresh,
            fields=["status", "patient_agreed_at"],
        )
        _tell(
            fresh.mentor.user,
            kind="match_patient_agreed",
            match=fresh,
            subject="Someone would like you as their peer mentor",
            body="A patient has agreed to be introduced to you. Read their short profile "
            "and accept or decline.",
            link=_site_link("matches:mentee", match_id=fresh.pk),
        )
    return fresh


def match_patient_decline(*, actor: User, match: Match, reason: str = "") -> Match:
    _acting_for_patient(actor, match)
    with transaction.atomic():
        fresh, mentor = _lock_match(match)
        _require_status(fresh, MatchStatus.PROPOSED, doing="declined")
        _close_declined(fresh, mentor, DeclinedBy.PATIENT, reason.strip() or "Patient declined")
        audit_record(
            actor=actor,
            action="match.patient_decline",
            target=fresh,
            fields=["status", "declined_by", "decline_reason"],
        )
        _notify_therapist(
            fresh, "A patient declined a mentor suggestion", kind="match_patient_declined"
        )
    return fresh


def _close_declined(match: Match, mentor: Mentor, by: str, reason: str) -> None:
    match.status = MatchStatus.DECLINED
    match.declined_by = by
    match.decline_reason = reason
    match.save(update_fields=["status", "declined_by", "decline_reason", "updated_at"])
    _refresh_mentee_count(mentor)


def _notify_therapist(match: Match, subject: str, *, kind: str, body: str = "") -> None:
    for person in _therapists_of(match):
        _tell(
            person,
            kind=kind,
            match=match,
            subject=subject,
            body=body or f"{subject}.",
            link=_site_link("matches:detail", match_id=match.pk),
        )


# --- The mentor's answer --------------------------------------------------------------------


def _acting_for_mentor(actor: User, match: Match) -> str:
    own = policy.is_own_mentor_record(actor, match.mentor)
    return policy.acting_as(actor, own, "mentor", "match.manage", match)


def match_mentor_accept(*, actor: User, match: Match) -> Match:
    _acting_for_mentor(actor, match)
    with transaction.atomic():
        fresh, _ = _lock_match(match)
        _require_status(fresh, MatchStatus.PATIENT_AGREED, doing="accepted")
        if not patient_shares_with_mentors(fresh.patient_id):
            raise ValidationError(
                {"consent": "The patient no longer shares their profile with mentors."}
            )
        fresh.status = MatchStatus.MENTOR_ACCEPTED
        fresh.mentor_responded_at = timezone.now()
        fresh.save(update_fields=["status", "mentor_responded_at", "updated_at"])
        audit_record(
            actor=actor,
            action="match.mentor_accept",
            target=fresh,
            fields=["status", "mentor_responded_at"],
        )
        _notify_therapist(
            fresh,
            "A mentor accepted a match: please introduce them",
            kind="match_mentor_accepted",
            body="The mentor accepted. Introduce the pair, then start the match so the "
            "first-contact clock runs.",
        )
    return fresh


def match_mentor_decline(*, actor: User, match: Match, reason: str) -> Match:
    _acting_for_mentor(actor, match)
    if not reason.strip():
        raise ValidationError({"reason": "Say briefly why you are declining."})
    with transaction.atomic():
        fresh, mentor = _lock_match(match)
        _require_status(fresh, MatchStatus.PATIENT_AGREED, doing="declined")
        _close_declined(fresh, mentor, DeclinedBy.MENTOR, reason.strip())
        fresh.mentor_responded_at = timezone.now()
        fresh.save(update_fields=["mentor_responded_at"])
        audit_record(
            actor=actor,
            action="match.mentor_decline",
            target=fresh,
            fields=["status", "declined_by", "decline_reason", "mentor_responded_at"],
        )
        _notify_therapist(
            fresh,
            "A mentor declined a match: please find another mentor",
            kind="match_mentor_declined",
        )
    return fresh


# --- The therapist's moves ------------------------------------------------------------------


def match_activate(*, actor: User, match: Match, on: dt.date | None = None) -> Match:
    """The pair has been introduced: the match is active and the patient's
    "mentor introduced" target is met."""
    from alongside.patients.services import patient_mentor_introduced

    policy.require(actor, "match.manage", match)
    with transaction.atomic():
        fresh, _ = _lock_match(match)
        _require_status(fresh, MatchStatus.MENTOR_ACCEPTED, doing="started")
        now = timezone.now()
        fresh.status = MatchStatus.ACTIVE
        fresh.started_at = now
        fresh.save(update_fields=["status", "started_at", "updated_at"])
        audit_record(
            actor=actor, action="match.activate", target=fresh, fields=["status", "started_at"]
        )
        patient_mentor_introduced(actor=actor, patient=fresh.patient, on=on or _today())
    return fresh


def match_withdraw(*, actor: User, match: Match, reason: str) -> Match:
    """The therapist withdraws a proposal that has not started."""
    policy.require(actor, "match.manage", match)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the proposal is withdrawn."})
    with transaction.atomic():
        fresh, mentor = _lock_match(match)
        _require_status(
            fresh,
            MatchStatus.PROPOSED,
            MatchStatus.PATIENT_AGREED,
            MatchStatus.MENTOR_ACCEPTED,
            doing="withdrawn",
        )
        _close_declined(fresh, mentor, DeclinedBy.THERAPIST, reason.strip())
        audit_record(
            actor=actor,
            action="match.withdraw",
            target=fresh,
            fields=["status", "declined_by", "decline_reason"],
        )
    return fresh


def match_end(*, actor: User, match: Match, reason: str, note: str = "") -> Match:
    policy.require(actor, "match.manage", match)
    if reason not in EndReason.values:
        raise ValidationError({"reason": "Choose why the match ended."})
    if reason == EndReason.OTHER and not note.strip():
        raise ValidationError({"note": "Say briefly why the match ended."})
    with transaction.atomic():
        fresh, mentor = _lock_match(match)
        _require_status(fresh, MatchStatus.ACTIVE, doing="ended")
        fresh.status = MatchStatus.ENDED
        fresh.ended_at = timezone.now()
        fresh.end_reason = reason
        fresh.end_note = note.strip()
        fresh.needs_review = False
        fresh.save(
            update_fields=[
                "status",
                "ended_at",
                "end_reason",
                "end_note",
                "needs_review",
                "updated_at",
            ]
        )
        _refresh_mentee_count(mentor)
        audit_record(
            actor=actor,
            action="match.end",
            target=fresh,
            fields=["status", "ended_at", "end_reason", "end_note"],
        )
    return fresh


def match_review_clear(*, actor: User, match: Match) -> Match:
    policy.require(actor, "match.manage", match)
    with transaction.atomic():
        fresh, _ = _lock_match(match)
        fresh.needs_review = False
        fresh.review_reason = ""
        fresh.save(update_fields=["needs_review", "review_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="match.review_clear",
            target=fresh,
            fields=["needs_review", "review_reason"],
        )
    return fresh


# --- Mentor unavailable, consent withdrawn --------------------------------------------------


def matches_flag_for_mentor(*, mentor: Mentor, reason: str, actor: Actor = SYSTEM) -> int:
    """Flag the mentor's open proposals and matches for the therapist; returns how many.

    Called by ``mentors.services.mentor_pause`` (through its ON_PAUSE hook) and
    by the ``matches_flag_unavailable`` sweep for expired checks, lapsed
    training and overdue supervision.
    """
    reason = reason.strip()[:300] or "Mentor is no longer available"
    flagged = 0
    with transaction.atomic():
        for match in Match.objects.select_for_update(of=("self",)).filter(
            mentor_id=mentor.pk, status__in=OPEN_STATUSES
        ):
            if match.needs_review and match.review_reason == reason:
                continue
            match.needs_review = True
            match.review_reason = reason
            match.save(update_fields=["needs_review", "review_reason", "updated_at"])
            audit_record(
                actor=actor,
                action="match.flag",
                target=match,
                fields=["needs_review", "review_reason"],
            )
            flagged += 1
    return flagged


def on_mentor_paused(mentor: Mentor, actor: User) -> None:
    """Hook for ``mentors.services.ON_PAUSE`` (runs inside the pause transaction)."""
    words = mentor.paused_reason or "no reason given"
    matches_flag_for_mentor(mentor=mentor, reason=f"Mentor paused: {words}", actor=actor)


def on_mentor_sharing_withdrawn(patient: Patient, actor: Actor) -> None:
    """Hook for ``patients.services`` when the patient stops sharing with mentors.

    Proposals not yet started are declined (the mentor must not see the
    patient); an active match is flagged for the therapist to talk it over.
    """
    for match in Match.objects.filter(patient_id=patient.pk, status__in=OPEN_STATUSES):
        fresh, mentor = _lock_match(match)
        if fresh.status == MatchStatus.ACTIVE:
            fresh.needs_review = True
            fresh.review_reason = "Patient withdrew consent to share with a mentor"
            fresh.save(update_fields=["needs_review", "review_reason", "updated_at"])
            fields = ["needs_review", "review_reason"]
        else:
            _close_declined(fresh, mentor, DeclinedBy.SYSTEM, "Consent to share withdrawn")
            fields = ["status", "declined_by", "decline_reason"]
        audit_record(actor=actor, action="match.consent_withdrawn", target=fresh, fields=fields)
        _notify_therapist(
            fresh,
            "A patient withdrew consent to share with their mentor: please review the match",
            kind="match_consent_withdrawn",
            body="The mentor no longer sees the patient and cannot log contacts. Review the "
            "match: talk it over with the patient and the mentor, then end it or keep it.",
        )


def matches_flag_unavailable(*, today: dt.date | None = None) -> int:
    """The sweep: flag open matches of every mentor who has become unavailable."""
    today = today or _today()
    mentor_ids = (
        Match.objects.filter(status__in=OPEN_STATUSES)
        .values_list("mentor_id", flat=True)
        .distinct()
    )
    flagged = 0
    for mentor in Mentor.objects.filter(pk__in=mentor_ids).select_related("service"):
        reason = mentor_unavailable_reason(mentor, today)
        if reason:
            flagged += matches_flag_for_mentor(mentor=mentor, reason=reason)
    return flagged


# --- Weights ------------------------------------------------------------------------------------


def matching_weights_save(
    *, actor: User, service: Service, values: dict[str, float]
) -> MatchingWeights:
    policy.require(actor, "matching.configure", service)
    clean: dict[str, float] = {}
    for name in CRITERIA:
        value = values.get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise ValidationError({name: "Enter a number (0 or more)."})
        if value < 0:
            raise ValidationError({name: "A weight cannot be negative."})
        if value > 100:
            raise ValidationError({name: "Use a weight of 100 or less."})
        clean[name] = float(value)
    try:
        Weights(**clean)
    except ValueError as error:
        raise ValidationError({"__all__": "At least one weight must be more than 0."}) from error
    with transaction.atomic():
        row, _ = MatchingWeights.objects.select_for_update(of=("self",)).get_or_create(
            service=service
        )
        changed = apply_changes(row, {name: clean[name] for name in CRITERIA})
        row.updated_by = actor
        row.save()
        audit_record(actor=actor, action="matching.weights", target=row, fields=changed)
    return row


# --- Batch run (the plan is read in matches.selectors) ------------------------------------


def batch_plan_job_start(*, actor: User, service: Service) -> BatchPlanJob:
    """Queue a batch run for the task worker; its page shows the progress, then the plan."""
    from alongside.matches import tasks

    policy.require(actor, "match.manage", service)
    with transaction.atomic():
        job = BatchPlanJob.objects.create(service=service, requested_by=actor)
        audit_record(actor=actor, action="match.batch_plan_request", target=job)
        transaction.on_commit(lambda: tasks.batch_plan_run.enqueue(job_id=job.pk))
    return job


def batch_plan_job_run(*, job_id: int) -> BatchPlanJob:
    """Plan a queued batch run (the task worker). Each step is its own short write, so
    no lock is held while the planner scores; a run the worker restarts plans again."""
    job = BatchPlanJob.objects.select_related("service", "requested_by").get(pk=job_id)
    if not job.is_active:
        return job
    rows = BatchPlanJob.objects.filter(pk=job_id)
    rows.update(status=BatchPlanStatus.RUNNING)
    # Permission is checked again now: a membership may have ended since the request.
    actor = job.requested_by
    if actor is None:
        raise ValidationError("The person who asked for this plan no longer has an account.")
    policy.forget(actor)
    policy.require(actor, "match.manage", job.service)
    plan = match_batch_plan(
        actor=SYSTEM, service=job.service, progress=lambda step: rows.update(step=step)
    )
    rows.update(
        status=BatchPlanStatus.DONE,
        step="",
        waiting_count=plan.waiting,
        pairs=[[pair.patient.pk, pair.mentor.pk, round(pair.score, 4)] for pair in plan.pairs],
        unmatched=[patient.pk for patient in plan.unmatched],
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def batch_plan_job_failed(*, job_id: int, message: str) -> None:
    BatchPlanJob.objects.filter(pk=job_id).update(
        status=BatchPlanStatus.FAILED, step="", message=message[:300], finished_at=timezone.now()
    )


def match_batch_publish(
    *,
    actor: Actor,
    service: Service,
    pairs: Sequence[tuple[int, int]],
    today: dt.date | None = None,
) -> list[Match]:
    """Publish (patient id, mentor id) pairs as proposals: all of them or none.

    ``actor`` None is the command line (``alongside match batch``), run by an
    operator with shell access; proposals then have no proposing user.
    """
    if actor is not SYSTEM:
        policy.require(actor, "match.manage", service)
    today = today or _today()
    patient_ids = [p for p, _ in pairs]
    if len(set(patient_ids)) != len(patient_ids):
        raise ValidationError({"pairs": "A patient appears twice in the selection."})
    weights = profiles.weights_for(service)
    created: list[Match] = []
    with transaction.atomic():
        # Patients then mentors, each in id order, so two writers can never deadlock.
        patients = {
            p.pk: p
            for p in Patient.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(service=service, pk__in=sorted(patient_ids))
            .order_by("pk")
        }
        mentors = {
            m.pk: m
            for m in Mentor.objects.select_for_update(of=("self",))
            .select_related("service")
            .filter(service=service, pk__in=sorted({m for _, m in pairs}))
            .order_by("pk")
        }
        for number, (patient_id, mentor_id) in enumerate(pairs, start=1):
            patient, mentor = patients.get(patient_id), mentors.get(mentor_id)
            if patient is None or mentor is None:
                raise ValidationError(
                    {"pairs": f"Row {number}: that patient or mentor is not in this service."}
                )
            try:
                created.append(
                    _propose_locked(
                        actor=actor,
                        patient=patient,
                        mentor=mentor,
                        weights=weights,
                        today=today,
                        override_repeat=False,
                        source=ProposalSource.BATCH,
                    )
                )
            except ValidationError as error:
                words = "; ".join(error.messages)
                raise ValidationError(
                    {"pairs": f"{patient.full_name} with {mentor.full_name}: {words}"}
                ) from error
    return created
