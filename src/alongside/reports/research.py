"""The pseudonymised research export: one CSV per entity and a data dictionary, zipped.

* **No identifiers**: no name, e-mail, phone, address or postcode, hospital number,
  employer, date of birth or place; people are named by the service's keyed
  pseudonymous ids (``reports.pseudonyms``), the same person with the same id in
  every file and every export.
* **Dates** are shifted by a hidden number of days that is the same for every date of
  one person (``shift``), or replaced by days since the person's injury
  (``intervals``), as the service chooses (``ResearchSettings``).
* **Free text** (reasons, notes, goals, reflections, stories) is left out unless asked
  for; then it is included as typed, neutralised against spreadsheet formulas.
* **Data dictionary** (``data_dictionary.csv``) in the manner of REDCap's: each
  variable's file, type, label, allowed values ("code, label | …") and an identifier
  flag ("y" for the variables that link or date a person: pseudonymous ids and dates).

The export is written by ``research_zip`` for the command line and the task worker
alike; a progress callback is told after each file.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import TextChoices

from alongside.core.vocabulary import Vocabulary
from alongside.reports.exports import csv_bytes
from alongside.reports.models import DateHandling, ResearchSettings
from alongside.reports.periods import zone_of
from alongside.reports.pseudonyms import Pseudonymiser


def _choices(choices: type[TextChoices] | type[Vocabulary] | list[tuple[str, str]]) -> str:
    pairs = choices.choices if isinstance(choices, type) else choices
    return " | ".join(f"{value}, {label}" for value, label in pairs)


@dataclass(frozen=True)
class Variable:
    name: str
    kind: str  # text, integer, number, date, yesno, dropdown, list
    label: str
    choices: str = ""
    identifier: bool = False
    free_text: bool = False

    @property
    def is_date(self) -> bool:
        return self.kind == "date"


def _spec() -> dict[str, list[Variable]]:
    from alongside.core.vocabulary import JobDemands, LoggedContactMode, MentorStatus
    from alongside.matches.models import DeclinedBy, EndReason, MatchStatus
    from alongside.patients.models import (
        Demand,
        EmploymentType,
        Gender,
        GoalStatus,
        InjuryCategory,
        Mechanism,
        PatientStatus,
        ReferralSource,
        WorkStatusKind,
    )
    from alongside.reports.fidelity import COMPONENTS

    pid = Variable("patient_id", "text", "Pseudonymous id of the patient", identifier=True)
    mid = Variable("mentor_id", "text", "Pseudonymous id of the mentor", identifier=True)
    xid = Variable("match_id", "text", "Pseudonymous id of the match", identifier=True)
    return {
        "patients.csv": [
            pid,
            Variable("age_at_injury", "integer", "Age in whole years on the day of injury"),
            Variable("gender", "dropdown", "Gender", _choices(Gender)),
            Variable("injury_category", "dropdown", "Injury category", _choices(InjuryCategory)),
            Variable("icd10_codes", "list", "ICD-10 (WHO) codes, separated by ';'"),
            Variable("sci_level", "text", "SCI neurological level (C1–S5)"),
            Variable("asia_grade", "dropdown", "ASIA Impairment Scale", "A | B | C | D | E"),
            Variable("tbi_severity", "text", "TBI severity"),
            Variable("gcs", "integer", "Glasgow Coma Scale, 3–15"),
            Variable("iss", "integer", "Injury Severity Score, 1–75"),
            Variable("mechanism", "dropdown", "Mechanism of injury", _choices(Mechanism)),
            Variable("occupation_code", "text", "Pre-injury occupation, service's classification"),
            Variable("employment_type", "dropdown", "Work at injury", _choices(EmploymentType)),
            Variable("hours_per_week_before", "number", "Hours a week worked before the injury"),
            Variable("physical_demands", "dropdown", "Physical demands", _choices(Demand)),
            Variable("cognitive_demands", "dropdown", "Cognitive demands", _choices(Demand)),
            Variable("job_held_open", "yesno", "Job held open by the employer"),
            Variable("referral_source", "dropdown", "Referred from", _choices(ReferralSource)),
            Variable("status", "dropdown", "Status at export", _choices(PatientStatus)),
            Variable("date_of_injury", "date", "Date of injury", identifier=True),
            Variable("date_of_admission", "date", "Date of admission", identifier=True),
            Variable("date_of_referral", "date", "Date of referral", identifier=True),
            Variable("accepted_on", "date", "Accepted into the service", identifier=True),
            Variable(
                "first_therapist_contact_on", "date", "First therapist contact", identifier=True
            ),
            Variable("mentor_introduced_on", "date", "Peer mentor introduced", identifier=True),
            Variable("discharged_on", "date", "Discharged", identifier=True),
            Variable("decline_reason", "text", "Reason the referral was declined", free_text=True),
            Variable("industry", "text", "Industry before the injury", free_text=True),
        ],
        "work_statuses.csv": [
            pid,
            Variable("from_date", "date", "Work status from this day", identifier=True),
            Variable("status", "dropdown", "Work status", _choices(WorkStatusKind)),
            Variable("hours_per_week", "number", "Hours a week"),
            Variable("note", "text", "Note", free_text=True),
        ],
        "questionnaires.csv": [
            Variable("response_id", "text", "Pseudonymous id of the answers", identifier=True),
            pid,
            Variable("instrument", "text", "Instrument id (docs/outcomes.md)"),
            Variable("instrument_version", "text", "Version of the instrument definition"),
            Variable("time_point", "text", "Time point of the schedule, or 'Extra'"),
            Variable("completed_on", "date", "Day answered", identifier=True),
            Variable("total", "number", "Total score (empty when too many items are missing)"),
            Variable("band", "text", "Severity band"),
            Variable("valid", "yesno", "Scored under the missing-item rule"),
            Variable("missing", "integer", "Items not answered"),
            Variable("prorated", "yesno", "Total prorated for missing items"),
            Variable(
                "answers", "list", "Item values in item order, ';' separated, empty = missing"
            ),
        ],
        "mentors.csv": [
            mid,
            Variable("status", "dropdown", "Mentor status", _choices(MentorStatus)),
            Variable("injury_category", "dropdown", "Lived injury", _choices(InjuryCategory)),
            Variable("gender", "dropdown", "Gender", _choices(Gender)),
            Variable("age_band", "text", "Age band at export, ten years wide"),
            Variable("occupation_code", "text", "Occupation, service's classification"),
            Variable("employment_type", "dropdown", "Employment", _choices(EmploymentType)),
            Variable("job_demands", "dropdown", "Job demands", _choices(JobDemands)),
            Variable("capacity", "integer", "Mentees the mentor can take at once"),
            Variable("mentees", "integer", "Current mentees"),
            Variable("rtw_story", "text", "The mentor's return-to-work story", free_text=True),
        ],
        "matches.csv": [
            xid,
            pid,
            mid,
            Variable("status", "dropdown", "Match status", _choices(MatchStatus)),
            Variable("score", "number", "Matching score when proposed, 0–1"),
            Variable("proposed_on", "date", "Proposed (patient's dates)", identifier=True),
            Variable("started_on", "date", "Started", identifier=True),
            Variable("ended_on", "date", "Ended", identifier=True),
            Variable("end_reason", "dropdown", "Why it ended", _choices(EndReason)),
            Variable("declined_by", "dropdown", "Declined by", _choices(DeclinedBy)),
            Variable("end_note", "text", "Note on the ending", free_text=True),
        ],
        "contacts.csv": [
            Variable("contact_id", "text", "Pseudonymous id of the contact", identifier=True),
            xid,
            pid,
            mid,
            Variable("contact_on", "date", "Day of the contact (patient's dates)", identifier=True),
            Variable("mode", "dropdown", "How", _choices(LoggedContactMode)),
            Variable("duration_minutes", "integer", "Minutes"),
            Variable("topics", "list", "Topics from the service's list, ';' separated"),
            Variable("reflection", "text", "Mentor's reflection", free_text=True),
        ],
        "goals.csv": [
            pid,
            Variable("status", "dropdown", "Goal status", _choices(GoalStatus)),
            Variable("target_on", "date", "Target day", identifier=True),
            Variable("text", "text", "The goal", free_text=True),
        ],
        "employer_contacts.csv": [
            pid,
            Variable("contact_on", "date", "Day of the liaison", identifier=True),
            Variable("summary", "text", "Summary", free_text=True),
            Variable("agreed", "text", "What was agreed", free_text=True),
        ],
        "fidelity.csv": [
            pid,
            *[Variable(c.key, "yesno", f"{c.label}: {c.rule}") for c in COMPONENTS],
        ],
    }


def variables(file_name: str, *, free_text: bool) -> list[Variable]:
    return [v for v in _spec()[file_name] if free_text or not v.free_text]


def date_handling_of(service: Any) -> ResearchSettings:
    return ResearchSettings.objects.filter(service=service).first() or ResearchSettings(
        service=service
    )


def _column(variable: Variable, intervals: bool) -> str:
    if variable.is_date and intervals:
        return f"{variable.name}_days_from_injury"
    return variable.name


def data_dictionary(*, free_text: bool, intervals: bool = True) -> list[list[str]]:
    rows = []
    for file_name, spec in _spec().items():
        for v in spec:
            if v.free_text and not free_text:
                continue
            kind = "integer" if (v.is_date and intervals) else v.kind
            label = f"{v.label} (days since the injury)" if (v.is_date and intervals) else v.label
            rows.append(
                [
                    file_name,
                    _column(v, intervals),
                    kind,
                    label,
                    v.choices,
                    "y" if v.identifier else "",
                    "free text" if v.free_text else "",
                ]
            )
    return rows


DICTIONARY_HEADERS = [
    "file",
    "variable",
    "field_type",
    "field_label",
    "choices",
    "identifier",
    "notes",
]


class _Dates:
    """One person's dates: shifted by their own offset, or days since their injury."""

    def __init__(self, settings: ResearchSettings, pseudonyms: Pseudonymiser, zone: Any) -> None:
        self.zone = zone
        self.intervals = settings.date_handling == DateHandling.INTERVALS
        self.max_shift = settings.max_shift_days
        self.pseudonyms = pseudonyms

    def __call__(self, day: dt.date | dt.datetime | None, patient_id: int, injured: dt.date) -> Any:
        if day is None:
            return None
        if isinstance(day, dt.datetime):
            day = day.astimezone(self.zone).date()  # the day where the service is
        if self.intervals:
            return (day - injured).days
        shift = self.pseudonyms.shift_days("patient", patient_id, self.max_shift)
        return day + dt.timedelta(days=shift)


