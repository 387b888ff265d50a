"""Writing studies, transcripts, codes, spans and themes. Each service checks the team
role (on top of the analyst policy), validates, writes in one transaction and audits."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from alongside.accounts import policy
from alongside.accounts.policy import SYSTEM, Actor
from alongside.audit.services import audit_record
from alongside.core import NotFound
from alongside.evaluation import selectors
from alongside.evaluation.models import (
    TRANSCRIPT_MAX,
    Code,
    CodedSpan,
    CodingAction,
    CodingAssignment,
    Group,
    Interview,
    InterviewGuide,
    Memo,
    Participant,
    Study,
    TeamMember,
    TeamRole,
    Theme,
    Transcript,
    coder_guid,
)

if TYPE_CHECKING:
    from alongside.accounts.models import User


def _require_team(actor: User, study: Study, *roles: str) -> None:
    """404 unless ``actor`` is an analyst on the study team with one of ``roles``."""
    if not policy.service_ids(actor, "evaluation.view"):
        raise NotFound()
    role = selectors.team_role(actor, study)
    if role is None or (roles and role not in roles):
        raise NotFound()


def _lead(actor: User, study: Study) -> None:
    _require_team(actor, study, TeamRole.LEAD)


def _coder(actor: User, study: Study) -> None:
    _require_team(actor, study, TeamRole.LEAD, TeamRole.CODER)


def _audit(actor: Actor, action: str, target: Any, **extra: Any) -> None:
    audit_record(actor=actor, action=f"evaluation.{action}", target=target, **extra)


# Studies and teams ---------------------------------------------------------------------


def study_create(
    *,
    actor: Actor,
    slug: str,
    title: str,
    aims: str = "",
    ethics_reference: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    services: Iterable[Any] = (),
) -> Study:
    """A new study; the analyst who creates it leads it (``actor`` None: the command line)."""
    services = list(services)
    if actor is not SYSTEM:
        allowed = set(policy.service_ids(actor, "evaluation.view"))
        if not allowed:
            raise NotFound()
        if any(s.pk not in allowed for s in services):
            raise ValidationError({"services": "Choose services where you are an analyst."})
    if Study.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": "A study with this short name already exists."})
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": "The end date must be on or after the start date."})
    with transaction.atomic():
        study = Study.objects.create(
            slug=slug,
            title=title,
            aims=aims,
            ethics_reference=ethics_reference,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        study.services.set(services)
        if actor is not SYSTEM:
            TeamMember.objects.create(study=study, user=actor, role=TeamRole.LEAD)
        _audit(actor, "study_create", study, fields=["title", "services"])
    return study


def team_member_set(*, actor: Actor, study: Study, user: Any, role: str) -> TeamMember:
    if actor is not SYSTEM:
        _lead(actor, study)
    if role not in TeamRole.values:
        raise ValidationError({"role": "Choose lead, coder or reader."})
    if not policy.service_ids(user, "evaluation.view"):
        raise ValidationError({"user": "Only analysts can join a study team."})
    with transaction.atomic():
        member, _ = TeamMember.objects.update_or_create(
            study=study, user=user, defaults={"role": role}
        )
        _audit(actor, "team_set", study, fields=["team"], object_ids=[f"accounts.user:{user.pk}"])
    return member


def study_unblind(*, actor: User, study: Study) -> Study:
    _lead(actor, study)
    with transaction.atomic():
        study = Study.objects.select_for_update().get(pk=study.pk)
        if study.unblinded_at is None:
            study.unblinded_at = timezone.now()
            study.save(update_fields=["unblinded_at"])
            _audit(actor, "study_unblind", study, fields=["unblinded_at"])
    return study


def study_suggestions_set(*, actor: User, study: Study, enabled: bool) -> Study:
    """The lead switches code suggestions on or off for the whole study (off by default)."""
    _lead(actor, study)
    with transaction.atomic():
        study = Study.objects.select_for_update().get(pk=study.pk)
        if study.suggestions_enabled != enabled:
            study.suggestions_enabled = enabled
            study.save(update_fields=["suggestions_enabled"])
            _audit(actor, "study_suggestions_set", study, fields=["suggestions_enabled"])
    return study


# Participants, guides, interviews ------------------------------------------------------


def participant_add(
    *,
    actor: Actor,
    study: Study,
    label: str,
    group: str,
    consented_on: dt.date | None = None,
    patient: Any = None,
    mentor: Any = None,
) -> Participant:
    if actor is not SYSTEM:
        _lead(actor, study)
    if group not in Group.values:
        raise ValidationError({"group": "Choose a participant group."})
    if patient is not None and mentor is not None:
        raise ValidationError({"patient": "Link a participant to one record at most."})
    if Participant.objects.filter(study=study, label=label).exists():
        raise ValidationError({"label": "Another participant already has this id."})
    with transaction.atomic():
        participant = Participant.objects.create(
            study=study,
            label=label,
            group=group,
            consented_on=consented_on,
            patient=patient,
            mentor=mentor,
        )
        _audit(actor, "participant_add", participant, fields=["label", "group", "consented_on"])
    return participant


def _service_record(
    study: Study, participant: Participant, group: str, hospital_number: str, mentor_email: str
) -> tuple[Any, Any]:
    """The patient or mentor record a participant is to be linked to, found by hospital
    number or e-mail in the study's own services (so no name is ever typed or shown here).
    A patient record fits only the patient group and a mentor record only the peer mentor
    group, and one record is one participant of a study."""
    from alongside.mentors.models import Mentor
    from alongside.patients.models import Patient

    hospital_number, mentor_email = hospital_number.strip(), mentor_email.strip()
    if hospital_number and mentor_email:
        raise ValidationError(
            {"mentor_email": "Link to one record: a patient or a peer mentor, not both."}
        )
    services_of_study = study.services.all()
    if hospital_number:
        if group != Group.PATIENT:
            raise ValidationError(
                {
                    "hospital_number": "Only a participant in the patient group can be linked "
                    "to a patient record."
                }
            )
        found = list(
            Patient.objects.filter(service__in=services_of_study, hospital_number=hospital_number)[
                :2
            ]
        )
        if len(found) != 1:
            raise ValidationError(
                {
                    "hospital_number": "No single patient in this study's services has this "
                    "hospital number."
                }
            )
        patient, mentor, field = found[0], None, "hospital_number"
    elif mentor_email:
        if group != Group.PEER_MENTOR:
            raise ValidationError(
                {
                    "mentor_email": "Only a participant in the peer mentor group can be linked "
                    "to a peer mentor record."
                }
            )
        mentors = list(
            Mentor.objects.filter(service__in=services_of_study, email__iexact=mentor_email)[:2]
        )
        if len(mentors) != 1:
            raise ValidationError(
                {"mentor_email": "No single peer mentor in this study's services has this e-mail."}
            )
        patient, mentor, field = None, mentors[0], "mentor_email"
    else:
        return None, None
    taken = (
        Participant.objects.filter(study=study)
        .filter(Q(patient=patient) if patient is not None else Q(mentor=mentor))
        .exclude(pk=participant.pk)
        .values_list("label", flat=True)
        .first()
    )
    if taken is not None:
        raise ValidationError({field: f"This record is already linked to participant {taken}."})
    return patient, mentor


def participant_update(
    *,
    actor: User,
    participant: Participant,
    label: str,
    group: str,
    consented_on: dt.date | None = None,
    hospital_number: str = "",
    mentor_email: str = "",
    unlink: bool = False,
) -> Participant:
    """The lead corrects a participant and links them to a patient record (by hospital
    number) or a peer mentor record (by e-mail) in one of the study's services; empty
    keeps the link as it is and ``unlink`` removes it."""
    study = participant.study
    _lead(actor, study)
    label = label.strip()
    if not label:
        raise ValidationError({"label": "Enter a pseudonymous id."})
    if group not in Group.values:
        raise ValidationError({"group": "Choose a participant group."})
    if Participant.objects.filter(study=study, label=label).exclude(pk=participant.pk).exists():
        raise ValidationError({"label": "Another participant already has this id."})
    patient, mentor = _service_record(study, participant, group, hospital_number, mentor_email)
    linking = patient is not None or mentor is not None
    if unlink and linking:
        raise ValidationError(
            {"unlink": "Either remove the link or give a record to link to, not both."}
        )
    if not unlink and not linking:
        kept_fits = (participant.patient_id is None or group == Group.PATIENT) and (
            participant.mentor_id is None or group == Group.PEER_MENTOR
        )
        if not kept_fits:
            raise ValidationError(
                {
                    "group": "This participant is linked to a record of another group: remove "
                    "the link first, or keep the group."
                }
            )
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        participant.label = label
        participant.group = group
        participant.consented_on = consented_on
        fields = ["label", "group", "consented_on"]
        if linking or unlink:
            participant.patient = patient
            participant.mentor = mentor
            fields += ["patient", "mentor"]
        participant.save(update_fields=fields)
        _audit(actor, "participant_update", participant, fields=fields)
    return participant


def participant_withdraw(*, actor: User, participant: Participant, reason: str) -> Participant:
    _lead(actor, participant.study)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the participant withdrew."})
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.withdrawn_at is None:
            participant.withdrawn_at = timezone.now()
            participant.withdrawal_reason = reason.strip()
            participant.save(update_fields=["withdrawn_at", "withdrawal_reason"])
            _audit(actor, "participant_withdraw", participant, fields=["withdrawn_at"])
    return participant


def guide_create(
    *, actor: Actor, study: Study, group: str, title: str, questions: Sequence[dict[str, Any]]
) -> InterviewGuide:
    if actor is not SYSTEM:
        _lead(actor, study)
    cleaned = []
    for number, item in enumerate(questions, start=1):
        question = str(item.get("question", "")).strip()
        if not question:
            raise ValidationError({"questions": f"Question {number} is empty."})
        prompts = [str(p).strip() for p in item.get("prompts", []) if str(p).strip()]
        cleaned.append({"question": question, "prompts": prompts})
    with transaction.atomic():
        guide = InterviewGuide.objects.create(
            study=study, group=group, title=title, questions=cleaned
        )
        _audit(actor, "guide_create", guide, fields=["questions"])
    return guide


def interview_create(
    *,
    actor: Actor,
    participant: Participant,
    held_on: dt.date | None = None,
    interviewer: str = "",
    mode: str = "",
    duration_minutes: int | None = None,
    guide: InterviewGuide | None = None,
) -> Interview:
    if actor is not SYSTEM:
        _lead(actor, participant.study)
    if guide is not None and guide.study_id != participant.study_id:
        raise ValidationError({"guide": "Choose a guide from this study."})
    with transaction.atomic():
        interview = Interview.objects.create(
            participant=participant,
            held_on=held_on,
            interviewer=interviewer,
            mode=mode,
            duration_minutes=duration_minutes,
            guide=guide,
        )
        _audit(actor, "interview_create", interview, fields=["held_on", "mode"])
    return interview


def interview_update(
    *,
    actor: User,
    interview: Interview,
    held_on: dt.date | None = None,
    interviewer: str = "",
    mode: str = "",
    duration_minutes: int | None = None,
    guide: InterviewGuide | None = None,
) -> Interview:
    study = interview.participant.study
    _lead(actor, study)
    if guide is not None and guide.study_id != study.pk:
        raise ValidationError({"guide": "Choose a guide from this study."})
    with transaction.atomic():
        interview = Interview.objects.select_for_update().get(pk=interview.pk)
        interview.held_on = held_on
        interview.interviewer = interviewer
        interview.mode = mode
        interview.duration_minutes = duration_minutes
        interview.guide = guide
        fields = ["held_on", "interviewer", "mode", "duration_minutes", "guide"]
        interview.save(update_fields=fields)
        _audit(actor, "interview_update", interview, fields=fields)
    return interview


# Transcripts ---------------------------------------------------------------------------


def _turns_json(turns: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {
            "speaker": t.speaker,
            "start": t.start,
            "end": t.end,
            "started_at": t.started_at,
        }
        for t in turns
    ]


def transcript_import(
    *,
    actor: Actor,
    interview: Interview,
    name: str,
    text: str | None = None,
    filename: str | None = None,
    data: bytes | None = None,
) -> Transcript:
    """A transcript pasted (``text``) or uploaded (``filename`` + ``data``)."""
    from alongside.core.qda import QdaError
    from alongside.core.qda.transcripts import transcript_from_bytes, transcript_from_text

    study = interview.participant.study
    if actor is not SYSTEM:
        _coder(actor, study)
    try:
        if data is not None:
            parsed = transcript_from_bytes(filename or "transcript.txt", data)
        else:
            parsed = transcript_from_text(text or "")
    except QdaError as error:
        raise ValidationError({"file" if data is not None else "text": str(error)}) from error
    except UnicodeDecodeError as error:
        raise ValidationError(
            {"file": "This file is not in a text encoding Alongside can read (use UTF-8)."}
        ) from error
    if not parsed.text.strip():
        raise ValidationError({"file" if data is not None else "text": "The transcript is empty."})
    if len(parsed.text) > TRANSCRIPT_MAX:
        raise ValidationError(
            {"text": f"The transcript is longer than {TRANSCRIPT_MAX:,} characters."}
        )
    with transaction.atomic():
        transcript = Transcript.objects.create(
            study=study,
            interview=interview,
            name=name.strip() or (filename or "Transcript"),
            text=parsed.text,
            turns=_turns_json(parsed.turns),
        )
        _audit(actor, "transcript_import", transcript, fields=["text", "turns"])
    return transcript


def transcript_deidentify(
    *, actor: User, transcript: Transcript, replacements: Sequence[tuple[int, int, str]]
) -> Transcript:
    """Replace identifying spans with placeholders; only before anything is coded, since
    replacing text moves every offset after it."""
    from alongside.core.qda import QdaError
    from alongside.core.qda.deidentify import replace_spans

    _coder(actor, transcript.study)
    with transaction.atomic():
        transcript = Transcript.objects.select_for_update().get(pk=transcript.pk)
        if transcript.spans.exists():
            raise ValidationError("This transcript has coding already; de-identify before coding.")
        for start, end, _placeholder in replacements:
            if not (0 <= start < end <= len(transcript.text)):
                raise ValidationError(f"The passage {start}–{end} is outside the transcript.")
        try:
            new_text, mapper = replace_spans(transcript.text, list(replacements))
        except QdaError as error:
            # core.qda messages are whole sentences already; capitalize() would lower the rest.
            raise ValidationError(str(error)) from error
        moved = []
        for turn in transcript.turns:
            start, end = mapper.span(turn["start"], turn["end"])
            moved.append({**turn, "start": start, "end": end})
        transcript.turns = moved
        transcript.text = new_text
        transcript.deidentified = True
        transcript.save(update_fields=["text", "turns", "deidentified"])
        _audit(actor, "transcript_deidentify", transcript, fields=["text"])
    return transcript


def transcript_mark_deidentified(*, actor: User, transcript: Transcript) -> Transcript:
    _coder(actor, transcript.study)
    with transaction.atomic():
        Transcript.objects.filter(pk=transcript.pk).update(deidentified=True)
        transcript.deidentified = True
        _audit(actor, "transcript_deidentify", transcript, fields=["deidentified"])
    return transcript


# Codebook ------------------------------------------------------------------------------


def _check_parent(study: Study, code: Code | None, parent: Code | None) -> None:
    if parent is None:
        return
    if parent.study_id != study.pk:
        raise ValidationError({"parent": "Choose a parent code from this study."})
    node: Code | None = parent
    while node is not None:
        if code is not None and node.pk == code.pk:
            raise ValidationError({"parent": "A code cannot sit under itself or its sub-codes."})
        node = node.parent


def code_create(
    *,
    actor: Actor,
    study: Study,
    name: str,
    description: str = "",
    inclusion: str = "",
    exclusion: str = "",
    colour: str = "#1d70b8",
    parent: Code | None = None,
    guid: uuid.UUID | None = None,
) -> Code:
    if actor is not SYSTEM:
        _coder(actor, study)
    if not name.strip():
        raise ValidationError({"name": "Enter a name for the code."})
    _check_parent(study, None, parent)
    with transaction.atomic():
        code = Code.objects.create(
            study=study,
            parent=parent,
            name=name.strip(),
            description=description,
            inclusion=inclusion,
            exclusion=exclusion,
            colour=colour,
            guid=guid or uuid.uuid4(),
        )
        _audit(actor, "code_create", code, fields=["name"])
    return code


def code_update(*, actor: User, code: Code, **changes: Any) -> Code:
    _coder(actor, code.study)
    allowed = {"name", "description", "inclusion", "exclusion", "colour"}
    with transaction.atomic():
        for field, value in changes.items():
            if field in allowed:
                setattr(code, field, value)
        code.full_clean(exclude=["study", "parent", "guid"])
        code.save()
        _audit(actor, "code_update", code, fields=sorted(set(changes) & allowed))
    return code


def code_move(*, actor: User, code: Code, parent: Code | None) -> Code:
    _coder(actor, code.study)
    with transaction.atomic():
        _check_parent(code.study, code, parent)
        code.parent = parent
        code.save(update_fields=["parent"])
        _audit(actor, "code_move", code, fields=["parent"])
    return code


def code_merge(*, actor: User, source: Code, into: Code) -> Code:
    """Fold ``source`` into ``into``: its spans, sub-codes, memos and themes move across."""
    _coder(actor, source.study)
    if source.pk == into.pk:
        raise ValidationError({"into": "Choose a different code to merge into."})
    if into.study_id != source.study_id:
        raise ValidationError({"into": "Choose a code from this study."})
    with transaction.atomic():
        _check_parent(source.study, source, into)
        # A coder who applied both codes to the same passage keeps one span, not two.
        existing = set(
            CodedSpan.objects.filter(code=into).values_list(
                "transcript_id", "coder_guid", "start", "end"
            )
        )
        for span in CodedSpan.objects.filter(code=source):
            key = (span.transcript_id, span.coder_guid, span.start, span.end)
            if key in existing:
                span.delete()
            else:
                existing.add(key)
                span.code = into
                span.save(update_fields=["code"])
        Code.objects.filter(parent=source).update(parent=into)
        Memo.objects.filter(code=source).update(code=into)
        for theme in source.themes.all():
            theme.codes.add(into)
        _audit(
            actor,
            "code_merge",
            into,
            fields=["spans"],
            object_ids=[f"evaluation.code:{source.pk}"],
        )
        source.delete()
    return into


def code_split(
    *, actor: User, code: Code, name: str, span_ids: Iterable[int], description: str = ""
) -> Code:
    """A new sub-code of ``code`` taking the chosen spans (the rest stay where they are)."""
    _coder(actor, code.study)
    ids = set(span_ids)
    spans = CodedSpan.objects.filter(code=code, pk__in=ids)
    if not ids or spans.count() != len(ids):
        raise ValidationError({"spans": "Choose one or more passages of this code to move."})
    with transaction.atomic():
        new = code_create(
            actor=actor,
            study=code.study,
            name=name,
            description=description,
            colour=code.colour,
            parent=code,
        )
        spans.update(code=new)
        _audit(
            actor, "code_split", new, fields=["spans"], object_ids=[f"evaluation.code:{code.pk}"]
        )
    return new


# Coding --------------------------------------------------------------------------------


def span_code(
    *, actor: User, transcript: Transcript, start: int, end: int, codes: Sequence[Code]
) -> list[CodedSpan]:
    """Apply one or more codes to ``text[start:end]``; one undoable action."""
    study = transcript.study
    _coder(actor, study)
    if not codes:
        raise ValidationError({"codes": "Choose at least one code."})
    if end <= start:
        raise ValidationError({"end": "The passage must end after it starts."})
    if start < 0 or end > len(transcript.text):
        raise ValidationError(
            {"end": f"The passage must lie within the transcript (0 to {len(transcript.text)})."}
        )
    if any(code.study_id != study.pk for code in codes):
        raise ValidationError({"codes": "Choose codes from this study's codebook."})
    if Participant.objects.filter(
        pk=transcript.interview.participant_id, withdrawn_at__isnull=False
    ).exists():
        raise ValidationError("This participant has withdrawn; their transcript is not coded.")
    guid = coder_guid(actor)
    with transaction.atomic():
        created = []
        for code in codes:
            span, made = CodedSpan.objects.get_or_create(
                transcript=transcript,
                code=code,
                coder_guid=guid,
                start=start,
                end=end,
                defaults={"coder": actor, "coder_name": actor.display_name},
            )
            if made:
                created.append(span)
        if created:
            CodingAction.objects.create(
                transcript=transcript,
                user=actor,
                kind=CodingAction.ADD,
                payload=[s.pk for s in created],
            )
            _audit(
                actor,
                "span_code",
                transcript,
                fields=["spans"],
                object_ids=[f"evaluation.codedspan:{s.pk}" for s in created],
            )
    return created


def _span_fields(span: CodedSpan) -> dict[str, Any]:
    # The pk too: an earlier "add" still names this span, so undoing that must find it.
    return {
        "pk": span.pk,
        "code_id": span.code_id,
        "coder_id": span.coder_id,
        "coder_guid": str(span.coder_guid),
        "coder_name": span.coder_name,
        "start": span.start,
        "end": span.end,
        "guid": str(span.guid),
        "coding_guid": str(span.coding_guid),
    }


def span_remove(*, actor: User, span: CodedSpan) -> None:
    study = span.transcript.study
    _coder(actor, study)
    if span.coder_id != actor.pk and selectors.team_role(actor, study) != TeamRole.LEAD:
        raise NotFound()
    with transaction.atomic():
        CodingAction.objects.create(
            transcript=span.transcript,
            user=actor,
            kind=CodingAction.REMOVE,
            payload=[_span_fields(span)],
        )
        _audit(
            actor, "span_remove", span.transcript, object_ids=[f"evaluation.codedspan:{span.pk}"]
        )
        span.delete()


def coding_undo(*, actor: User, transcript: Transcript) -> CodingAction | None:
    """Undo ``actor``'s last coding action on ``transcript`` (None: nothing to undo)."""
    _coder(actor, transcript.study)
    with transaction.atomic():
        action = (
            CodingAction.objects.select_for_update()
            .filter(transcript=transcript, user=actor)
            .order_by("-created_at", "-pk")
            .first()
        )
        if action is None:
            return None
        if action.kind == CodingAction.ADD:
            CodedSpan.objects.filter(pk__in=action.payload, transcript=transcript).delete()
        else:
            for fields in action.payload:
                if Code.objects.filter(pk=fields["code_id"], study=transcript.study).exists():
                    CodedSpan.objects.create(transcript=transcript, **fields)
        _audit(actor, "coding_undo", transcript, fields=[action.kind])
        action.delete()
    return action


