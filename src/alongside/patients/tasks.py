"""Background tasks: overdue-target notifications (daily), referral imports from the upload page."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django_tasks import task

from alongside.notifications.services import notify
from alongside.patients import importing, selectors
from alongside.patients.models import Patient, TargetAlert


def overdue_alerts_send() -> int:
    """Tell the people who act on an overdue target, once each; returns how many were told.

    An allocated case's therapist is told; an unallocated case's service managers
    are told instead, and the therapist allocated later is told at the next run.
    The notification (unique per person and event) is the memory of who was
    told; the TargetAlert row records that the alert went out, and is written
    only once somebody has been told.
    """
    told = 0
    for patient, targets in selectors.overdue_cases(Patient.objects.all()):
        recipients = selectors.overdue_alert_recipients(patient)
        link = reverse("patients:detail", kwargs={"patient_id": patient.pk})
        for target in targets:
            assert target.due_on is not None  # an overdue target has a due date
            unallocated = patient.allocated_therapist is None
            body = (
                f"{target.label} for {patient.given_name} {patient.family_name[:1]}. "
                f"({patient.service.name}) was due on {target.due_on:%d %B %Y} and is now overdue."
            )
            if unallocated:
                body += " The case has no therapist yet: allocate one."
            notified = []
            for person in recipients:
                notification = notify(
                    recipient=person,
                    kind="target_overdue",
                    event_key=f"{patient.pk}:{target.key}:{target.due_on.isoformat()}",
                    subject=f"Overdue: {target.label.lower()} for a patient",
                    body=body,
                    link=link,
                    service=patient.service,
                )
                if notification is not None:
                    notified.append(person)
                    told += int(getattr(notification, "created", False))
            if not notified:
                continue  # nobody could be told: try again at the next run
            try:
                with transaction.atomic():
                    TargetAlert.objects.update_or_create(
                        patient=patient,
                        target=target.key,
                        defaults={"due_on": target.due_on, "sent_to": notified[0].email},
                    )
            except IntegrityError:
                continue  # another worker recorded it first
    return told


@task()
def send_overdue_alerts() -> int:
    return overdue_alerts_send()


@task()
def referral_import_check(*, job_id: int) -> int:
    """Check an uploaded referral file; returns the number of valid rows."""
    try:
        return importing.import_job_check(job_id=job_id).rows_valid
    except Exception:
        importing.import_job_failed(job_id=job_id)
        raise


@task()
def referral_import_write(*, job_id: int) -> int:
    """Import a checked referral file; returns the number of referrals created."""
    try:
        return importing.import_job_write(job_id=job_id).rows_written
    except Exception:
        importing.import_job_failed(job_id=job_id)
        raise
