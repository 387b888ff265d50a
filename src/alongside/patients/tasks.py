"""Daily task: e-mail therapists about cases that have just become overdue."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django_tasks import task

from alongside.accounts.tasks import send_email
from alongside.patients import selectors
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
