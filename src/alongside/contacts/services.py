"""Writes for contacts: log, edit (with history), concerns, engagement settings, surveys.

Every function checks who may act, validates everything before writing, runs
in one transaction and writes an audit event naming the fields it changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from alongside.accounts import policy
from alongside.accounts.models import User
from alongside.accounts.selectors import managers_of
from alongside.audit.changes import apply_changes
from alongside.audit.services import audit_record
from alongside.contacts.models import (
    MAX_DURATION_MINUTES,
    Concern,
    ConcernKind,
    ConcernStatus,
    Contact,
    ContactRevision,
    EngagementSettings,
    LoggedContactMode,
    SurveyResponse,
    SurveyRole,
)
from alongside.core import NotFound
from alongside.core.engagement import Thresholds
from alongside.matches.models import Match, MatchStatus
from alongside.mentors.models import DebriefSource, Mentor
from alongside.mentors.services import (
    debrief_request_book_for_source,
    debrief_request_open,
    wellbeing_hold_refresh,
)
from alongside.notifications.services import notify
from alongside.organisations.models import Service
from alongside.patients.models import Patient

CONTACT_FIELDS = ("contact_at", "mode", "duration_minutes", "topics", "reflection")


def engagement_settings_for(service_id: int) -> EngagementSettings:
    """The service's settings; unsaved defaults when it never set any."""
    found = EngagementSettings.objects.filter(service_id=service_id).first()
    return found or EngagementSettings(service_id=service_id)


def _may_log(actor: User, match: Match) -> bool:
    """Therapists and managers of the service log for any pair; a mentor for their own
    *active* matches only."""
    if policy.can(actor, "contact.log", match):
        return True
    return match.status == MatchStatus.ACTIVE and policy.is_mentor_of(actor, match)


def _validate(
    *,
    match: Match,
    contact_at: dt.datetime | None,
    mode: str,
    duration_minutes: int | None,
    topics: Iterable[str],
    now: dt.datetime,
) -> list[str]:
    errors: dict[str, str] = {}
    if contact_at is None or timezone.is_naive(contact_at):
        errors["contact_at"] = "Enter the date and time of the contact."
    elif contact_at > now + dt.timedelta(minutes=5):
        errors["contact_at"] = "The contact cannot be in the future."
    elif match.started_at is None:
        errors["contact_at"] = "This match has not started, so no contact can be logged yet."
    else:
        # Compared as dates where the service is: a contact on the day the match
        # started counts, whatever the hour.
        zone = ZoneInfo(match.service.time_zone)
        started_on = match.started_at.astimezone(zone).date()
        if contact_at.astimezone(zone).date() < started_on:
            errors["contact_at"] = (
                f"The contact cannot be before the match started ({started_on:%d %B %Y})."
            )
    if mode not in LoggedContactMode.values:
        errors["mode"] = "Choose how you were in touch."
    if duration_minutes is None or isinstance(duration_minutes, bool):
        errors["duration_minutes"] = "Enter how long the contact lasted, in minutes."
    elif not 1 <= duration_minutes <= MAX_DURATION_MINUTES:
        errors["duration_minutes"] = (
            f"The duration must be between 1 minute and 12 hours ({MAX_DURATION_MINUTES} minutes)."
        )
    chosen = [t.strip() for t in topics if t and t.strip()]
    allowed = set(engagement_settings_for(match.service_id).topics)
    unknown = [t for t in chosen if t not in allowed]
    if unknown:
        errors["topics"] = f"Choose topics from the list (not “{unknown[0]}”)."
    if errors:
        raise ValidationError(errors)
    return list(dict.fromkeys(chosen))


