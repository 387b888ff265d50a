"""Retention, erasure on request, and carrying out a confirmed erasure in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from alongside.accounts import policy
from alongside.accounts.policy import SYSTEM, Actor
from alongside.audit.changes import apply_changes
from alongside.audit.services import audit_events_redact, audit_record
from alongside.privacy import erasure as engine
from alongside.privacy.models import (
    RETENTION_LIMITS,
    Erasure,
    ErasureGround,
    ErasureStatus,
    RetentionSettings,
    SubjectType,
    subject_model,
)
from alongside.privacy.registry import ERASURE_STEPS, RETENTION_SOURCES

if TYPE_CHECKING:
    from alongside.accounts.models import User
    from alongside.mentors.models import Mentor as MentorRecord
    from alongside.patients.models import Patient as PatientRecord


class ErasureRefused(ValueError):
    """The erasure cannot go ahead; the message says why, in plain words."""


def retention_settings_for(service_id: int) -> RetentionSettings:
    settings, _ = RetentionSettings.objects.get_or_create(service_id=service_id)
    return settings


def retention_settings_update(*, actor: User, service: Any, **values: int) -> RetentionSettings:
    """Change a service's retention periods (its managers only); audited, naming the
    settings that changed. Values outside ``RETENTION_LIMITS`` are refused, naming the
    setting, and nothing is written."""
    policy.require(actor, "privacy.manage", service)
    unknown = sorted(set(values) - set(RETENTION_LIMITS))
    if unknown:
        raise TypeError(f"not retention settings: {', '.join(unknown)}")
    problems = {
        name: RETENTION_LIMITS[name][2]
        for name, value in values.items()
        if isinstance(value, bool)
        or not isinstance(value, int)
        or not RETENTION_LIMITS[name][0] <= value <= RETENTION_LIMITS[name][1]
    }
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        settings = retention_settings_for(service.pk)
        settings = RetentionSettings.objects.select_for_update().get(pk=settings.pk)
        changed = apply_changes(settings, values)
        if not changed:
            return settings
        settings.updated_by = actor
        settings.save()
        audit_record(actor=actor, action="retention.update", target=settings, fields=changed)
    return settings


def _label(subject: Any) -> str:
    first = getattr(subject, "given_name", None) or getattr(subject, "first_name", "")
    last = getattr(subject, "family_name", None) or getattr(subject, "last_name", "")
    return f"{first} {last}".strip()[:200]


def erasure_propose(
    *,
    service_id: int,
    subject_type: str,
    subject_id: int,
    ground: str,
    reason: str,
    due_since: dt.date | None = None,
    source: str = "",
    requested_by: User | None = None,
) -> Erasure | None:
    """Put a subject on the confirmation list once; None when it is already there."""
    subject = subject_model(subject_type)._base_manager.get(pk=subject_id)
    try:
        with transaction.atomic():
            erasure = Erasure.objects.create(
                service_id=service_id,
                subject_type=subject_type,
                subject_id=subject_id,
                subject_label=_label(subject),
                ground=ground,
                reason=reason[:300],
                due_since=due_since,
                source=source,
                requested_by=requested_by,
            )
            audit_record(
                actor=requested_by, action="erasure.propose", target=erasure, fields=["ground"]
            )
    except IntegrityError:
        return None
    return erasure


def erasure_request(*, actor: User, subject_type: str, subject: Any, reason: str) -> Erasure:
    """Erasure on request: the same list and confirmation as retention, with the reason."""
    policy.require(actor, "privacy.manage", subject)
    if not reason.strip():
        raise ErasureRefused("Reason: say why this person's records are to be erased.")
    erasure = erasure_propose(
        service_id=subject.service_id,
        subject_type=subject_type,
        subject_id=subject.pk,
        ground=ErasureGround.REQUEST,
        reason=reason.strip(),
        requested_by=actor,
        source="request",
    )
    if erasure is None:
        raise ErasureRefused("This person is already waiting for confirmation of an erasure.")
    return erasure


def retention_sweep(today: dt.date | None = None) -> int:
    """The daily job: list every record past retention for a manager to confirm."""
    from alongside.organisations.models import Service

    today = today or timezone.localdate()
    proposed = 0
    for service in Service.objects.order_by("pk"):
        for source in RETENTION_SOURCES:
            for overdue in source.find(service, today):
                already = Erasure.objects.filter(
                    subject_type=overdue.subject_type, subject_id=overdue.subject_id
                ).exclude(
                    status=ErasureStatus.DISMISSED,
                    decided_at__lt=timezone.now() - dt.timedelta(days=365),
                )
                if already.exists():
                    continue
                if erasure_propose(
                    service_id=service.pk,
                    subject_type=overdue.subject_type,
                    subject_id=overdue.subject_id,
                    ground=ErasureGround.RETENTION,
                    reason=overdue.reason,
                    due_since=overdue.due_since,
                    source=source.name,
                ):
                    proposed += 1
    return proposed


def erasure_dismiss(*, actor: User, erasure: Erasure, reason: str) -> Erasure:
    policy.require(actor, "privacy.manage", erasure)
    if not reason.strip():
        raise ErasureRefused("Reason: say why these records are kept.")
    with transaction.atomic():
        erasure = Erasure.objects.select_for_update().get(pk=erasure.pk)
        if erasure.status != ErasureStatus.PROPOSED:
            raise ErasureRefused("This erasure was already decided.")
        erasure.status = ErasureStatus.DISMISSED
        erasure.reason = f"{erasure.reason} — kept: {reason.strip()}"[:300]
        erasure.decided_by, erasure.decided_at = actor, timezone.now()
        erasure.save()
        audit_record(actor=actor, action="erasure.dismiss", target=erasure, fields=["status"])
    return erasure


def _close_account(user: User) -> None:
    """Deactivate the linked account: no sign-in, no token, no session, no device."""
    from django_otp import devices_for_user

    for device in devices_for_user(user, confirmed=None):
        device.delete()
    user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    type(user)._base_manager.filter(pk=user.pk).update(
        is_active=False, password=make_password(None)
    )
    for session in Session.objects.all().iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()


def erasure_confirm(*, actor: User, erasure: Erasure) -> Erasure:
    """Anonymise the subject and everything it owns, in one transaction (see erasure.py)."""
    policy.require(actor, "privacy.manage", erasure)
    with transaction.atomic():
        erasure = Erasure.objects.select_for_update().get(pk=erasure.pk)
        if erasure.status != ErasureStatus.PROPOSED:
            raise ErasureRefused("This erasure was already decided.")
        model = subject_model(erasure.subject_type)
        subject = model._base_manager.select_for_update().get(pk=erasure.subject_id)
        user = getattr(subject, "user", None)
        if user is not None and user.pk == actor.pk:
            raise ErasureRefused("You cannot erase your own account.")
        found = engine.owned_rows(subject, user)
        engine.collect_identifiers(found)
        if user is not None:
            found.identifiers.add(user.email)
        rows_changed = engine.scrub(found)
        if user is not None:
            # After the scrub, so the unusable password is what stays.
            _close_account(user)
        copies_changed = engine.sweep_copies(found.identifiers)
        reason = f"erasure #{erasure.pk} ({erasure.get_ground_display().lower()})"
        redacted = audit_events_redact(actor_id=user.pk, reason=reason) if user else []
        steps = sum(ERASURE_STEPS.call(subject))
        erasure.status = ErasureStatus.DONE
        erasure.subject_label = ""
        erasure.reason = engine._replace(
            erasure.reason, sorted(found.identifiers, key=len, reverse=True)
        )
        erasure.decided_by, erasure.decided_at = actor, timezone.now()
        erasure.summary = {
            "rows_found": found.counts(),
            "rows_anonymised": rows_changed,
            "copies_replaced": copies_changed,
            "audit_events_redacted": len(redacted),
            "other_app_rows": steps,
            "account_closed": user is not None,
        }
        erasure.save()
        audit_record(actor=actor, action="erasure.confirm", target=erasure, fields=["status"])
    return erasure


# --- Built-in retention sources: patients and mentors. -----------------------------------


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def patients_past_retention(service: Any, today: dt.date) -> list[Any]:
    from alongside.privacy.registry import Overdue

    rules = retention_settings_for(service.pk)
    Patient = cast("type[PatientRecord]", subject_model(SubjectType.PATIENT))
    found = []
    discharged = Patient._base_manager.filter(service=service, discharged_on__isnull=False)
    already_erased = Erasure.objects.filter(
        subject_type=SubjectType.PATIENT, status=ErasureStatus.DONE
    ).values("subject_id")
    for patient in discharged.exclude(pk__in=already_erased).only(
        "pk", "discharged_on", "date_of_birth"
    ):
        discharged_on = cast(dt.date, patient.discharged_on)  # the query kept discharged only
        due = _years_after(discharged_on, rules.patient_years)
        said = f"discharged {discharged_on:%Y-%m-%d}; adults kept {rules.patient_years} years"
        age_at_discharge = _years_after(patient.date_of_birth, 18) > discharged_on
        if age_at_discharge:
            due = max(due, _years_after(patient.date_of_birth, rules.child_until_age))
            said += f"; a child at discharge, kept until age {rules.child_until_age}"
        if due <= today:
            found.append(Overdue(SubjectType.PATIENT, patient.pk, due, said))
    return found


def mentors_past_retention(service: Any, today: dt.date) -> list[Any]:
    from alongside.privacy.registry import Overdue

    rules = retention_settings_for(service.pk)
    Mentor = cast("type[MentorRecord]", subject_model(SubjectType.MENTOR))
    already_erased = Erasure.objects.filter(
        subject_type=SubjectType.MENTOR, status=ErasureStatus.DONE
    ).values("subject_id")
    left = Mentor._base_manager.filter(service=service, status__in=["retired", "declined"])
    found = []
    for mentor in left.exclude(pk__in=already_erased).only("pk", "status", "status_changed_at"):
        since = timezone.localdate(mentor.status_changed_at)
        due = _years_after(since, rules.mentor_years)
        if due <= today:
            said = f"{mentor.status} on {since:%Y-%m-%d}; kept {rules.mentor_years} years"
            found.append(Overdue(SubjectType.MENTOR, mentor.pk, due, said))
    return found


def subject_access_export(*, actor: Actor, subject: Any) -> bytes:
    """The ZIP of everything held about ``subject``; who asked, for whom and when is audited.

    ``actor`` is None only on the command line (an operator of the installation).
    """
    from alongside.privacy.subject_access import subject_access_report, subject_access_zip

    if actor is not SYSTEM:
        policy.require(actor, "privacy.manage", subject)
    report = subject_access_report(subject)
    audit_record(
        actor=actor,
        action="subject_access.export",
        target=subject,
        fields=sorted(report["records"]),
    )
    return subject_access_zip(report)


class DisableRefused(ValueError):
    """A chosen account may not be disabled by this manager; the message says which."""


def accounts_disable(*, actor: User, user_ids: list[int]) -> int:
    """Disable accounts in bulk: no sign-in, tokens revoked, sessions ended; each audited.

    Refuses the whole batch (nothing changed) if it includes the actor, or anyone who
    also works in a service the actor does not manage.
    """
    from alongside.accounts.models import Membership
    from alongside.accounts.models import User as UserModel

    managed = policy.service_ids(actor, "privacy.manage")
    if not managed:
        policy.require(actor, "privacy.manage")
    if actor.pk in user_ids:
        raise DisableRefused("You cannot disable your own account.")
    with transaction.atomic():
        # A subquery, not a join with DISTINCT: PostgreSQL refuses FOR UPDATE with DISTINCT.
        in_managed = Membership.objects.filter(service_id__in=managed).values("user_id")
        users = list(
            UserModel.objects.select_for_update().filter(pk__in=user_ids).filter(pk__in=in_managed)
        )
        if len(users) != len(set(user_ids)):
            raise DisableRefused("Some of the chosen accounts are not in your services.")
        outside = (
            Membership.objects.filter(user_id__in=user_ids)
            .exclude(service_id__in=managed)
            .values_list("user__email", flat=True)
        )
        if outside:
            raise DisableRefused(
                "These people also work in a service you do not manage, so their manager "
                "there must agree: " + ", ".join(sorted(set(outside)))
            )
        now = timezone.now()
        for user in users:
            user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
            UserModel.objects.filter(pk=user.pk).update(is_active=False)
            for session in Session.objects.all().iterator():
                if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
                    session.delete()
            audit_record(actor=actor, action="account.disable", target=user, fields=["is_active"])
    return len(users)


def field_keys_rotate(*, actor: Actor = SYSTEM, batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt every encrypted value that is not yet under the newest field key.

    Column by column, in primary-key order, ``batch_size`` rows at a time: a batch is read
    without a lock, re-encrypted in Python, and written in one short transaction with
    ``UPDATE … WHERE pk = … AND column = <the token read>``, so a row someone saved in the
    meantime (already under the newest key) is left as they wrote it, and nobody waits on
    more than one batch. Values already under the newest key are skipped, so the command can
    be stopped and run again. Returns how many values were re-encrypted, per column."""
    from django.db import connection

    from alongside.field_encryption import (
        FieldKeyError,
        encrypted_fields,
        rotated,
        stored,
        under_newest_key,
    )

    if batch_size < 1:
        raise ValueError("batch size must be at least 1")
    quote = connection.ops.quote_name
    counts: dict[str, int] = {}
    for model, field in encrypted_fields():
        label = f"{model._meta.label_lower}.{field.name}"
        # Concrete fields (the encrypted column and the primary key) always have a column.
        table, column = quote(model._meta.db_table), quote(cast(str, field.column))
        pk_column = quote(cast(str, model._meta.pk.column))
        update = f"UPDATE {table} SET {column} = %s WHERE {pk_column} = %s AND {column} = %s"  # noqa: S608
        rows = model._base_manager.exclude(**{field.attname: ""}).order_by("pk")
        last: Any = None
        done = 0
        while True:
            page = rows if last is None else rows.filter(pk__gt=last)
            batch = list(page.values_list("pk", stored(field.attname))[:batch_size])
            if not batch:
                break
            last = batch[-1][0]
            changes = []
            for pk, token in batch:
                if not token or under_newest_key(token):
                    continue
                try:
                    changes.append((rotated(token), pk, token))
                except FieldKeyError as error:
                    raise FieldKeyError(f"{label}, row {pk}: {error}") from None
            if changes:
                with transaction.atomic(), connection.cursor() as cursor:
                    for change in changes:
                        cursor.execute(update, change)
                        done += max(cursor.rowcount, 0)
        counts[label] = done
    audit_record(
        actor=actor,
        action="field_keys.rotate",
        fields=[label for label, done in counts.items() if done],
    )
    return counts
