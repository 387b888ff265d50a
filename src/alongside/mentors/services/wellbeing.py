"""Debrief requests and well-being check-ins: how a mentor asks for support and
how their supervisor answers."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from alongside.accounts import policy
from alongside.accounts.models import User
from alongside.accounts.selectors import supervisor_or_managers
from alongside.audit.services import audit_record
from alongside.core import mentor_programme as rules
from alongside.mentors.models import (
    DebriefRequest,
    DebriefSource,
    Mentor,
    WellbeingCheckIn,
)
from alongside.mentors.selectors import checkin_visible_or_404
from alongside.mentors.services.compliance import _locked, _today, wellbeing_hold_refresh

# --- Debriefs ----------------------------------------------------------------------------


def debrief_request_open(
    *, actor: User, mentor: Mentor, reason: str, source: str, source_id: int
) -> DebriefRequest:
    """Ask the mentor's supervisor to offer a debrief. Idempotent per (source, source_id):
    a second call returns the request already opened. Call it inside the caller's
    transaction (a concern or a check-in being written)."""
    policy.require_own_or(
        actor, policy.is_own_mentor_record(actor, mentor), "mentor.manage", mentor
    )
    if source not in DebriefSource.values:
        raise ValidationError({"source": "Unknown source of a debrief request."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why a debrief is needed."})
    with transaction.atomic():
        found, created = DebriefRequest.objects.get_or_create(
            source=source,
            source_id=source_id,
            defaults={"mentor": mentor, "reason": reason.strip()[:200], "requested_by": actor},
        )
        if created:
            held = wellbeing_hold_refresh(_locked(mentor))
            audit_record(
                actor=actor,
                action="mentor.debrief_open",
                target=mentor,
                fields=["debrief_requests.reason", "debrief_requests.source", *held],
            )
    return found


def debrief_request_book(
    *,
    actor: User,
    debrief: DebriefRequest,
    booked_on: dt.date | None,
    today: dt.date | None = None,
) -> DebriefRequest:
    """Book (or move) the date of an open debrief. A mentor does not book their own."""
    policy.require(actor, "mentor.manage", debrief.mentor)
    policy.require_not_oneself(actor, debrief.mentor)
    if booked_on is None:
        raise ValidationError({"booked_on": "Enter the date of the debrief."})
    if booked_on < (today or _today()):
        raise ValidationError({"booked_on": "Book the debrief for today or later."})
    with transaction.atomic():
        locked = DebriefRequest.objects.select_for_update().get(pk=debrief.pk)
        if locked.closed_at is not None:
            raise ValidationError({"booked_on": "This debrief has already been held."})
        locked.booked_on = booked_on
        locked.save(update_fields=["booked_on"])
        audit_record(
            actor=actor,
            action="mentor.debrief_book",
            target=debrief.mentor,
            fields=["debrief_requests.booked_on"],
        )
    return locked


def debrief_request_book_for_source(
    *, actor: User, source: str, source_id: int, booked_on: dt.date, today: dt.date | None = None
) -> DebriefRequest | None:
    """Book the open debrief opened by ``source``/``source_id``, if there is one."""
    found = (
        DebriefRequest.objects.select_related("mentor")
        .filter(source=source, source_id=source_id, closed_at__isnull=True)
        .first()
    )
    if found is None:
        return None
    return debrief_request_book(actor=actor, debrief=found, booked_on=booked_on, today=today)


# --- Well-being check-ins -----------------------------------------------------------


def checkin_submit(
    *,
    actor: User,
    mentor: Mentor,
    score: int,
    affecting_me: bool,
    wants_to_talk: bool,
    comment: str = "",
) -> WellbeingCheckIn:
    """A mentor's own check-in. A low score or a wish to talk flags it: the
    supervisor sees it on their home page at once and gets an e-mail."""
    policy.require_own_mentor_record(actor, mentor)
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError({"score": "Choose a score from 1 to 5."})
    flagged = rules.checkin_needs_attention(score, wants_to_talk)
    with transaction.atomic():
        checkin = WellbeingCheckIn.objects.create(
            mentor=mentor,
            score=score,
            affecting_me=affecting_me,
            wants_to_talk=wants_to_talk,
            comment=comment.strip(),
            flagged=flagged,
        )
        audit_record(
            actor=actor,
            action="mentor.checkin_submit",
            target=mentor,
            fields=[
                "checkins.score",
                "checkins.affecting_me",
                "checkins.wants_to_talk",
                "checkins.comment",
            ],
        )
        if flagged:
            _alert_supervisor(mentor, checkin)
        if wants_to_talk:
            debrief_request_open(
                actor=actor,
                mentor=mentor,
                reason="Asked to talk to their supervisor in a well-being check-in.",
                source=DebriefSource.CHECKIN,
                source_id=checkin.pk,
            )
        # A better week after a flagged one lifts the hold that one caused, so always refresh.
        wellbeing_hold_refresh(_locked(mentor))
    return checkin


def _alert_supervisor(mentor: Mentor, checkin: WellbeingCheckIn) -> None:
    """Tell the supervisor through the notifications app, so their preferences, quiet
    hours, in-app list and retries apply (not essential: a well-being alert is not about
    someone's immediate safety, and it already shows on the supervisor's home page)."""
    from alongside.notifications.services import notify

    recipients = supervisor_or_managers(mentor)
    why = []
    if checkin.score <= rules.LOW_WELLBEING_SCORE:
        why.append(f"rated mentoring {checkin.score} out of 5")
    if checkin.wants_to_talk:
        why.append("asked to talk to their supervisor")
    # The message names nothing clinical: it says who, and where to look.
    body = (
        f"{mentor.first_name} {mentor.last_name[:1]}. {' and '.join(why)} in a well-being "
        "check-in.\n\nPlease get in touch and offer a debrief."
    )
    for recipient in recipients:
        notify(
            recipient=recipient,
            kind="mentor_wellbeing_alert",
            event_key=f"checkin:{checkin.pk}",
            subject="A mentor would like support",
            body=body,
            link=reverse("mentors:detail", kwargs={"mentor_id": mentor.pk}),
            service=mentor.service,
        )


def checkin_acknowledge(
    *,
    actor: User,
    checkin: WellbeingCheckIn,
    debrief_on: dt.date | None = None,
    today: dt.date | None = None,
) -> WellbeingCheckIn:
    """The supervisor (or manager) has seen a flagged check-in, and may book a debrief."""
    visible = checkin_visible_or_404(actor, checkin.pk)
    # A mentor does not acknowledge their own alert.
    policy.require_not_oneself(actor, visible.mentor)
    if debrief_on is not None and debrief_on < (today or _today()):
        raise ValidationError({"debrief_on": "Book the debrief for today or later."})
    with transaction.atomic():
        locked = WellbeingCheckIn.objects.select_for_update().get(pk=checkin.pk)
        locked.acknowledged_by = actor
        locked.acknowledged_at = timezone.now()
        locked.debrief_on = debrief_on
        locked.save(update_fields=["acknowledged_by", "acknowledged_at", "debrief_on"])
        audit_record(
            actor=actor,
            action="mentor.checkin_acknowledge",
            target=visible.mentor,
            fields=["checkins.acknowledged_at", "checkins.debrief_on"],
        )
        if debrief_on is not None:
            debrief_request_book_for_source(
                actor=actor,
                source=DebriefSource.CHECKIN,
                source_id=checkin.pk,
                booked_on=debrief_on,
                today=today,
            )
        wellbeing_hold_refresh(_locked(visible.mentor))
    return locked