def _joined(values: Iterable[Any]) -> str:
    return ";".join("" if v is None else str(v) for v in values)


def _age_band(birth_year: int | None, today: dt.date) -> str:
    if not birth_year:
        return ""
    low = (today.year - birth_year) // 10 * 10
    return f"{low}–{low + 9}"


def research_zip(
    service: Any,
    *,
    free_text: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The whole export of one service as a zip file's bytes."""
    from alongside.contacts.models import Contact
    from alongside.matches.models import Match
    from alongside.mentors.models import Mentor
    from alongside.outcomes.models import QuestionnaireResponse
    from alongside.patients.models import EmployerContact, Goal, Patient, WorkStatus
    from alongside.reports import fidelity

    settings = date_handling_of(service)
    pseudonyms = Pseudonymiser(service)
    dates = _Dates(settings, pseudonyms, zone_of(service))
    intervals = dates.intervals
    today = dt.date.today()
    injured = dict(Patient.objects.filter(service=service).values_list("pk", "date_of_injury"))

    def pid(pk: int | None) -> str:
        return pseudonyms.id("patient", pk)

    def pdate(day: Any, patient_pk: int) -> Any:
        return dates(day, patient_pk, injured[patient_pk])

    patients = Patient.objects.filter(service=service).order_by("pk")
    rows_of: dict[str, Callable[[], Iterable[dict[str, Any]]]] = {
        "patients.csv": lambda: (
            {
                "patient_id": pid(p.pk),
                "age_at_injury": p.age_on(p.date_of_injury),
                "gender": p.gender,
                "injury_category": p.injury_category,
                "icd10_codes": _joined(p.icd10_codes or []),
                "sci_level": p.sci_level,
                "asia_grade": p.asia_grade,
                "tbi_severity": p.tbi_severity,
                "gcs": p.gcs,
                "iss": p.iss,
                "mechanism": p.mechanism,
                "occupation_code": p.occupation_code,
                "employment_type": p.employment_type,
                "hours_per_week_before": p.hours_per_week,
                "physical_demands": p.physical_demands,
                "cognitive_demands": p.cognitive_demands,
                "job_held_open": p.job_held_open,
                "referral_source": p.referral_source,
                "status": p.status,
                "decline_reason": p.decline_reason,
                "industry": p.industry,
                **{
                    name: pdate(getattr(p, name), p.pk)
                    for name in (
                        "date_of_injury",
                        "date_of_admission",
                        "date_of_referral",
                        "accepted_on",
                        "first_therapist_contact_on",
                        "mentor_introduced_on",
                        "discharged_on",
                    )
                },
            }
            for p in patients.iterator()
        ),
        "work_statuses.csv": lambda: (
            {
                "patient_id": pid(w.patient_id),
                "from_date": pdate(w.from_date, w.patient_id),
                "status": w.status,
                "hours_per_week": w.hours_per_week,
                "note": w.note,
            }
            for w in WorkStatus.objects.filter(patient__service=service)
            .order_by("patient_id", "from_date", "pk")
            .iterator()
        ),
        "questionnaires.csv": lambda: (
            {
                "response_id": pseudonyms.id("response", r.pk),
                "patient_id": pid(r.patient_id),
                "instrument": r.instrument_id,
                "instrument_version": r.instrument_version,
                "time_point": r.due.time_point.label if r.due_id else "Extra",
                "completed_on": pdate(r.completed_on, r.patient_id),
                "total": r.total,
                "band": r.band,
                "valid": r.valid,
                "missing": r.missing,
                "prorated": r.prorated,
                "answers": _joined(r.answers or []),
            }
            for r in QuestionnaireResponse.objects.filter(patient__service=service, is_current=True)
            .select_related("due__time_point")
            .order_by("patient_id", "completed_on", "pk")
            .iterator(chunk_size=2000)
        ),
        "mentors.csv": lambda: (
            {
                "mentor_id": pseudonyms.id("mentor", m.pk),
                "status": m.status,
                "injury_category": m.injury_category,
                "gender": m.gender,
                "age_band": _age_band(m.birth_year, today),
                "occupation_code": m.occupation_code,
                "employment_type": m.employment_type,
                "job_demands": m.job_demands,
                "capacity": m.capacity,
                "mentees": m.mentee_count,
                "rtw_story": m.rtw_story,
            }
            for m in Mentor.objects.filter(service=service).order_by("pk").iterator()
        ),
        "matches.csv": lambda: (
            {
                "match_id": pseudonyms.id("match", x.pk),
                "patient_id": pid(x.patient_id),
                "mentor_id": pseudonyms.id("mentor", x.mentor_id),
                "status": x.status,
                "score": round(x.score, 3),
                "proposed_on": pdate(x.proposed_at, x.patient_id),
                "started_on": pdate(x.started_at, x.patient_id),
                "ended_on": pdate(x.ended_at, x.patient_id),
                "end_reason": x.end_reason,
                "declined_by": x.declined_by,
                "end_note": x.end_note,
            }
            for x in Match.objects.filter(service=service).order_by("pk").iterator()
        ),
        "contacts.csv": lambda: (
            {
                "contact_id": pseudonyms.id("contact", c.pk),
                "match_id": pseudonyms.id("match", c.match_id),
                "patient_id": pid(c.match.patient_id),
                "mentor_id": pseudonyms.id("mentor", c.match.mentor_id),
                "contact_on": pdate(c.contact_at, c.match.patient_id),
                "mode": c.mode,
                "duration_minutes": c.duration_minutes,
                "topics": _joined(c.topics or []),
                "reflection": c.reflection,
            }
            for c in Contact.objects.filter(service=service)
            .select_related("match")
            .order_by("pk")
            .iterator(chunk_size=2000)
        ),
        "goals.csv": lambda: (
            {
                "patient_id": pid(g.patient_id),
                "status": g.status,
                "target_on": pdate(g.target_on, g.patient_id),
                "text": g.text,
            }
            for g in Goal.objects.filter(patient__service=service).order_by("pk").iterator()
        ),
        "employer_contacts.csv": lambda: (
            {
                "patient_id": pid(e.patient_id),
                "contact_on": pdate(e.on, e.patient_id),
                "summary": e.summary,
                "agreed": e.agreed,
            }
            for e in EmployerContact.objects.filter(patient__service=service)
            .order_by("pk")
            .iterator()
        ),
        "fidelity.csv": lambda: (
            {
                "patient_id": pid(p.pk),
                **dict(
                    zip([c.key for c in fidelity.COMPONENTS], fidelity.delivered(p), strict=True)
                ),
            }
            for p in fidelity.with_components(patients).iterator()
        ),
    }
    total = len(rows_of) + 1
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, (file_name, rows) in enumerate(rows_of.items(), start=1):
            spec = variables(file_name, free_text=free_text)
            archive.writestr(
                file_name,
                csv_bytes(
                    [_column(v, intervals) for v in spec],
                    ([row[v.name] for v in spec] for row in rows()),
                ),
            )
            if progress:
                progress(done, total)
        archive.writestr(
            "data_dictionary.csv",
            csv_bytes(
                DICTIONARY_HEADERS, data_dictionary(free_text=free_text, intervals=intervals)
            ),
        )
        archive.writestr(
            "export.json",
            json.dumps(
                {
                    "service": pseudonyms.id("service", service.pk),
                    "made_on": today.isoformat(),
                    "dates": settings.date_handling,
                    "free_text": free_text,
                },
                indent=2,
            ),
        )
        if progress:
            progress(total, total)
    return out.getvalue()


class ResearchExportForm(forms.Form):
    free_text = forms.BooleanField(
        label="Include free text (reasons, notes, goals, reflections)",
        required=False,
        help_text="Left out unless ticked: free text can name people.",
    )


class ResearchSettingsForm(forms.Form):
    date_handling = forms.ChoiceField(label="Dates in the export", choices=DateHandling.choices)
    max_shift_days = forms.IntegerField(
        label="Largest shift, in days", min_value=1, max_value=365, initial=180
    )