def contact_log(
    *,
    actor: User,
    match: Match,
    contact_at: dt.datetime | None,
    mode: str,
    duration_minutes: int | None,
    topics: Iterable[str] = (),
    reflection: str = "",
    concern_kind: str = "",
    concern_description: str = "",
    now: dt.datetime | None = None,
) -> Contact:
    """Log one contact, and with it an optional concern, all or nothing."""
    from alongside.contacts.selectors import contact_logging_closed_reason

    if not _may_log(actor, match):
        raise NotFound
    closed = contact_logging_closed_reason(match)
    if closed:
        raise ValidationError({"consent": closed})
    now = now or timezone.now()
    chosen = _validate(
        match=match,
        contact_at=contact_at,
        mode=mode,
        duration_minutes=duration_minutes,
        topics=topics,
        now=now,
    )
    if concern_kind or concern_description.strip():
        _validate_concern(concern_kind, concern_description)
    with transaction.atomic():
        # Lock the patient, then the match (the order consent_withdraw takes them): a
        # withdrawal committed a moment ago is seen, one in progress is waited for.
        list(Patient.objects.select_for_update().filter(pk=match.patient_id).values_list("pk"))
        locked = Match.objects.select_for_update().select_related("mentor").get(pk=match.pk)
        if not _may_log(actor, locked):
            raise NotFound
        closed = contact_logging_closed_reason(locked)
        if closed:
            raise ValidationError({"consent": closed})
        contact = Contact.objects.create(
            match=locked,
            service_id=locked.service_id,
            logged_by=actor,
            contact_at=cast(dt.datetime, contact_at),  # _validate refused None
            mode=mode,
            duration_minutes=cast(int, duration_minutes),  # _validate refused None
            topics=chosen,
            reflection=reflection.strip(),
        )
        audit_record(
            actor=actor,
            action="contact.log",
            target=contact,
            fields=[f for f in CONTACT_FIELDS if getattr(contact, f) not in ("", [], None)],
        )
        if concern_kind:
            concern_raise(
                actor=actor, contact=contact, kind=concern_kind, description=concern_description
            )
    return contact


def contact_edit(*, actor: User, contact: Contact, values: dict[str, Any]) -> Contact:
    """Change a contact; the values it had before are kept in a revision."""
    from alongside.contacts.selectors import may_edit_contact

    if not may_edit_contact(actor, contact):
        raise NotFound
    unknown = set(values) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This cannot be changed."})
    merged = {f: values.get(f, getattr(contact, f)) for f in CONTACT_FIELDS}
    merged["topics"] = _validate(
        match=contact.match,
        contact_at=merged["contact_at"],
        mode=merged["mode"],
        duration_minutes=merged["duration_minutes"],
        topics=merged["topics"] or [],
        now=timezone.now(),
    )
    merged["reflection"] = (merged["reflection"] or "").strip()
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        changed = [f for f in CONTACT_FIELDS if getattr(locked, f) != merged[f]]
        if not changed:
            return locked
        ContactRevision.objects.create(
            contact=locked,
            revised_by=actor,
            fields=changed,
            before={f: _jsonable(getattr(locked, f)) for f in changed},
        )
        for field in changed:
            setattr(locked, field, merged[field])
        locked.save()
        audit_record(actor=actor, action="contact.edit", target=locked, fields=changed)
    return locked


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _validate_concern(kind: str, description: str) -> None:
    errors = {}
    if kind not in ConcernKind.values:
        errors["concern_kind"] = "Choose what kind of concern this is."
    if not description.strip():
        errors["concern_description"] = "Describe the concern: what happened and what you noticed."
    if errors:
        raise ValidationError(errors)


def supervisors_to_tell(match: Match) -> list[User]:
    """Who hears of a concern at once: the mentor's supervisor; else the patient's
    therapist; else the service's managers — never nobody, if anyone can act."""
    if match.mentor.supervisor is not None and match.mentor.supervisor.is_active:
        return [match.mentor.supervisor]
    therapist = match.patient.allocated_therapist if match.patient_id else None
    if therapist is not None and therapist.is_active:
        return [therapist]
    return managers_of(match.service_id)


