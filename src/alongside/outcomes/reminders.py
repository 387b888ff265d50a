"""The "questionnaire due" sweep (run by `alongside manage send_reminders`).

When a time point's window opens, the patient is told once (in-app, e-mail or
SMS by their preferences, through the notifications app), and reminded once a
week after that if anything is still unanswered. A patient without an account
cannot be told directly: their therapist is asked to send a link or enter the
answers. Patients accepted before the schedule existed are scheduled first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Exists, OuterRef

from alongside.notifications.services import notify
from alongside.outcomes import services
from alongside.outcomes.models import DueStatus, QuestionnaireDue
from alongside.patients.models import Patient, PatientStatus

REMIND_AFTER_DAYS = 7
# Accepted and still with the service: follow-ups go on after a return to work
# (the 12- and 24-month points matter most), not after discharge or a decline.
FOLLOWED_UP = (
    PatientStatus.ELIGIBLE,
    PatientStatus.ACTIVE,
    PatientStatus.MATCHED,
    PatientStatus.RETURNED_TO_WORK,
)


def questionnaire_due_sweep(now: dt.datetime) -> int:
    today = now.date()
    unscheduled = Patient.objects.filter(accepted_on__isnull=False, status__in=FOLLOWED_UP).exclude(
        Exists(QuestionnaireDue.objects.filter(patient=OuterRef("pk")))
    )
    for patient in unscheduled.select_related("service"):
        services.questionnaires_schedule(patient=patient)
    open_now = (
        QuestionnaireDue.objects.filter(
            status=DueStatus.DUE,
            window_opens__lte=today,
            window_closes__gte=today,
            patient__status__in=FOLLOWED_UP,
        )
        .select_related("patient__service", "patient__user", "patient__allocated_therapist")
        .select_related("time_point")
    )
    by_time_point = defaultdict(list)
    for due in open_now:
        by_time_point[(due.patient, due.time_point)].append(due)
    created = 0
    for (patient, time_point), dues in by_time_point.items():
        invited = [d.invited_at for d in dues if d.invited_at is not None]
        if not invited:
            key = f"{patient.pk}:{time_point.pk}"
        elif (now - min(invited)).days >= REMIND_AFTER_DAYS:
            key = f"{patient.pk}:{time_point.pk}:reminder"
        else:
            continue
        note = _tell(patient, time_point, dues, reminder=bool(invited), key=key)
        if note is not None and getattr(note, "created", False):
            created += 1
            if not invited:
                QuestionnaireDue.objects.filter(pk__in=[d.pk for d in dues]).update(invited_at=now)
    return created


def _tell(patient, time_point, dues, *, reminder: bool, key: str):  # type: ignore[no-untyped-def]
    if patient.user_id:
        return notify(
            recipient=patient.user,
            kind="questionnaire_due",
            event_key=key,
            subject=(
                "A reminder: your questionnaires are waiting"
                if reminder
                else "Your vocational therapist would like to know how you are doing"
            ),
            body=(
                f"{len(dues)} short questionnaire{'s' if len(dues) > 1 else ''} "
                f"({time_point.label}). Please answer by "
                f"{max(d.window_closes for d in dues):%d %B %Y}."
            ),
            link="/outcomes/mine/",
            service=patient.service,
        )
    return notify(
        recipient=patient.allocated_therapist,
        kind="questionnaire_due_staff",
        event_key=key,
        subject=f"{time_point.label} questionnaires are open for a patient",
        body=(
            f"{patient.given_name} {patient.family_name[:1]}. has no account: send them a "
            "link or enter their answers with them."
        ),
        link=f"/outcomes/patients/{patient.pk}/",
        service=patient.service,
    )
