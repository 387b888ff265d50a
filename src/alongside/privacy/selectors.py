"""Reading erasures: scoped to the services the user manages, and read-audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from alongside.audit.reads import record_read
from alongside.paging import page_of
from alongside.privacy.models import Erasure, ErasureStatus, subject_model

SUBJECT_TYPES = {"patient": "patients.patient", "mentor": "mentors.mentor"}


def _note_read(user: Any, erasures: Iterable[Erasure]) -> None:
    # The list shows who each erasure is about: a read of that person's record.
    for erasure in erasures:
        if erasure.status == ErasureStatus.PROPOSED:
            record_read(
                user,
                "erasure.view",
                [erasure.subject_id],
                object_type=SUBJECT_TYPES[erasure.subject_type],
                service_id=erasure.service_id,
            )


def erasures_visible_to(user: Any) -> QuerySet[Erasure]:
    return Erasure.objects.visible_to(user, "privacy.manage").select_related("service")


def erasures_for_page(request: HttpRequest, status: str) -> Page:
    """The requested page (``?page=``) of the user's erasures with ``status``, oldest
    decisions never dropped: every one is on some page. Only that page is read and noted."""
    user = request.user
    erasures = erasures_visible_to(user).filter(status=status).order_by("-proposed_at", "-id")
    page = page_of(request, erasures)
    page.object_list = list(page.object_list)
    _note_read(user, page.object_list)
    return page


def erasure_visible_or_404(user: Any, erasure_id: int) -> Erasure:
    erasure = erasures_visible_to(user).filter(pk=erasure_id).first()
    if erasure is None:
        raise Http404("No such erasure")
    _note_read(user, [erasure])
    return erasure


def subject_visible_or_404(user: Any, subject_type: str, subject_id: int) -> Any:
    """A patient or mentor of a service the user manages (for erasure on request)."""
    from alongside.accounts import policy

    if subject_type not in SUBJECT_TYPES:
        raise Http404("No such record")
    model = subject_model(subject_type)
    subject = model._base_manager.filter(
        pk=subject_id, service_id__in=policy.service_ids(user, "privacy.manage")
    ).first()
    if subject is None:
        raise Http404("No such record")
    record_read(user, "erasure.view", [subject])
    return subject


def erasure_preview(erasure: Erasure) -> dict[str, int]:
    """How many rows of each kind the erasure would anonymise (counts only)."""
    from alongside.privacy import erasure as engine

    subject = (
        subject_model(erasure.subject_type)._base_manager.filter(pk=erasure.subject_id).first()
    )
    if subject is None:
        return {}
    from django.apps import apps

    counts = engine.owned_rows(subject, getattr(subject, "user", None)).counts()
    # Plain words for the page ("patients" rather than "patients.patient").
    return {
        str(apps.get_model(label)._meta.verbose_name_plural).capitalize(): count
        for label, count in counts.items()
    }


class SubjectNotFound(LookupError):
    """No patient or mentor answers to what was given, or more than one does."""


def subject_for(identifier: str, *, service_ids: list[int] | None = None) -> Any:
    """A patient or mentor by account e-mail, record e-mail, or ``patient:ID`` / ``mentor:ID``."""
    from django.db.models import Q

    identifier = identifier.strip()
    candidates: list[Any] = []
    kind, _, number = identifier.partition(":")
    for subject_type in ("patient", "mentor"):
        model = subject_model(subject_type)
        rows = model._base_manager.all()
        if service_ids is not None:
            rows = rows.filter(service_id__in=service_ids)
        if kind == subject_type and number.isdigit():
            candidates += list(rows.filter(pk=int(number)))
        elif "@" in identifier:
            candidates += list(
                rows.filter(Q(user__email__iexact=identifier) | Q(email__iexact=identifier))
            )
    if not candidates:
        raise SubjectNotFound(f"no patient or mentor is known as {identifier!r}")
    if len(candidates) > 1:
        named = ", ".join(f"{c._meta.model_name}:{c.pk}" for c in candidates)
        raise SubjectNotFound(f"{identifier!r} names more than one record ({named}); give one")
    return candidates[0]