def concern_raise(*, actor: User, contact: Contact, kind: str, description: str) -> Concern:
    """Raise a concern from a contact; the supervising therapist is told at once
    (home page now, e-mail by the worker). Mentor distress also asks for a debrief."""
    match = Match.objects.select_related(
        "mentor", "mentor__supervisor", "patient", "patient__allocated_therapist"
    ).get(pk=contact.match_id)
    if not (
        policy.can(actor, "contact.log", contact) or policy.is_mentor_of(actor, match, contact)
    ):
        raise NotFound
    _validate_concern(kind, description)
    with transaction.atomic():
        concern = Concern.objects.create(
            contact=contact,
            service_id=contact.service_id,
            kind=kind,
            description=description.strip(),
            raised_by=actor,
            debrief_needed=kind == ConcernKind.MENTOR_DISTRESS,
        )
        told = supervisors_to_tell(match)
        concern.notified.set(told)
        link = reverse("contacts:concern", kwargs={"concern_id": concern.pk})
        # The message names no patient and no detail: it says what kind, and where to look.
        subject = f"Concern raised: {ConcernKind(kind).label.split(' (')[0].lower()}"
        body = (
            f"{match.mentor.first_name} {match.mentor.last_name[:1]}. raised a concern after a "
            f"mentoring contact. Please read and acknowledge it."
        )
        if concern.debrief_needed:
            body += " The mentor was upset by the contact: please offer a debrief."
        for person in told:
            notify(
                recipient=person,
                kind="concern_raised",
                event_key=f"concern:{concern.pk}",
                subject=subject,
                body=body,
                link=link,
                essential=True,
                service=contact.service,
            )
        audit_record(
            actor=actor,
            action="concern.raise",
            target=concern,
            fields=["kind", "description", "debrief_needed"],
        )
        if concern.debrief_needed:
            # The debrief appears in the mentor's supervision record, and closes when a
            # debrief session is logged there (mentors.services.supervision_log).
            debrief_request_open(
                actor=actor,
                mentor=match.mentor,
                reason="Upset by a mentoring contact (concern raised).",
                source=DebriefSource.CONCERN,
                source_id=concern.pk,
            )
    return concern


def _concern_for_staff(actor: User, concern: Concern) -> Concern:
    if not policy.can(actor, "concern.manage", concern):
        raise NotFound
    return Concern.objects.select_for_update().get(pk=concern.pk)


def concern_acknowledge(
    *, actor: User, concern: Concern, debrief_on: dt.date | None = None
) -> Concern:
    """A therapist has read the concern (and may book the debrief it asked for)."""
    if debrief_on is not None and debrief_on < timezone.localdate():
        raise ValidationError({"debrief_on": "Book the debrief for today or later."})
    with transaction.atomic():
        locked = _concern_for_staff(actor, concern)
        if locked.status != ConcernStatus.OPEN:
            raise ValidationError({"status": "This concern has already been acknowledged."})
        locked.status = ConcernStatus.ACKNOWLEDGED
        locked.acknowledged_by = actor
        locked.acknowledged_at = timezone.now()
        fields = ["status", "acknowledged_by", "acknowledged_at"]
        if debrief_on is not None:
            locked.debrief_on = debrief_on
            fields.append("debrief_on")
        locked.save(update_fields=fields)
        audit_record(actor=actor, action="concern.acknowledge", target=locked, fields=fields)
        if debrief_on is not None and locked.debrief_needed:
            debrief_request_book_for_source(
                actor=actor,
                source=DebriefSource.CONCERN,
                source_id=locked.pk,
                booked_on=debrief_on,
            )
        _refresh_mentor_hold(locked)
    return locked


