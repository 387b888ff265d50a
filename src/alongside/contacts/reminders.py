"""Reminder sweeps for mentoring pairs and the mentors who keep them going.

Each sweep finds events with one indexed query and tells people through
``notifications.services.notify`` — once per event, whatever the schedule.
Event keys carry the date that defines the event (the last contact, the due
date), so a pair that goes quiet a second time is a second event.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils import timezone

from alongside.accounts.selectors import supervisor_or_managers
from alongside.contacts.models import Contact, SurveyResponse
from alongside.contacts.selectors import thresholds_for_services
from alongside.core.engagement import Thresholds
from alongside.matches.models import Match, MatchQuerySet, MatchStatus
from alongside.mentors.models import Mentor, MentorStatus
from alongside.notifications.services import notify

SUPERVISION_NOTICE_DAYS = 7
CHECK_NOTICE_DAYS = 30
SURVEY_WINDOW_DAYS = 60


def _told(result: object) -> int:
    return 1 if result is not None and getattr(result, "created", False) else 0


def _active_matches() -> MatchQuerySet:
    return Match.objects.filter(status=MatchStatus.ACTIVE, started_at__isnull=False)


def first_contact_due(now: dt.datetime) -> int:
    """The mentor has not been in touch N days after the match started."""
    least = min([Thresholds().first_contact_days, *_all_first_contact_days()])
    matches = (
        _active_matches()
        .filter(started_at__lte=now - dt.timedelta(days=least))
        .exclude(Exists(Contact.objects.filter(match=OuterRef("pk"))))
        .select_related("mentor__user", "service")
    )
    thresholds = thresholds_for_services({m.service_id for m in matches})
    sent = 0
    for match in matches:
        if match.started_at > now - dt.timedelta(
            days=thresholds[match.service_id].first_contact_days
        ):
            continue
        sent += _told(
            notify(
                recipient=match.mentor.user,
                kind="first_contact_due",
                event_key=f"match:{match.pk}",
                subject="Time to get in touch with your new mentee",
                body="Your match started a while ago and no contact is logged yet. If you have "
                "been in touch, log it; if something is in the way, tell your supervisor.",
                link=reverse("contacts:log", kwargs={"match_id": match.pk}),
                service=match.service,
            )
        )
    return sent


def _all_first_contact_days() -> list[int]:
    from alongside.contacts.models import EngagementSettings

    return list(EngagementSettings.objects.values_list("first_contact_days", flat=True))


def pair_quiet(now: dt.datetime) -> int:
    """No contact for the service's "quiet" number of days: nudge the mentor, tell the
    supervisor."""
    from alongside.contacts.models import EngagementSettings

    least = min(
        [Thresholds().quiet_after_days]
        + list(EngagementSettings.objects.values_list("quiet_after_days", flat=True))
    )
    matches = (
        _active_matches()
        .annotate(last_contact_at=Max("contacts__contact_at"))
        .filter(last_contact_at__lte=now - dt.timedelta(days=least))
        .select_related("mentor__user", "mentor__supervisor", "service")
    )
    thresholds = thresholds_for_services({m.service_id for m in matches})
    sent = 0
    for match in matches:
        quiet_days = thresholds[match.service_id].quiet_after_days
        if match.last_contact_at > now - dt.timedelta(days=quiet_days):
            continue
        key = f"match:{match.pk}:last:{match.last_contact_at:%Y-%m-%d}"
        sent += _told(
            notify(
                recipient=match.mentor.user,
                kind="pair_quiet",
                event_key=key,
                subject="It has been a while since you and your mentee were in touch",
                body=f"No contact has been logged for {quiet_days} days or more. A short "
                "message or call can make a difference.",
                link=reverse("contacts:log", kwargs={"match_id": match.pk}),
                service=match.service,
            )
        )
        sent += _told(
            notify(
                recipient=match.mentor.supervisor,
                kind="pair_quiet_supervisor",
                event_key=key,
                subject=f"A pair of {match.mentor.first_name} {match.mentor.last_name[:1]}. "
                "has gone quiet",
                body=f"No contact logged for {quiet_days} days or more.",
                link=reverse("contacts:match", kwargs={"match_id": match.pk}),
                service=match.service,
            )
        )
    return sent


CURRENT = (MentorStatus.ACTIVE, MentorStatus.PAUSED)


def supervision_due(now: dt.datetime) -> int:
    """A current mentor's supervision is due within a week (or overdue)."""
    today = timezone.localdate(now)
    mentors = Mentor.objects.filter(
        status__in=CURRENT,
        supervision_due_on__lte=today + dt.timedelta(days=SUPERVISION_NOTICE_DAYS),
    ).select_related("supervisor", "service")
    sent = 0
    for mentor in mentors:
        for person in supervisor_or_managers(mentor):
            sent += _told(
                notify(
                    recipient=person,
                    kind="supervision_due",
                    event_key=f"mentor:{mentor.pk}:due:{mentor.supervision_due_on}",
                    subject=f"Supervision due for {mentor.first_name} {mentor.last_name[:1]}.",
                    body=f"Supervision is due on {mentor.supervision_due_on:%d %B %Y}.",
                    link=reverse("mentors:detail", kwargs={"mentor_id": mentor.pk}),
                    service=mentor.service,
                )
            )
    return sent


def checks_expiring(now: dt.datetime) -> int:
    """A current mentor's background check (or another required check) expires within 30 days."""
    today = timezone.localdate(now)
    mentors = Mentor.objects.filter(
        status__in=CURRENT,
        checks_valid_until__isnull=False,
        checks_valid_until__lte=today + dt.timedelta(days=CHECK_NOTICE_DAYS),
    ).select_related("supervisor", "service", "user")
    sent = 0
    for mentor in mentors:
        until = mentor.checks_valid_until
        verb = "expired" if until < today else "expires"
        for person in [*supervisor_or_managers(mentor), mentor.user]:
            sent += _told(
                notify(
                    recipient=person,
                    kind="check_expiring",
                    # Due soon and lapsed are two events: told once each.
                    event_key=f"mentor:{mentor.pk}:checks:{until}"
                    + (":lapsed" if until < today else ""),
                    subject=f"A mentor check {verb} on {until:%d %B %Y}"
                    if verb == "expired"
                    else f"A mentor check is due for renewal by {until:%d %B %Y}",
                    body="Renew it so that mentoring can carry on without a pause.",
                    link=reverse("mentors:detail", kwargs={"mentor_id": mentor.pk})
                    if person is not mentor.user
                    else reverse("mentors:mine"),
                    service=mentor.service,
                )
            )
    return sent


def survey_invite(now: dt.datetime) -> int:
    """Invite the mentor and the patient of a recently ended match to the optional survey."""
    matches = Match.objects.filter(
        status=MatchStatus.ENDED,
        ended_at__gte=now - dt.timedelta(days=SURVEY_WINDOW_DAYS),
    ).select_related("mentor__user", "patient__user", "service")
    answered = set(SurveyResponse.objects.filter(match__in=matches).values_list("match_id", "role"))
    sent = 0
    for match in matches:
        link = reverse("contacts:survey", kwargs={"match_id": match.pk})
        for role, person in (("mentor", match.mentor.user), ("patient", match.patient.user)):
            if (match.pk, role) in answered:
                continue
            sent += _told(
                notify(
                    recipient=person,
                    kind="survey_invite",
                    event_key=f"match:{match.pk}",
                    subject="How did peer mentoring go? (four optional questions)",
                    body="Your mentoring has ended. If you would like to, tell us what helped "
                    "and what could be better.",
                    link=link,
                    service=match.service,
                )
            )
    return sent
