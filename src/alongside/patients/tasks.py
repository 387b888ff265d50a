"""Background tasks: overdue-case e-mails (daily) and referral imports from the upload page."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django_tasks import task

from alongside.accounts.tasks import send_email
from alongside.patients import importing, selectors
from alongside.patients.models import Patient, TargetAlert


def overdue_alerts_send() -> int:
    """One e-mail per case and target the first time it is found overdue.

    The TargetAlert row (unique per case and target) is the memory: a second
    run, or two workers at once, find it and send nothing more.
    """
    sent = 0
    for patient, targets in selectors.overdue_cases(Patient.objects.all()):
        therapist = patient.allocated_therapist
        for target in targets:
            if TargetAlert.objects.filter(patient=patient, target=target.key).exists():
                continue
            try:
                with transaction.atomic():
                    TargetAlert.objects.create(
                        patient=patient,
                        target=target.key,
                        due_on=target.due_on,
                        sent_to=therapist.email if therapist else "",
                    )
                    if therapist is not None:
                        link = reverse("patients:detail", kwargs={"patient_id": patient.pk})
                        send_email.enqueue(
                            to=[therapist.email],
                            subject=f"Overdue: {target.label.lower()} for a patient",
                            body=(
                                f"{target.label} for {patient.given_name} "
                                f"{patient.family_name[:1]}. "
                                f"({patient.service.name}) was due on {target.due_on:%d %B %Y} "
                                f"and is now overdue.\n\nOpen the case: {link}\n"
                            ),
                        )
                        sent += 1
            except IntegrityError:
                continue  # another worker recorded it first
    return sent


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
