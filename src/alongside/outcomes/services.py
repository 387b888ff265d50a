"""Writing schedules, links and answers. Each service checks the policy and audits."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from alongside.accounts import policy
from alongside.accounts.policy import SYSTEM
from alongside.audit.services import audit_record
from alongside.core.instruments import AnswerError, check_answers, instrument, score
from alongside.outcomes import selectors
from alongside.outcomes.models import (
    Anchor,
    DueStatus,
    EntryMode,
    InstrumentLicence,
    OutcomeSettings,
    QuestionnaireDue,
    QuestionnaireLink,
    QuestionnaireResponse,
    TimePoint,
    score_fields,
)
from alongside.patients.models import AT_WORK, Patient, WorkStatusKind

if TYPE_CHECKING:
    from alongside.accounts.models import User
    from alongside.organisations.models import Service

# Baseline when the patient is accepted; then 3, 6, 12 and 24 months after injury,
# the trial's follow-up points. Each answered within 14 days either side.
FREE_INSTRUMENTS = ["phq9", "gad7", "gse", "hope", "rtw_expectation", "work_status"]
DEFAULT_TIME_POINTS = [
    ("Baseline", Anchor.ACCEPTED, 0),
    ("3 months", Anchor.INJURY, 91),
    ("6 months", Anchor.INJURY, 182),
    ("12 months", Anchor.INJURY, 365),
    ("24 months", Anchor.INJURY, 730),
]
LINK_DAYS = 14
NOTHING_ANSWERED = (
    "Answer at least one question before you send, or choose “Save and finish later”."
)
NOTHING_ANSWERED_STAFF = "Enter at least one answer before you record the questionnaire."


def time_points_ensure(*, service: Service) -> list[TimePoint]:
    """A service's schedule; a service without one gets the default."""
    with transaction.atomic():
        existing = list(TimePoint.objects.filter(service=service))
        if existing:
            return existing
        created = TimePoint.objects.bulk_create(
            [
                TimePoint(
                    service=service,
                    label=label,
                    anchor=anchor,
                    offset_days=offset,
                    instruments=list(FREE_INSTRUMENTS),
                )
                for label, anchor, offset in DEFAULT_TIME_POINTS
            ]
        )
        audit_record(
            actor=SYSTEM, action="outcome.schedule_default", target=service, fields=["time_points"]
        )
    return created


def _anchor_date(patient: Patient, time_point: TimePoint) -> dt.date | None:
    if time_point.anchor == Anchor.ACCEPTED:
        return patient.accepted_on
    return patient.date_of_injury


def on_referral_accepted(patient: Patient) -> None:
    """Hook for ``patients.services.REFERRAL_ACCEPTED``: acceptance is the schedule's baseline."""
    questionnaires_schedule(patient=patient)


def questionnaires_schedule(*, patient: Patient) -> int:
    """Create the patient's questionnaires from the service schedule; returns how many are new.

    Idempotent: run on acceptance and by the daily sweep; nothing is created twice.
    """
    if patient.accepted_on is None:
        return 0
    time_points = time_points_ensure(service=patient.service)
    wanted = []
    for time_point in time_points:
        anchor = _anchor_date(patient, time_point)
        if anchor is None or not time_point.active:
            continue
        due_on = anchor + dt.timedelta(days=time_point.offset_days)
        window = dt.timedelta(days=time_point.window_days)
        for instrument_id in time_point.instruments:
            wanted.append(
                QuestionnaireDue(
                    patient=patient,
                    time_point=time_point,
                    instrument_id=instrument_id,
                    due_on=due_on,
                    window_opens=due_on - window,
                    window_closes=due_on + window,
                )
            )
    existing = set(
        QuestionnaireDue.objects.filter(patient=patient).values_list(
            "time_point_id", "instrument_id"
        )
    )
    new = [d for d in wanted if (d.time_point.pk, d.instrument_id) not in existing]
    if new:
        with transaction.atomic():
            QuestionnaireDue.objects.bulk_create(new, ignore_conflicts=True)
            audit_record(
                actor=SYSTEM,
                action="outcome.schedule",
                target=patient,
                fields=sorted({d.instrument_id for d in new}),
            )
    return len(new)


def questionnaire_link_issue(*, actor: User, due: QuestionnaireDue) -> str:
    """A one-time link for the patient to answer ``due``; the token is returned once."""
    policy.require(actor, "outcome.enter", due)
    if due.status != DueStatus.DUE:
        raise ValidationError("This questionnaire has already been answered.")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        link = QuestionnaireLink.objects.create(
            due=due,
            token_hash=selectors.token_hash(token),
            expires_at=timezone.now() + dt.timedelta(days=LINK_DAYS),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="outcome.link_issue",
            target=link,
            service_id=due.patient.service_id,
            object_ids=[f"patients.patient:{due.patient_id}"],
        )
    return token


