"""Caching the dashboard figures per service and period, correct across web workers.

The default cache is in-process memory (one copy per web worker), so a worker cannot
delete another worker's entries. Instead each cache key carries the service's
*generation* (``DashboardGeneration``), a number in the database that goes up in the
same transaction as any write the figures depend on: after a write every worker reads
the new number and so a new key; the old entries are never read again and expire.

The number is moved by ``post_save`` / ``post_delete`` receivers on the models the
figures read (connected in ``ReportsConfig.ready``), so no other app's service has to
remember to call us. Two kinds of write send no signal: ``QuerySet.update`` (the only
one on these models is a mentor's ``mentee_count``, always written with a ``Match``
in the same transaction, which moves the number) and ``bulk_create`` (the referral
import): for that the key also carries the service's highest patient id, read in the
same query as the generation. Figures that change with the calendar (targets judged,
engagement "today") are keyed by the service's today as well. See docs/reports.md.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import F, Max, OuterRef, Subquery
from django.utils import timezone

# A cached section lives at most this long even without a write (safety net only).
TIMEOUT_SECONDS = 60 * 60


def bump(service_id: int | None, *, create: bool = True) -> None:
    """Move the service's generation on (in the caller's transaction).

    A delete never creates the row: deleting a service cascades to its patients, and a
    row made for a service being deleted would point at nothing."""
    from alongside.reports.models import DashboardGeneration

    if service_id is None:
        return
    rows = DashboardGeneration.objects.filter(service_id=service_id)
    if rows.update(generation=F("generation") + 1, changed_at=timezone.now()) or not create:
        return
    _, created = DashboardGeneration.objects.get_or_create(
        service_id=service_id, defaults={"generation": 1}
    )
    if not created:  # made by a reader between our update and our create
        rows.update(generation=F("generation") + 1, changed_at=timezone.now())


def version(service: Any) -> str:
    """The part of the cache key that changes with the service's data: one query."""
    from alongside.organisations.models import Service
    from alongside.patients.models import Patient
    from alongside.reports.models import DashboardGeneration

    generation = DashboardGeneration.objects.filter(service=OuterRef("pk"))
    row = (
        Service.objects.filter(pk=service.pk)
        .annotate(
            generation=Subquery(generation.values("generation")[:1]),
            changed_at=Subquery(generation.values("changed_at")[:1]),
            last_patient=Subquery(
                Patient.objects.filter(service=OuterRef("pk"))
                .order_by()
                .values("service")
                .annotate(m=Max("pk"))
                .values("m")[:1]
            ),
        )
        .values_list("generation", "changed_at", "last_patient")
        .first()
    )
    number, changed_at, last_patient = row or (None, None, None)
    # The time of the last change too: a restored backup (or a test's rolled-back
    # transaction) can bring an old generation number back with other data.
    stamp = changed_at.timestamp() if changed_at else 0
    return f"{number or 0}.{stamp}.{last_patient or 0}"


def key(service: Any, version_: str, *parts: Any) -> str:
    return ":".join(["dashboard", str(service.pk), version_, *[str(p) for p in parts]])


def get_or_compute(cache_key: str, compute: Any) -> Any:
    sentinel = object()
    value = cache.get(cache_key, sentinel)
    if value is sentinel:
        value = compute()
        cache.set(cache_key, value, TIMEOUT_SECONDS)
    return value


# --- What moves the number ---------------------------------------------------------


def _service_of(instance: Any) -> int | None:
    from alongside.mentors.models import WellbeingCheckIn
    from alongside.organisations.models import Service
    from alongside.patients.models import Patient

    if isinstance(instance, Service):
        return instance.pk
    if getattr(instance, "service_id", None) is not None:
        return instance.service_id
    if isinstance(instance, WellbeingCheckIn):
        from alongside.mentors.models import Mentor

        return (
            Mentor.objects.filter(pk=instance.mentor_id)
            .values_list("service_id", flat=True)
            .first()
        )
    patient_id = getattr(instance, "patient_id", None)
    if patient_id is not None:
        return Patient.objects.filter(pk=patient_id).values_list("service_id", flat=True).first()
    return None


def _changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    bump(_service_of(instance))


def _deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from alongside.organisations.models import Service

    if not isinstance(instance, Service):  # a deleted service's row goes with it
        bump(_service_of(instance), create=False)


def watched_models() -> list[Any]:
    """Every model a dashboard figure reads (keep in step with reports.selectors)."""
    from alongside.contacts.models import Contact, EngagementSettings
    from alongside.matches.models import Match
    from alongside.mentors.models import Mentor, WellbeingCheckIn
    from alongside.organisations.models import Service
    from alongside.outcomes.models import OutcomeSettings, QuestionnaireResponse
    from alongside.patients.models import Patient, WorkStatus

    return [
        Service,
        Patient,
        WorkStatus,
        Match,
        Contact,
        EngagementSettings,
        Mentor,
        WellbeingCheckIn,
        OutcomeSettings,
        QuestionnaireResponse,
    ]


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    for model in watched_models():
        post_save.connect(_changed, sender=model, dispatch_uid=f"dashboard-{model._meta.label}")
        post_delete.connect(
            _deleted, sender=model, dispatch_uid=f"dashboard-del-{model._meta.label}"
        )
