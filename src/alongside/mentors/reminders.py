"""Reminder sweep: required training due for re-certification, or lapsed.

Registered with ``notifications.reminders.register_sweep`` in ``MentorsConfig.ready``.
Each (mentor, module, valid-until date, due|lapsed) is one event: the mentor
and their supervisor (or, without one, the service's managers) are told once
when it falls due within 30 days and once more if it lapses. Checks due for
renewal are the ``checks_expiring`` sweep (contacts.reminders), which reads the
same stored ``checks_valid_until`` (a typed expiry or the renewal period).
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from alongside.accounts.selectors import supervisor_or_managers
from alongside.core import mentor_programme as rules
from alongside.mentors.models import Mentor, MentorStatus
from alongside.mentors.services import training_statuses
from alongside.notifications.services import notify

CURRENT = (MentorStatus.ACTIVE, MentorStatus.PAUSED)


def training_recertification(now: dt.datetime) -> int:
    """Current mentors whose required training falls due within 30 days, or has lapsed."""
    today = timezone.localdate(now)
    # The stored date is the earliest end of any required module: one indexed filter.
    mentors = Mentor.objects.filter(
        status__in=CURRENT,
        training_valid_until__isnull=False,
        training_valid_until__lte=today + dt.timedelta(days=rules.RENEWAL_NOTICE_DAYS),
    ).select_related("supervisor", "service", "user")
    sent = 0
    for mentor in mentors:
        for status, state in rules.recertification_events(training_statuses(mentor, today), today):
            until = status.valid_until
            title = status.module.title
            if state == "lapsed":
                subject = f"Training lapsed on {until:%d %B %Y}: {title}"
                body = "Re-certify to take new mentees again; current mentees carry on."
            else:
                subject = f"Training due for re-certification by {until:%d %B %Y}: {title}"
                body = "Re-certify before that date so that mentoring can carry on without a gap."
            for person in [*supervisor_or_managers(mentor), mentor.user]:
                if person is None:
                    continue
                own = person.pk == mentor.user_id
                result = notify(
                    recipient=person,
                    kind="training_recertification",
                    event_key=f"mentor:{mentor.pk}:module:{status.module.id}:{until}:{state}",
                    subject=subject
                    if own
                    else f"{mentor.first_name} {mentor.last_name[:1]}.: " + subject,
                    body=body,
                    link=reverse("mentors:mine")
                    if own
                    else reverse("mentors:detail", kwargs={"mentor_id": mentor.pk}),
                    service=mentor.service,
                )
                sent += 1 if result is not None and getattr(result, "created", False) else 0
    return sent
