"""Subject access: one export of everything held about a patient or a mentor.

The same generic walk as erasure (``erasure.owned_rows``) finds the rows, so a new
model that hangs off a patient or mentor is in the export without changing this file.

What each export holds:

- a **patient**: their record and every row it owns (consents, goals, work status,
  questionnaires and answers, matches and, through them, the contacts with their mentor,
  including the mentor's reflections and any concerns raised: those are about the
  patient), their account's rows (memberships, tokens without their secret, notifications)
  and the audit events about any of those rows or done by their account, including the
  list and search reads whose ``object_ids`` name one of them. The mentor
  appears only as an id: the mentor's own details are the mentor's.
- a **mentor**: their record and what it owns (checks, training, supervision, wellbeing
  check-ins, expenses), their account's rows, the contacts they logged with their own
  reflections (patients appear there only as match ids), and the audit events as above.

Hashes of secrets (token and link hashes, passwords) are left out: they are not about
the person and would only help an attacker.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import uuid
import zipfile
from typing import Any

from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.privacy.erasure import Found, owned_rows

FORMAT = "alongside-subject-access/1"
SECRET_FIELDS = frozenset({"password", "key_hash", "token_hash", "key", "personal_salt"})


def _value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return f"<{len(bytes(value))} bytes>"
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def _row(obj: models.Model) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in SECRET_FIELDS:
            continue
        row[f.attname] = _value(getattr(obj, f.attname))
    return row


# How many typed ids one query looks for in the events' ``object_ids`` (lists and searches).
IDS_PER_QUERY = 100


def _typed_ids(found: Found) -> list[str]:
    """The typed ids (``patients.patient:12``) under which read events can name the rows
    found: those of the identifiable models, whose querysets audit what they fetch."""
    from django.apps import apps

    from alongside.audit.reads import AuditedQuerySet

    typed = []
    for label, rows in sorted(found.rows.items()):
        queryset = getattr(apps.get_model(label)._default_manager, "_queryset_class", None)
        if rows and queryset is not None and issubclass(queryset, AuditedQuerySet):
            typed += [f"{label}:{pk}" for pk in sorted(rows)]
    return typed


def _audit_events(found: Found, user_id: int | None) -> list[dict[str, Any]]:
    about = Q()
    for label, rows in found.rows.items():
        if rows:
            about |= Q(object_type=label, object_id__in=[str(pk) for pk in rows])
    if user_id is not None:
        about |= Q(actor_id=user_id)
    events = {e.pk: e for e in AuditEvent.objects.filter(about)} if about else {}
    # A list or search names every record it showed in ``object_ids``; those events are
    # found by the quoted id inside the JSON text (the quotes keep :12 from matching :123).
    typed = _typed_ids(found)
    listed = AuditEvent.objects.annotate(_ids=Cast("object_ids", models.TextField()))
    for start in range(0, len(typed), IDS_PER_QUERY):
        named = Q()
        for typed_id in typed[start : start + IDS_PER_QUERY]:
            named |= Q(_ids__contains=json.dumps(typed_id))
        events.update((e.pk, e) for e in listed.filter(named))
    keep = (
        "id",
        "created_at",
        "actor_id",
        "actor_email",
        "role",
        "service_id",
        "action",
        "object_type",
        "object_id",
        "fields",
        "ip",
        "redaction_reason",
    )
    mine = set(typed)
    exported = []
    for event in sorted(events.values(), key=lambda e: e.pk):
        row = {name: _value(getattr(event, name)) for name in keep}
        # Only this person's ids: the other people a list showed are not theirs to know.
        row["object_ids"] = [i for i in event.object_ids or [] if i in mine]
        exported.append(row)
    return exported


def subject_access_report(subject: Any) -> dict[str, Any]:
    """The export as a JSON-ready dict (structure documented in docs/privacy.md)."""
    from alongside.contacts.models import Contact

    user = getattr(subject, "user", None)
    found = owned_rows(subject, user)
    if subject._meta.label_lower == "mentors.mentor" and user is not None:
        # The mentor's own reflections are theirs: the contacts they logged.
        for contact in Contact.objects.filter(logged_by=user):
            found.add(contact)
    records = {
        label: [_row(obj) for _, obj in sorted(rows.items())]
        for label, rows in sorted(found.rows.items())
        if rows
    }
    return {
        "format": FORMAT,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "subject": {
            "type": subject._meta.model_name,
            "id": subject.pk,
            "service_id": subject.service_id,
            "account_id": user.pk if user else None,
        },
        "records": records,
        "audit_events": _audit_events(found, user.pk if user else None),
    }


def subject_access_zip(report: dict[str, Any]) -> bytes:
    """A ZIP with ``subject-access.json`` and a printable ``subject-access.html``."""
    html = render_to_string("privacy/subject_access_document.html", {"report": report})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("subject-access.json", json.dumps(report, indent=2, ensure_ascii=False))
        archive.writestr("subject-access.html", html)
    return buffer.getvalue()