def concern_close(*, actor: User, concern: Concern, action_taken: str) -> Concern:
    """Close a concern, saying what was done. An open concern is acknowledged on the way."""
    if not action_taken.strip():
        raise ValidationError({"action_taken": "Say what was done about the concern."})
    with transaction.atomic():
        locked = _concern_for_staff(actor, concern)
        if locked.status == ConcernStatus.CLOSED:
            raise ValidationError({"status": "This concern is already closed."})
        now = timezone.now()
        fields = ["status", "closed_by", "closed_at", "action_taken"]
        if locked.acknowledged_at is None:
            locked.acknowledged_by, locked.acknowledged_at = actor, now
            fields += ["acknowledged_by", "acknowledged_at"]
        locked.status = ConcernStatus.CLOSED
        locked.closed_by = actor
        locked.closed_at = now
        locked.action_taken = action_taken.strip()
        locked.save(update_fields=fields)
        audit_record(actor=actor, action="concern.close", target=locked, fields=fields)
        _refresh_mentor_hold(locked)
    return locked


def _refresh_mentor_hold(concern: Concern) -> None:
    """A mentor-distress concern acknowledged or closed may lift the mentor's hold."""
    if concern.kind == ConcernKind.MENTOR_DISTRESS:
        mentor_id = Contact.objects.filter(pk=concern.contact_id).values_list(
            "match__mentor_id", flat=True
        )[0]
        wellbeing_hold_refresh(Mentor.objects.select_for_update().get(pk=mentor_id))


def engagement_settings_save(
    *,
    actor: User,
    service: Service,
    first_contact_days: int,
    check_in_after_days: int,
    quiet_after_days: int,
    topics: list[str],
) -> EngagementSettings:
    policy.require(actor, "contact.configure", service)
    problems = Thresholds(
        first_contact_days=first_contact_days,
        check_in_after_days=check_in_after_days,
        quiet_after_days=quiet_after_days,
    ).problems()
    cleaned = list(dict.fromkeys(t.strip() for t in topics if t.strip()))
    if not cleaned:
        problems["topics"] = "Keep at least one topic."
    elif any(len(t) > 80 for t in cleaned):
        problems["topics"] = "Keep each topic under 80 characters."
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        found, _ = EngagementSettings.objects.select_for_update().get_or_create(service=service)
        values = {
            "first_contact_days": first_contact_days,
            "check_in_after_days": check_in_after_days,
            "quiet_after_days": quiet_after_days,
            "topics": cleaned,
        }
        changed = apply_changes(found, values)
        found.updated_by = actor
        found.save()
        audit_record(actor=actor, action="contact.configure", target=found, fields=changed)
    return found


def survey_submit(
    *,
    actor: User,
    match: Match,
    usefulness: int | None,
    would_recommend: bool | None,
    what_helped: str = "",
    could_be_better: str = "",
) -> SurveyResponse:
    """The mentor's or the patient's end-of-match survey, once each."""
    from alongside.contacts.selectors import survey_role_for

    role = survey_role_for(actor, match)
    if role is None:
        raise NotFound
    errors = {}
    if usefulness is None or isinstance(usefulness, bool) or not 1 <= usefulness <= 5:
        errors["usefulness"] = "Choose how useful mentoring was, from 1 to 5."
    if would_recommend is None:
        errors["would_recommend"] = "Say whether you would recommend it."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if SurveyResponse.objects.filter(match=match, role=role).exists():
            raise ValidationError({"match": "You have already answered this survey. Thank you."})
        response = SurveyResponse.objects.create(
            match=match,
            service_id=match.service_id,
            respondent=actor,
            role=role,
            usefulness=cast(int, usefulness),  # None was refused above
            would_recommend=cast(bool, would_recommend),  # None was refused above
            what_helped=what_helped.strip(),
            could_be_better=could_be_better.strip(),
        )
        audit_record(
            actor=actor,
            action="survey.submit",
            target=response,
            fields=["usefulness", "would_recommend", "what_helped", "could_be_better"],
        )
    return response


__all__ = [
    "SurveyRole",
    "concern_acknowledge",
    "concern_close",
    "concern_raise",
    "contact_edit",
    "contact_log",
    "engagement_settings_for",
    "engagement_settings_save",
    "supervisors_to_tell",
    "survey_submit",
]