def questionnaire_due_create(
    *, actor: User, patient: Patient, instrument_id: str, time_point_id: int
) -> QuestionnaireDue:
    """Schedule one questionnaire for ``patient`` at one of its service's time points
    (e.g. an instrument the schedule does not ask there, for this patient only).

    Its dates come from the time point, as for the scheduled ones. ValidationError naming
    the field for an instrument the service may not ask, a time point that is not the
    service's, a patient not yet accepted, or one already scheduled there.
    """
    policy.require(actor, "outcome.enter", patient)
    if instrument_id not in selectors.usable_instrument_ids(patient.service):
        raise ValidationError(
            {
                "instrument_id": "This service cannot ask that questionnaire (unknown, or licensed "
                "and no licence recorded)."
            }
        )
    time_point = TimePoint.objects.filter(
        service_id=patient.service_id, pk=time_point_id, active=True
    ).first()
    if time_point is None:
        raise ValidationError({"time_point_id": "Choose one of this service's time points."})
    anchor = _anchor_date(patient, time_point)
    if anchor is None:
        raise ValidationError(
            {
                "time_point_id": "This time point counts from acceptance; the patient has not "
                "been accepted yet."
            }
        )
    due_on = anchor + dt.timedelta(days=time_point.offset_days)
    window = dt.timedelta(days=time_point.window_days)
    with transaction.atomic():
        list(Patient.objects.select_for_update().filter(pk=patient.pk).values_list("pk"))
        if QuestionnaireDue.objects.filter(
            patient=patient, time_point=time_point, instrument_id=instrument_id
        ).exists():
            raise ValidationError(
                {"instrument_id": "This questionnaire is already scheduled at that time point."}
            )
        due = QuestionnaireDue.objects.create(
            patient=patient,
            time_point=time_point,
            instrument_id=instrument_id,
            due_on=due_on,
            window_opens=due_on - window,
            window_closes=due_on + window,
        )
        audit_record(
            actor=actor,
            action="outcome.due_create",
            target=due,
            service_id=patient.service_id,
            object_ids=[f"patients.patient:{patient.pk}"],
            fields=["instrument_id", "time_point"],
        )
    return due


def _scored(instrument_id: str, answers: Sequence[Any]) -> dict[str, Any]:
    try:
        result = score(instrument(instrument_id), list(answers))
    except AnswerError as error:
        field = f"item_{error.item}" if error.item else "answers"
        raise ValidationError({field: error.message}) from error
    return score_fields(result)


def _require_may_answer(
    due: QuestionnaireDue, mode: str, actor: User | None, token: str | None
) -> None:
    """Who may answer: staff of the service, the patient signed in, or the link's holder."""
    if mode == EntryMode.STAFF:
        policy.require(actor, "outcome.enter", due)  # type: ignore[arg-type]
    elif mode == EntryMode.SIGNED_IN:
        if actor is None or not selectors.own_dues(actor).filter(pk=due.pk).exists():
            raise ValidationError("This questionnaire is not yours to answer.")
    elif mode == EntryMode.LINK:
        state = selectors.link_state(token or "")
        if not state.usable or state.link.due_id != due.pk:  # type: ignore[union-attr]
            raise ValidationError("This link can no longer be used.")
    else:
        raise ValueError(f"unknown entry mode {mode!r}")


def _require_an_answer(answers: Sequence[Any], message: str) -> None:
    """Leaving out some items is the instrument's missing-item rule to judge; leaving out
    every item is not an answer, and would count the questionnaire as done with no score."""
    if all(answer is None or answer == "" for answer in answers):
        raise ValidationError(message)


def _locked_open(due: QuestionnaireDue) -> QuestionnaireDue:
    """The questionnaire, locked for this transaction, if it is still to be answered."""
    locked = QuestionnaireDue.objects.select_for_update().get(pk=due.pk)
    if locked.status != DueStatus.DUE:
        raise ValidationError("This questionnaire has already been answered.")
    return locked