def memo_add(
    *,
    actor: Actor,
    study: Study,
    text: str,
    title: str = "",
    code: Code | None = None,
    span: CodedSpan | None = None,
    transcript: Transcript | None = None,
    guid: uuid.UUID | None = None,
) -> Memo:
    if actor is not SYSTEM:
        _require_team(actor, study)
    if not text.strip():
        raise ValidationError({"text": "Write the memo."})
    for target in (code, transcript):
        if target is not None and target.study_id != study.pk:
            raise ValidationError("The memo's subject must belong to this study.")
    if span is not None and span.transcript.study_id != study.pk:
        raise ValidationError("The memo's subject must belong to this study.")
    with transaction.atomic():
        memo = Memo.objects.create(
            study=study,
            author=policy.person(actor),
            title=title,
            text=text,
            code=code,
            span=span,
            transcript=transcript,
            guid=guid or uuid.uuid4(),
        )
        _audit(actor, "memo_add", memo, fields=["text"])
    return memo


# Themes and assignments ----------------------------------------------------------------


def theme_create(
    *,
    actor: Actor,
    study: Study,
    name: str,
    description: str = "",
    parent: Theme | None = None,
    codes: Iterable[Code] = (),
    guid: uuid.UUID | None = None,
) -> Theme:
    if actor is not SYSTEM:
        _coder(actor, study)
    codes = list(codes)
    if not name.strip():
        raise ValidationError({"name": "Enter a name for the theme."})
    if parent is not None and parent.study_id != study.pk:
        raise ValidationError({"parent": "Choose a theme from this study."})
    if any(c.study_id != study.pk for c in codes):
        raise ValidationError({"codes": "Choose codes from this study's codebook."})
    with transaction.atomic():
        theme = Theme.objects.create(
            study=study,
            parent=parent,
            name=name.strip(),
            description=description,
            guid=guid or uuid.uuid4(),
        )
        theme.codes.set(codes)
        _audit(actor, "theme_create", theme, fields=["name", "codes"])
    return theme


def theme_codes_set(*, actor: User, theme: Theme, codes: Iterable[Code]) -> Theme:
    _coder(actor, theme.study)
    codes = list(codes)
    if any(c.study_id != theme.study_id for c in codes):
        raise ValidationError({"codes": "Choose codes from this study's codebook."})
    with transaction.atomic():
        theme.codes.set(codes)
        _audit(actor, "theme_codes_set", theme, fields=["codes"])
    return theme


def assignment_create(
    *, actor: User, transcript: Transcript, coders: Iterable[Any]
) -> list[CodingAssignment]:
    """The lead gives a transcript to coders for blinded parallel coding."""
    _lead(actor, transcript.study)
    made = []
    with transaction.atomic():
        for coder in coders:
            if selectors.team_role(coder, transcript.study) not in (TeamRole.LEAD, TeamRole.CODER):
                raise ValidationError({"coders": f"{coder} is not a coder on this study."})
            assignment, created = CodingAssignment.objects.get_or_create(
                transcript=transcript, coder=coder, defaults={"assigned_by": actor}
            )
            if created:
                made.append(assignment)
        _audit(
            actor,
            "assignment_create",
            transcript,
            object_ids=[f"accounts.user:{a.coder_id}" for a in made],
        )
    return made
