"""Demo data for contacts (a step of `alongside demo`, after matches).

For every active and ended demo match: contacts over the months with realistic
gaps — early visits on the ward, then phone, video and messages — so that every
engagement state appears (on track, needs check-in, quiet, not started). A few
concerns are open (one of them mentor distress, with its open debrief request
in the mentor's supervision record), one is
acknowledged and some are closed with the action taken. Some ended matches
have survey answers.

Idempotent: a service that already has contacts is left alone. Rows are
bulk-created without an audit event per row (synthetic data).
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from alongside.contacts.models import (
    DEFAULT_TOPICS,
    Concern,
    ConcernStatus,
    Contact,
    SurveyResponse,
)
from alongside.core.engagement import EngagementState
from alongside.core.vocabulary import LoggedContactMode as Mode
from alongside.demo.builder import DemoContext
from alongside.matches.models import EndReason, Match, MatchStatus
from alongside.mentors.models import DebriefRequest, DebriefSource
from alongside.organisations.models import Service

REFLECTIONS = [
    "Talked about the first weeks back; he asked how I managed fatigue.",
    "Good energy today. She wants to talk to her manager about a phased return.",
    "Short call, tired after physio. Agreed to try again next week.",
    "We compared notes on equipment for the workshop. Useful.",
    "Harder conversation: worried about money. Suggested asking the therapist about benefits.",
    "",
    "",
]
# (pattern, days since the last contact): the engagement state each pattern ends in.
PATTERNS = [
    EngagementState.ON_TRACK,
    EngagementState.ON_TRACK,
    EngagementState.NEEDS_CHECK_IN,
    EngagementState.QUIET,
    EngagementState.ON_TRACK,
    EngagementState.NOT_STARTED,
]
CONCERNS = [
    ("health_change", "Said the pain is much worse and he has stopped going to hydrotherapy."),
    ("mentor_distress", "This brought back a lot about my own accident. I would like to talk."),
    ("boundary", "Asked me to lend him money for a taxi to the job centre."),
    ("risk_to_self", "Said he sometimes wonders what the point is. Did not say more."),
    ("safeguarding", "Mentioned his partner shouting at him when he cannot help at home."),
]


def load(ctx: DemoContext) -> None:
    for slug, service in sorted(ctx.services.items()):
        if Contact.objects.filter(service=service).exists():
            continue
        matches = list(
            Match.objects.filter(
                service=service,
                status__in=(MatchStatus.ACTIVE, MatchStatus.ENDED),
                started_at__isnull=False,
            )
            .select_related("mentor", "mentor__user", "mentor__supervisor", "patient__user")
            .order_by("pk")
        )
        if not matches:
            ctx.log(f"contacts: no started matches in {slug} yet; no contacts made")
            continue
        with transaction.atomic():
            _load_service(ctx, service, matches, random.Random(f"{ctx.rng.random()}-{slug}"))


def _load_service(
    ctx: DemoContext, service: Service, matches: list[Match], rng: random.Random
) -> None:
    zone = ZoneInfo(service.time_zone)
    now = timezone.now()
    today = now.astimezone(zone).date()
    demo_mentor_user = ctx.users.get("mentor@demo.example")
    therapist = ctx.users.get("therapist@demo.example")
    contacts: list[Contact] = []
    active_seen = 0
    for match in matches:
        started = match.started_at.astimezone(zone).date()  # type: ignore[union-attr]
        if match.status == MatchStatus.ACTIVE:
            if demo_mentor_user and match.mentor.user_id == demo_mentor_user.pk:
                # The demo mentor's pair is on track: met on the ward, then a call.
                days = [d for d in (1, 4) if started + dt.timedelta(days=d) < today]
                until, pattern = today, "demo"
            else:
                pattern = PATTERNS[active_seen % len(PATTERNS)]
                active_seen += 1
                gap_at_end = {
                    "on_track": rng.randint(1, 8),
                    "needs_check_in": rng.randint(15, 19),
                    "quiet": rng.randint(24, 60),
                    "not_started": None,
                }[pattern]
                if gap_at_end is None:
                    continue
                until = today - dt.timedelta(days=gap_at_end)
                days = _contact_days(rng, started, until, regular=True)
                # The last contact falls exactly `gap_at_end` days ago, so the state is as planned.
                if until >= started and (until - started).days not in days:
                    days.append((until - started).days)
        else:
            ended = (match.ended_at or now).astimezone(zone).date()
            regular = match.end_reason == EndReason.GOALS_MET
            if match.end_reason == EndReason.NO_CONTACT:
                days = [rng.randint(3, 12)] if rng.random() < 0.4 else []
            else:
                days = _contact_days(rng, started, ended, regular=regular)
            until = ended
        for index, offset in enumerate(days):
            day = started + dt.timedelta(days=offset)
            if day > until or day > today:
                continue
            moment = dt.datetime.combine(
                day, dt.time(rng.randint(9, 18), rng.choice([0, 30])), zone
            )
            if moment > now:
                moment = now - dt.timedelta(hours=1)
            contacts.append(
                Contact(
                    match=match,
                    service=service,
                    logged_by=match.mentor.user,
                    contact_at=moment,
                    mode=_mode(rng, index),
                    duration_minutes=rng.choice([15, 20, 30, 30, 45, 60, 90]),
                    topics=rng.sample(DEFAULT_TOPICS[:-1], rng.randint(1, 3)),
                    reflection=rng.choice(REFLECTIONS),
                )
            )
    Contact.objects.bulk_create(contacts, batch_size=2000)
    _concerns(service, rng, therapist, now)
    _surveys(service, matches, rng)
    ctx.log(f"contacts: {len(contacts)} contacts in {service.slug}")


def _contact_days(
    rng: random.Random, started: dt.date, until: dt.date, *, regular: bool
) -> list[int]:
    """Day offsets from the start: a first contact within days, then gaps of 4–14 days
    (regular) or 7–30 (irregular)."""
    span = (until - started).days
    if span < 0:
        return []
    offset = rng.randint(0, 6) if regular else rng.randint(3, 15)
    days = []
    while offset <= span:
        days.append(offset)
        offset += rng.randint(4, 14) if regular else rng.randint(7, 30)
    return days


def _mode(rng: random.Random, index: int) -> str:
    if index < 2:
        return rng.choice(
            [
                Mode.IN_PERSON_WARD,
                Mode.IN_PERSON_WARD,
                Mode.PHONE,
            ]
        )
    return rng.choice([Mode.PHONE, Mode.PHONE, Mode.VIDEO, Mode.MESSAGE, Mode.IN_PERSON_OTHER])


def _concerns(service: Service, rng: random.Random, therapist: object, now: dt.datetime) -> None:
    # Two open, one acknowledged, the rest closed; the newest contacts carry the open ones.
    recent = list(
        Contact.objects.filter(service=service, match__status=MatchStatus.ACTIVE)
        .select_related("match__mentor", "match__mentor__supervisor")
        .order_by("-contact_at")[:40]
    )
    older = list(
        Contact.objects.filter(service=service)
        .exclude(pk__in=[c.pk for c in recent])
        .select_related("match__mentor", "match__mentor__supervisor")
        .order_by("contact_at")[:60]
    )
    plan = [
        (recent, 1, ConcernStatus.OPEN),  # mentor distress first: a debrief is needed
        (recent, 0, ConcernStatus.OPEN),
        (recent, 2, ConcernStatus.ACKNOWLEDGED),
        (older, 3, ConcernStatus.CLOSED),
        (older, 4, ConcernStatus.CLOSED),
        (older, 0, ConcernStatus.CLOSED),
    ]
    used: set[int] = set()
    for pool, which, status in plan:
        choices = [c for c in pool if c.pk not in used]
        if not choices:
            continue
        contact = choices[0] if status == ConcernStatus.OPEN else rng.choice(choices)
        used.add(contact.pk)
        kind, description = CONCERNS[which]
        supervisor = contact.match.mentor.supervisor or therapist
        raised = contact.contact_at + dt.timedelta(minutes=contact.duration_minutes + 10)
        fields: dict[str, object] = {}
        if status != ConcernStatus.OPEN:
            fields.update(
                acknowledged_by=supervisor, acknowledged_at=raised + dt.timedelta(hours=3)
            )
        if status == ConcernStatus.CLOSED:
            fields.update(
                closed_by=supervisor,
                closed_at=raised + dt.timedelta(days=2),
                action_taken="Spoke with the mentor and the patient's therapist; plan agreed.",
            )
        concern = Concern.objects.create(
            contact=contact,
            service=service,
            kind=kind,
            description=description,
            raised_by=contact.match.mentor.user,
            status=status,
            debrief_needed=kind == "mentor_distress",
            **fields,
        )
        # raised_at is set on insert (auto_now_add): move it to just after the contact.
        Concern.objects.filter(pk=concern.pk).update(raised_at=raised)
        if concern.debrief_needed and status != ConcernStatus.CLOSED:
            # As concern_raise does: the debrief waits in the mentor's supervision record.
            DebriefRequest.objects.get_or_create(
                source=DebriefSource.CONCERN,
                source_id=concern.pk,
                defaults={
                    "mentor": contact.match.mentor,
                    "reason": "Upset by a mentoring contact (concern raised).",
                    "requested_by": contact.match.mentor.user,
                    "requested_at": raised,
                },
            )
        if supervisor is not None:
            concern.notified.add(supervisor)  # type: ignore[arg-type]


def _surveys(service: Service, matches: list[Match], rng: random.Random) -> None:
    rows = []
    for match in matches:
        if match.status != MatchStatus.ENDED or rng.random() < 0.4:
            continue
        helped = match.end_reason == EndReason.GOALS_MET
        for role in ("patient", "mentor"):
            if rng.random() < 0.3:
                continue
            rows.append(
                SurveyResponse(
                    match=match,
                    service=service,
                    respondent=match.patient.user if role == "patient" else match.mentor.user,
                    role=role,
                    usefulness=rng.randint(4, 5) if helped else rng.randint(1, 3),
                    would_recommend=helped or rng.random() < 0.5,
                    what_helped="Seeing someone who had been through it go back to work."
                    if helped
                    else "",
                    could_be_better="" if helped else "Hard to find times that suited us both.",
                )
            )
    SurveyResponse.objects.bulk_create(rows, ignore_conflicts=True)