def response_draft_save(
    *,
    due: QuestionnaireDue,
    answers: Sequence[Any],
    mode: str,
    actor: User | None = None,  # None: the holder of a questionnaire link, not signed in
    token: str | None = None,
) -> QuestionnaireDue:
    """Keep answers so far, to finish later; nothing is scored or shown until sent."""
    _require_may_answer(due, mode, actor, token)
    try:
        checked = check_answers(instrument(due.instrument_id), list(answers))
    except AnswerError as error:
        field = f"item_{error.item}" if error.item else "answers"
        raise ValidationError({field: error.message}) from error
    with transaction.atomic():
        locked = _locked_open(due)
        locked.draft_answers = checked
        locked.draft_saved_at = timezone.now()
        locked.save(update_fields=["draft_answers", "draft_saved_at"])
        audit_record(
            actor=actor,
            action=f"outcome.draft_{mode}",
            target=locked,
            service_id=due.patient.service_id,
            fields=["draft_answers"],
            object_ids=[f"patients.patient:{locked.patient_id}"],
        )
    return locked


def response_submit(
    *,
    due: QuestionnaireDue,
    answers: Sequence[Any],
    mode: str,
    actor: User | None = None,  # None: the holder of a questionnaire link, not signed in
    token: str | None = None,
    completed_on: dt.date | None = None,
) -> QuestionnaireResponse:
    """Record a patient's answers to ``due``, once.

    ``mode`` says who answered: the patient from a one-time link (``token``), the
    patient signed in (``actor`` is the patient), or staff on the patient's behalf.
    A second submit, a used or an expired link records nothing; nor does a submit with
    no item answered at all (some items left out is the instrument's missing-item rule).
    """
    if mode == EntryMode.LINK:
        if token is None:
            raise ValidationError("A link is needed.")
        # The link itself is checked, and used up, under the lock below.
    else:
        _require_may_answer(due, mode, actor, token)
    _require_an_answer(
        answers, NOTHING_ANSWERED_STAFF if mode == EntryMode.STAFF else NOTHING_ANSWERED
    )
    scored = _scored(due.instrument_id, answers)
    now = timezone.now()
    try:
        with transaction.atomic():
            locked = _locked_open(due)
            if mode == EntryMode.LINK:
                link = (
                    QuestionnaireLink.objects.select_for_update()
                    .filter(token_hash=selectors.token_hash(token or ""), due=locked)
                    .first()
                )
                if link is None or link.used_at is not None or link.expires_at <= now:
                    raise ValidationError("This link can no longer be used.")
                link.used_at = now
                link.save(update_fields=["used_at"])
            response = QuestionnaireResponse.objects.create(
                patient_id=locked.patient_id,
                due=locked,
                instrument_id=locked.instrument_id,
                answers=list(answers),
                completed_on=completed_on or timezone.localdate(),
                mode=mode,
                entered_by=actor,
                **scored,
            )
            locked.status = DueStatus.COMPLETED
            locked.draft_answers = None
            locked.save(update_fields=["status", "draft_answers"])
            audit_record(
                actor=actor,
                action=f"outcome.response_{mode}",
                target=response,
                service_id=due.patient.service_id,
                fields=["answers"],
                object_ids=[f"patients.patient:{locked.patient_id}"],
            )
            _after_response(response, due.patient)
    except IntegrityError:
        # Two submits raced past the status check: the unique constraint kept one.
        raise ValidationError("This questionnaire has already been answered.") from None
    return response


def _after_response(response: QuestionnaireResponse, patient: Patient) -> None:
    """Alerts to the therapist, and a patient-reported change to the work-status timeline."""
    from alongside.notifications.services import notify

    if response.alerts:
        definition = instrument(response.instrument_id)
        notify(
            recipient=patient.allocated_therapist,
            kind="outcome_alert",
            event_key=f"response:{response.pk}",
            subject=f"{definition.short_title}: an answer needs you today",
            body=(
                f"{patient.given_name} {patient.family_name[:1]}. answered item "
                f"{', '.join(response.alerts)} of the {definition.short_title} at a level that "
                "needs a clinician's attention today, whatever the total score."
            ),
            link=f"/outcomes/patients/{patient.pk}/",
            essential=True,
            service=patient.service,
        )
    if response.instrument_id == "work_status" and response.answers[0] is not None:
        _work_status_from_answers(response, patient)


def _work_status_from_answers(response: QuestionnaireResponse, patient: Patient) -> None:
    """The patient's own report becomes a timeline entry (marked as patient-reported).

    When it is the first report of being back at work, the entry starts on the
    date they say they first went back, so time to first RTW is not the date of
    the questionnaire.
    """
    from alongside.patients.services import work_status_add

    working, hours, same_employer, _same_role, _duties, first_back = response.answers
    pre_injury = float(patient.hours_per_week) if patient.hours_per_week else None
    if not working:
        status = WorkStatusKind.NOT_WORKING
    elif same_employer == 0:
        status = WorkStatusKind.NEW_JOB
    elif pre_injury is not None and hours is not None and hours >= pre_injury:
        status = WorkStatusKind.FULL_RETURN
    else:
        status = WorkStatusKind.PHASED_RETURN
    hours = hours if working else None
    latest = patient.work_statuses.order_by("-from_date", "-pk").first()
    if latest is not None and latest.status == status and latest.hours_per_week == hours:
        return  # nothing has changed since the last entry
    from_date = response.completed_on
    first_return = working and (latest is None or latest.status not in AT_WORK)
    if first_return and first_back:
        back = dt.date.fromisoformat(first_back)
        from_date = min(max(back, patient.date_of_injury), response.completed_on)
    work_status_add(
        actor=SYSTEM,
        patient=patient,
        from_date=from_date,
        status=status,
        hours_per_week=hours,
        note="Reported by the patient in the work-status questionnaire",
    )


