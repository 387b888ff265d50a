"""HL7 FHIR R4 export: one Bundle per patient (or all patients), built with the R4B
models of ``fhir.resources`` so that every resource is validated as it is made.

What goes in (docs/reports.md has the mapping): Patient, Organization (the service),
Condition (the injury, ICD-10 codes), Observations (occupation before the injury,
employment at injury, the work-status timeline, questionnaire totals), EpisodeOfCare,
Practitioner and PractitionerRole (the therapist, the mentor), CareTeam, Goal,
Encounter (mentoring contacts), QuestionnaireResponse and Consent. Absent data is
omitted, never sent empty: a patient with only a referral gives a valid, small bundle.

Codes carry their systems: ICD-10 (WHO) for injuries; the service's occupation
classification (ISCO-08 under the URI HL7's terminology names for it; ANZSCO and UK SOC
2020 under Alongside URNs, as neither has a registered FHIR URI); LOINC only where an
instrument has a code (PHQ-9 total 44261-6, GAD-7 total 70274-6; occupation history
11341-5); HL7 terminology for categories, consent scopes and encounter classes. No
SNOMED CT code is sent: none is certain for these records.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.consent import Consent
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.episodeofcare import EpisodeOfCare
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from alongside.reports.periods import zone_of

ICD10 = "http://hl7.org/fhir/sid/icd-10"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
OCCUPATION_SYSTEMS = {
    "isco08": "http://www.ilo.org/public/english/bureau/stat/isco/isco08/",
    "anzsco": "urn:alongside:codesystem:anzsco-1.2",
    "soc2020": "urn:alongside:codesystem:uk-soc-2020",
}
ALONGSIDE = "urn:alongside:codesystem:"
LOINC_TOTALS = {
    "phq9": ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score"),
    "gad7": ("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score"),
}
# Our gender words -> FHIR administrative gender (female | male | other | unknown).
GENDERS = {
    "woman": "female",
    "man": "male",
    "non_binary": "other",
    "self_described": "other",
    "not_said": "unknown",
}
EPISODE_STATUS = {
    "referred": "planned",
    "eligible": "waitlist",
    "ineligible": "cancelled",
    "active": "active",
    "matched": "active",
    "returned_to_work": "active",
    "discharged": "finished",
}
GOAL_STATUS = {
    "planned": "planned",
    "in_progress": "active",
    "achieved": "completed",
    "dropped": "cancelled",
}
CONSENT_SCOPES = {
    "service": ("treatment", "Treatment"),
    "mentor_sharing": ("patient-privacy", "Privacy Consent"),
    "research": ("research", "Research"),
}
IN_PERSON_MODES = {"in_person_ward", "in_person_other"}


def _uuid(kind: str, pk: Any) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'alongside:{kind}:{pk}')}"


def _clean(value: Any) -> Any:
    """Drop empty values (FHIR forbids empty strings, lists and objects)."""
    if isinstance(value, dict):
        cleaned = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        cleaned_list = [_clean(v) for v in value]
        return [v for v in cleaned_list if v not in (None, "", [], {})]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _ref(kind: str, pk: Any) -> dict[str, str]:
    return {"reference": _uuid(kind, pk)}


class _Builder:
    def __init__(self) -> None:
        self.entries: dict[str, Any] = {}

    def add(self, model: Any, kind: str, pk: Any, data: dict[str, Any]) -> None:
        url = _uuid(kind, pk)
        if url in self.entries:
            return
        self.entries[url] = model.model_validate(_clean(data))  # validates, or raises

    def bundle(self) -> Bundle:
        return Bundle.model_validate(
            {
                "type": "collection",
                "timestamp": dt.datetime.now(dt.UTC).isoformat(),
                "entry": [{"fullUrl": url, "resource": r} for url, r in self.entries.items()],
            }
        )


def _organisation(b: _Builder, service: Any) -> None:
    b.add(
        Organization,
        "service",
        service.pk,
        {
            "identifier": [{"system": "urn:alongside:service", "value": service.slug}],
            "name": service.name,
            "address": [{"country": service.country}],
        },
    )


def _practitioner(b: _Builder, kind: str, pk: Any, name: str, role: str, service: Any) -> None:
    family, _, given = name.rpartition(" ") if " " in name else ("", "", name)
    b.add(
        Practitioner,
        kind,
        pk,
        {
            "name": [
                {
                    "text": name,
                    "family": given if family else None,
                    "given": [family] if family else None,
                }
            ],
        },
    )
    b.add(
        PractitionerRole,
        f"{kind}-role",
        pk,
        {
            "practitioner": _ref(kind, pk),
            "organization": _ref("service", service.pk),
            "code": [{"text": role}],
        },
    )


def _patient(b: _Builder, p: Any) -> None:
    service = p.service
    telecom = []
    if p.phone:
        telecom.append({"system": "phone", "value": p.phone})
    if p.email:
        telecom.append({"system": "email", "value": p.email})
    b.add(
        FhirPatient,
        "patient",
        p.pk,
        {
            "identifier": [
                {
                    "system": f"urn:alongside:service:{service.slug}:hospital-number",
                    "value": p.hospital_number,
                }
            ]
            if p.hospital_number
            else [],
            "name": [{"family": p.family_name, "given": [p.given_name]}],
            "gender": GENDERS.get(p.gender),
            "birthDate": p.date_of_birth,
            "telecom": telecom,
            "address": [{"postalCode": p.postcode, "country": service.country}]
            if p.postcode
            else [],
            "communication": [{"language": {"text": lang}} for lang in (p.languages or [])],
            "managingOrganization": _ref("service", service.pk),
        },
    )


def _condition(b: _Builder, p: Any) -> None:
    from alongside.core.codes.icd10 import icd10_title

    if not p.icd10_codes and not p.injury_category:
        return
    codings = []
    for code in p.icd10_codes:
        try:
            display = icd10_title(code)
        except ValueError:
            display = None  # a code outside the list Alongside knows: sent without a title
        codings.append({"system": ICD10, "code": code, "display": display})
    notes = []
    if p.sci_level or p.asia_grade:
        notes.append(
            f"SCI neurological level {p.sci_level or 'unknown'}, ASIA {p.asia_grade or 'unknown'}"
        )
    if p.tbi_severity:
        notes.append(f"TBI severity {p.tbi_severity}" + (f", GCS {p.gcs}" if p.gcs else ""))
    if p.iss:
        notes.append(f"Injury Severity Score {p.iss}")
    b.add(
        Condition,
        "condition",
        p.pk,
        {
            "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL, "code": "active"}]},
            "category": [
                {"coding": [{"system": CONDITION_CATEGORY, "code": "encounter-diagnosis"}]}
            ],
            "code": {"coding": codings, "text": p.get_injury_category_display()},
            "subject": _ref("patient", p.pk),
            "onsetDateTime": p.date_of_injury,
            "note": [{"text": n} for n in notes],
        },
    )


def _observation(b: _Builder, key: str, p: Any, data: dict[str, Any]) -> None:
    b.add(
        Observation,
        "observation",
        f"{p.pk}:{key}",
        {
            "status": "final",
            "subject": _ref("patient", p.pk),
            **data,
        },
    )


def _social(text: str, code: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "social-history"}]}],
        "code": code or {"text": text},
    }


def _work(b: _Builder, p: Any) -> None:
    from alongside.core.codes import classification

    scheme = p.service.occupation_classification
    if p.occupation_code:
        title = None
        try:
            title = classification(scheme).title(p.occupation_code)
        except (KeyError, ValueError):
            title = None
        _observation(
            b,
            "occupation",
            p,
            {
                **_social(
                    "History of occupation",
                    {
                        "coding": [
                            {"system": LOINC, "code": "11341-5", "display": "History of Occupation"}
                        ],
                    },
                ),
                "effectiveDateTime": p.date_of_injury,
                "valueCodeableConcept": {
                    "coding": [
                        {
                            "system": OCCUPATION_SYSTEMS.get(scheme, ALONGSIDE + scheme),
                            "code": p.occupation_code,
                            "display": title,
                        }
                    ],
                },
            },
        )
    if p.employment_type:
        components = []
        if p.hours_per_week is not None:
            components.append(
                {
                    "code": {"text": "Hours worked a week"},
                    "valueQuantity": {
                        "value": float(p.hours_per_week),
                        "unit": "h/wk",
                        "system": UCUM,
                        "code": "h/wk",
                    },
                }
            )
        _observation(
            b,
            "employment",
            p,
            {
                **_social("Employment at injury"),
                "effectiveDateTime": p.date_of_injury,
                "valueCodeableConcept": {
                    "coding": [
                        {
                            "system": ALONGSIDE + "employment-type",
                            "code": p.employment_type,
                            "display": p.get_employment_type_display(),
                        }
                    ],
                },
                "component": components,
            },
        )
    for status in p.work_statuses.all():
        components = []
        if status.hours_per_week is not None:
            components.append(
                {
                    "code": {"text": "Hours worked a week"},
                    "valueQuantity": {
                        "value": float(status.hours_per_week),
                        "unit": "h/wk",
                        "system": UCUM,
                        "code": "h/wk",
                    },
                }
            )
        _observation(
            b,
            f"work-status:{status.pk}",
            p,
            {
                **_social("Work status"),
                "effectiveDateTime": status.from_date,
                "valueCodeableConcept": {
                    "coding": [
                        {
                            "system": ALONGSIDE + "work-status",
                            "code": status.status,
                            "display": status.get_status_display(),
                        }
                    ],
                },
                "component": components,
            },
        )


def _questionnaires(b: _Builder, p: Any) -> None:
    from alongside.core.instruments import instrument

    for r in p.responses.all():
        if not r.is_current:
            continue
        definition = instrument(r.instrument_id)
        items = []
        for item, answer in zip(definition.items, r.answers or [], strict=False):
            entry: dict[str, Any] = {"linkId": str(item.id)}
            if isinstance(answer, bool):
                entry["answer"] = [{"valueBoolean": answer}]
            elif isinstance(answer, int):
                entry["answer"] = [{"valueInteger": answer}]
            elif isinstance(answer, float):
                entry["answer"] = [{"valueDecimal": answer}]
            elif isinstance(answer, str) and answer:
                entry["answer"] = [{"valueString": answer}]
            items.append(entry)
        b.add(
            QuestionnaireResponse,
            "questionnaire-response",
            r.pk,
            {
                "questionnaire": (
                    f"urn:alongside:questionnaire:{r.instrument_id}|{r.instrument_version}"
                ),
                "status": "completed",
                "subject": _ref("patient", p.pk),
                "authored": r.completed_on,
                "item": items,
            },
        )
        if r.total is None:
            continue
        code = (
            {
                "coding": [
                    {
                        "system": LOINC,
                        "code": LOINC_TOTALS[r.instrument_id][0],
                        "display": LOINC_TOTALS[r.instrument_id][1],
                    }
                ]
            }
            if r.instrument_id in LOINC_TOTALS
            else {
                "coding": [
                    {
                        "system": ALONGSIDE + "instrument-total",
                        "code": r.instrument_id,
                        "display": f"{definition.short_title} total",
                    }
                ]
            }
        )
        _observation(
            b,
            f"score:{r.pk}",
            p,
            {
                "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey"}]}],
                "code": code,
                "effectiveDateTime": r.completed_on,
                "valueQuantity": {
                    "value": float(r.total),
                    "unit": "{score}",
                    "system": UCUM,
                    "code": "{score}",
                },
                "interpretation": [{"text": r.band}] if r.band else [],
                "derivedFrom": [_ref("questionnaire-response", r.pk)],
            },
        )


def _care(b: _Builder, p: Any) -> None:
    service = p.service
    participants = []
    therapist = p.allocated_therapist
    if therapist is not None:
        _practitioner(
            b,
            "user",
            therapist.pk,
            therapist.full_name or therapist.display_name,
            "Vocational therapist",
            service,
        )
        participants.append(
            {"role": [{"text": "Vocational therapist"}], "member": _ref("user", therapist.pk)}
        )
    for match in p.matches.all():
        if match.started_at is None:
            continue
        mentor = match.mentor
        _practitioner(
            b,
            "mentor",
            mentor.pk,
            f"{mentor.first_name} {mentor.last_name}".strip(),
            "Peer mentor",
            service,
        )
        participants.append(
            {
                "role": [{"text": "Peer mentor"}],
                "member": _ref("mentor", mentor.pk),
                "period": {"start": match.started_at, "end": match.ended_at},
            }
        )
    if participants:
        b.add(
            CareTeam,
            "care-team",
            p.pk,
            {
                "status": "active" if p.is_open else "inactive",
                "name": "Vocational rehabilitation and peer mentoring",
                "subject": _ref("patient", p.pk),
                "participant": participants,
                "managingOrganization": [_ref("service", service.pk)],
            },
        )
    b.add(
        EpisodeOfCare,
        "episode",
        p.pk,
        {
            "status": EPISODE_STATUS.get(p.status, "active"),
            "type": [{"text": "Early intervention vocational rehabilitation"}],
            "diagnosis": [{"condition": _ref("condition", p.pk)}]
            if (p.icd10_codes or p.injury_category)
            else [],
            "patient": _ref("patient", p.pk),
            "managingOrganization": _ref("service", service.pk),
            "period": {"start": p.accepted_on or p.date_of_referral, "end": p.discharged_on},
            "careManager": _ref("user", therapist.pk) if therapist is not None else None,
            "team": [_ref("care-team", p.pk)] if participants else [],
        },
    )


def _goals(b: _Builder, p: Any) -> None:
    for goal in p.goals.all():
        b.add(
            Goal,
            "goal",
            goal.pk,
            {
                "lifecycleStatus": GOAL_STATUS.get(goal.status, "proposed"),
                "achievementStatus": {"text": "Achieved"} if goal.status == "achieved" else None,
                "description": {"text": goal.text},
                "subject": _ref("patient", p.pk),
                "target": [{"dueDate": goal.target_on}] if goal.target_on else [],
                "startDate": goal.created_at.date(),
            },
        )


def _encounters(b: _Builder, p: Any) -> None:
    zone = zone_of(p.service)
    for match in p.matches.all():
        for contact in match.contacts.all():
            start = contact.contact_at.astimezone(zone)
            b.add(
                Encounter,
                "encounter",
                contact.pk,
                {
                    "status": "finished",
                    "class": {
                        "system": ACT_CODE,
                        "code": "AMB" if contact.mode in IN_PERSON_MODES else "VR",
                        "display": "ambulatory" if contact.mode in IN_PERSON_MODES else "virtual",
                    },
                    "serviceType": {"text": "Peer mentoring contact"},
                    "type": [{"text": contact.get_mode_display()}],
                    "subject": _ref("patient", p.pk),
                    "episodeOfCare": [_ref("episode", p.pk)],
                    "participant": [{"individual": _ref("mentor", match.mentor_id)}],
                    "period": {
                        "start": start,
                        "end": start + dt.timedelta(minutes=contact.duration_minutes),
                    },
                    "length": {
                        "value": contact.duration_minutes,
                        "unit": "min",
                        "system": UCUM,
                        "code": "min",
                    },
                    "serviceProvider": _ref("service", p.service_id),
                },
            )


def _consents(b: _Builder, p: Any) -> None:
    for consent in p.consents.all():
        code, display = CONSENT_SCOPES[consent.kind]
        b.add(
            Consent,
            "consent",
            consent.pk,
            {
                "status": "inactive" if consent.withdrawn_on else "active",
                "scope": {"coding": [{"system": CONSENT_SCOPE, "code": code, "display": display}]},
                "category": [{"text": consent.get_kind_display()}],
                "patient": _ref("patient", p.pk),
                "dateTime": consent.given_on,
                "organization": [_ref("service", p.service_id)],
                "policyRule": {"text": f"{p.service.name}: {consent.get_kind_display()}"},
                "provision": {"period": {"start": consent.given_on, "end": consent.withdrawn_on}},
            },
        )


def patients_for_fhir(queryset: Any) -> Any:
    """The patients with everything the bundle needs, in a fixed number of queries."""
    from django.db.models import Prefetch

    from alongside.matches.models import Match

    return queryset.select_related("service", "allocated_therapist").prefetch_related(
        "work_statuses",
        "responses",
        "goals",
        "consents",
        Prefetch(
            "matches", queryset=Match.objects.select_related("mentor").prefetch_related("contacts")
        ),
    )


def bundle_for(patients: Iterable[Any]) -> Bundle:
    b = _Builder()
    for p in patients:
        _organisation(b, p.service)
        _patient(b, p)
        _condition(b, p)
        _work(b, p)
        _care(b, p)
        _goals(b, p)
        _encounters(b, p)
        _questionnaires(b, p)
        _consents(b, p)
    return b.bundle()


def bundle_json(bundle: Bundle) -> str:
    return bundle.model_dump_json(exclude_none=True, indent=2)
