"""The crisis escalation sweep: a risk concern nobody has acknowledged in time
reaches the service's managers (once per concern, through ``notify``).

How long "in time" is, is the service's setting ``crisis_escalation_minutes``.
The sweep runs with the other reminders (`alongside manage send_reminders`, or
the worker's schedule); run it every few minutes where the service relies on it.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from alongside.accounts.selectors import managers_of
from alongside.contacts.models import Concern, ConcernStatus
from alongside.core.crisis import URGENT_CONCERN_KINDS
from alongside.notifications.services import notify


def crisis_escalation(now: dt.datetime) -> int:
    """Tell managers about open risk concerns older than their service's limit."""
    candidates = (
        Concern.objects.filter(
            status=ConcernStatus.OPEN,
            kind__in=sorted(URGENT_CONCERN_KINDS),
            raised_at__lte=now - dt.timedelta(minutes=1),
        )
        .select_related("service", "contact__match__mentor")
        .order_by("raised_at")
    )
    told = 0
    for concern in candidates:
        limit = dt.timedelta(minutes=concern.service.crisis_escalation_minutes)
        if concern.raised_at > now - limit:
            continue
        mentor = concern.contact.match.mentor
        waited = int((now - concern.raised_at).total_seconds() // 60)
        for manager in managers_of(concern.service_id):
            result = notify(
                recipient=manager,
                kind="concern_escalated",
                event_key=f"concern:{concern.pk}",
                subject=f"Not acknowledged after {waited} minutes: "
                f"{concern.get_kind_display().lower()}",
                body=f"{mentor.first_name} {mentor.last_name[:1]}. raised a "
                f"{concern.get_kind_display().lower()} concern and nobody has acknowledged it. "
                "Please make sure someone acts on it now.",
                link=reverse("contacts:concern", kwargs={"concern_id": concern.pk}),
                essential=True,
                service=concern.service,
            )
            if result is not None and getattr(result, "created", False):
                told += 1
    return told