def response_correct(
    *, actor: User, response: QuestionnaireResponse, answers: Sequence[Any], reason: str
) -> QuestionnaireResponse:
    """A new version of ``response`` with corrected answers; the old one is kept, not current."""
    policy.require(actor, "outcome.enter", response)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the answers are being corrected."})
    _require_an_answer(answers, NOTHING_ANSWERED_STAFF)
    scored = _scored(response.instrument_id, answers)
    with transaction.atomic():
        old = QuestionnaireResponse.objects.select_for_update().get(pk=response.pk)
        if not old.is_current:
            raise ValidationError("These answers have already been corrected; correct the latest.")
        old.is_current = False
        old.save(update_fields=["is_current"])
        new = QuestionnaireResponse.objects.create(
            patient_id=old.patient_id,
            due=old.due,
            instrument_id=old.instrument_id,
            answers=list(answers),
            completed_on=old.completed_on,
            mode=EntryMode.STAFF,
            entered_by=actor,
            supersedes=old,
            correction_reason=reason.strip(),
            **scored,
        )
        audit_record(
            actor=actor,
            action="outcome.response_correct",
            target=new,
            service_id=old.patient.service_id,
            fields=["answers", "correction_reason"],
            object_ids=[f"outcomes.questionnaireresponse:{old.pk}"],
        )
    return new


def instrument_licence_record(
    *, actor: User, service: Service, instrument_id: str, licence: str, item_texts: list[str]
) -> InstrumentLicence:
    """Enable a licensed instrument for ``service`` with the items from its licensed form."""
    policy.require(actor, "outcome.configure", service)
    definition = instrument(instrument_id)
    if not definition.licensed:
        raise ValidationError({"instrument_id": "This questionnaire needs no licence."})
    texts = [text.strip() for text in item_texts if text.strip()]
    if len(texts) != len(definition.items):
        raise ValidationError(
            {
                "item_texts": f"The {definition.short_title} has {len(definition.items)} items; "
                f"{len(texts)} were pasted. Paste one item per line."
            }
        )
    if not licence.strip():
        raise ValidationError({"licence": "Say who granted the licence and its reference."})
    with transaction.atomic():
        record, _ = InstrumentLicence.objects.update_or_create(
            service=service,
            instrument_id=instrument_id,
            defaults={"licence": licence.strip(), "item_texts": texts, "recorded_by": actor},
        )
        audit_record(
            actor=actor,
            action="outcome.licence_record",
            target=record,
            service_id=service.pk,
            fields=["licence", "item_texts"],
        )
    return record


def time_point_instruments_set(
    *, actor: User, time_point: TimePoint, instrument_ids: list[str]
) -> TimePoint:
    """Which questionnaires a time point asks; a licensed one only once its licence is recorded."""
    policy.require(actor, "outcome.configure", time_point)
    usable = selectors.usable_instrument_ids(time_point.service)
    unknown = [i for i in instrument_ids if i not in usable]
    if unknown:
        raise ValidationError(
            {"instruments": f"{unknown[0]} cannot be asked until its licence is recorded."}
        )
    with transaction.atomic():
        time_point.instruments = list(instrument_ids)
        time_point.save(update_fields=["instruments"])
        audit_record(
            actor=actor,
            action="outcome.time_point_update",
            target=time_point,
            fields=["instruments"],
        )
    return time_point


def outcome_settings_update(
    *, actor: User, service: Service, sustained_weeks: int, sustained_percent: int
) -> OutcomeSettings:
    policy.require(actor, "outcome.configure", service)
    with transaction.atomic():
        settings, _ = OutcomeSettings.objects.select_for_update().get_or_create(service=service)
        settings.sustained_weeks = sustained_weeks
        settings.sustained_percent = sustained_percent
        settings.full_clean()
        settings.save()
        audit_record(
            actor=actor,
            action="outcome.settings_update",
            target=settings,
            service_id=service.pk,
            fields=["sustained_weeks", "sustained_percent"],
        )
    return settings
