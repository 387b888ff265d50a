"""Demo data for patients (a step of `alongside demo`).

Per demo service, referrals at every stage of the pathway — new, declined,
accepted, active with a return-to-work plan, matched, returned to work and
discharged — shaped like the EIVRS cohort (about 75 % men, mean age 38,
recruited a few weeks after injury), with injuries coded in ICD-10 and
occupations in the service's own classification. Some cases are overdue on
their early-intervention targets so the therapist's home has something to show.

patient@demo.example is an active patient of demo-melbourne, allocated to
therapist@demo.example, who has agreed to share a minimal profile with a mentor.

Idempotent: a service that already has demo referrals is left alone.
Synthetic rows are bulk-written without an audit event per row.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any, TypeAlias

from django.db import transaction

from alongside.accounts.policy import SYSTEM
from alongside.core.codes import AMPUTATION_SITES, SCI_LEVELS, classification
from alongside.core.codes.injury import ISS_VALUES
from alongside.core.injury_details import amputation_sites_for_code, sci_levels_for_code
from alongside.core.vocabulary import InjuryCategory
from alongside.demo.builder import DemoContext, fictional_phone
from alongside.patients import selectors
from alongside.patients.models import (
    CapacityCertificate,
    Consent,
    ConsentKind,
    EligibilityRules,
    EmployerContact,
    Goal,
    GoalStatus,
    Patient,
    PatientStatus,
    PhasedReturnStep,
    WorkStatus,
)
from alongside.patients.services import eligibility_rules_apply_preset

COUNTS = {"demo-melbourne": 72, "demo-leeds": 54}
THERAPIST_OF = {"demo-melbourne": "therapist@demo.example", "demo-leeds": "outsider@demo.example"}
# The models of the records a case's plan adds (created in bulk, model by model).
_PlanModel: TypeAlias = type[
    Consent | Goal | EmployerContact | CapacityCertificate | PhasedReturnStep | WorkStatus
]

STAGES = [
    (PatientStatus.REFERRED, 14),
    (PatientStatus.INELIGIBLE, 9),
    (PatientStatus.ELIGIBLE, 8),
    (PatientStatus.ACTIVE, 27),
    (PatientStatus.MATCHED, 20),
    (PatientStatus.RETURNED_TO_WORK, 14),
    (PatientStatus.DISCHARGED, 8),
]
INJURIES = [
    (InjuryCategory.SCI, 25),
    (InjuryCategory.TBI, 30),
    (InjuryCategory.ORTHO, 35),
    (InjuryCategory.AMPUTATION, 10),
]
ICD10 = {
    "sci": ["S14.1", "S14.0", "S24.1", "S34.1", "S34.3"],
    "tbi": ["S06.2", "S06.5", "S06.3", "S06.6", "S06.0"],
    "ortho": ["S82.2", "S72.3", "S32.7", "S42.3", "T02", "S22.4"],
    "amputation": ["S88.1", "S78.1", "S68.1", "S58.1", "S98.3"],
}
MECHANISMS = [
    "road_vehicle",
    "road_motorcycle",
    "road_cyclist",
    "road_pedestrian",
    "fall_height",
    "fall_low",
    "struck",
    "sport",
    "assault",
]
MALE = [
    "James",
    "Liam",
    "Noah",
    "Jack",
    "Oliver",
    "Tom",
    "Daniel",
    "Ben",
    "Luke",
    "Ahmed",
    "Minh",
    "Raj",
    "Marco",
    "Sean",
    "Kieran",
    "Dylan",
    "Mohammed",
    "Nikos",
    "Callum",
    "Josh",
]
FEMALE = [
    "Olivia",
    "Emma",
    "Chloe",
    "Priya",
    "Sophie",
    "Mia",
    "Grace",
    "Hannah",
    "Lucy",
    "Aisha",
    "Mei",
    "Zoe",
    "Ella",
    "Fatima",
    "Niamh",
]
LAST = [
    "Nguyen",
    "Smith",
    "Jones",
    "Williams",
    "Brown",
    "Wilson",
    "Taylor",
    "Khan",
    "Patel",
    "Murphy",
    "O'Connor",
    "Walsh",
    "Papadopoulos",
    "Rossi",
    "Chen",
    "Tran",
    "Kelly",
    "Hughes",
    "Evans",
    "Ali",
    "Martin",
    "Clarke",
    "Wright",
    "Singh",
    "Kowalski",
]
INDUSTRIES = [
    "Construction",
    "Health care",
    "Transport and logistics",
    "Retail",
    "Education",
    "Manufacturing",
    "Hospitality",
    "Public administration",
    "Agriculture",
    "Mining",
]
REASONS = [
    "Not in paid or unpaid work or study at the time of injury.",
    "Declined the service: wants to focus on medical recovery for now.",
    "Referred more than 12 weeks after injury.",
    "Aged over 70 at injury.",
    "Already supported by the employer's own rehabilitation provider.",
]
GOALS = [
    "Talk with my manager about what a return could look like",
    "Drive again so I can get to work",
    "Build up to sitting for two hours at a desk",
    "Try a week of modified duties",
    "Look into retraining options at TAFE or college",
    "Return to my usual hours",
    "Visit the workplace with my therapist",
]
PLACES = {
    "demo-melbourne": [
        ("3000", "Melbourne", -37.81, 144.96),
        ("3216", "Geelong", -38.15, 144.36),
        ("3350", "Ballarat", -37.56, 143.85),
        ("3175", "Dandenong", -37.99, 145.21),
    ],
    "demo-leeds": [
        ("LS1 4AP", "Leeds", 53.80, -1.55),
        ("BD1 1HY", "Bradford", 53.79, -1.75),
        ("WF1 2EB", "Wakefield", 53.68, -1.50),
        ("HG1 1BB", "Harrogate", 53.99, -1.54),
    ],
}


# Possible Injury Severity Scores (sums of three squared AIS grades) of major trauma.
DEMO_ISS = sorted(v for v in ISS_VALUES if 9 <= v <= 45)


def load(ctx: DemoContext) -> None:
    for slug, count in COUNTS.items():
        service = ctx.services[slug]
        with transaction.atomic():
            _, created = EligibilityRules.objects.get_or_create(service=service)
            if created:
                # The trial each demo service is modelled on: EIVRS in Victoria, ROWTATE in England.
                preset = "rowtate" if service.country == "GB" else "eivrs"
                eligibility_rules_apply_preset(actor=SYSTEM, service=service, preset_id=preset)
            if Patient.objects.filter(
                service=service, hospital_number__startswith="DEMO-"
            ).exists():
                continue
            _load_service(ctx, service, count)
            ctx.log(f"  patients: {count} referrals in {slug}")
    _link_demo_patient(ctx)


def _weighted(rng: random.Random, pairs: list[tuple[Any, int]]) -> Any:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _load_service(ctx: DemoContext, service: Any, count: int) -> None:
    rng = ctx.rng
    today = selectors.service_today(service)
    therapist = ctx.users.get(THERAPIST_OF[service.slug])
    scheme = classification(service.occupation_classification)
    occupations = [code for code, _ in scheme.list_codes("unit group")]
    patients: list[Patient] = []
    # Every stage appears: the first len(STAGES) cases take one stage each.
    stages = [s for s, _ in STAGES] + [_weighted(rng, STAGES) for _ in range(count - len(STAGES))]
    for index, stage in enumerate(stages):
        patients.append(_patient(rng, service, index, stage, today, therapist, occupations))
    Patient.objects.bulk_create(patients)
    saved = list(Patient.objects.filter(service=service, hospital_number__startswith="DEMO-"))
    records: dict[_PlanModel, list[Any]] = {
        k: []
        for k in (Consent, Goal, EmployerContact, CapacityCertificate, PhasedReturnStep, WorkStatus)
    }
    for patient in saved:
        _plan(rng, patient, today, therapist, records)
    for model, rows in records.items():
        model.objects.bulk_create(rows)


def _patient(
    rng: random.Random,
    service: Any,
    index: int,
    stage: PatientStatus,
    today: dt.date,
    therapist: Any,
    occupations: list[str],
) -> Patient:
    male = rng.random() < 0.75
    age = int(min(69, max(17, rng.gauss(38, 12))))
    # How long ago the injury was depends on how far along the pathway the case is.
    days_ago = {
        PatientStatus.REFERRED: rng.randint(6, 35),
        PatientStatus.INELIGIBLE: rng.randint(20, 300),
        PatientStatus.ELIGIBLE: rng.randint(15, 50),
        PatientStatus.ACTIVE: rng.randint(30, 220),
        PatientStatus.MATCHED: rng.randint(45, 260),
        PatientStatus.RETURNED_TO_WORK: rng.randint(170, 480),
        PatientStatus.DISCHARGED: rng.randint(250, 700),
    }[stage]
    injured = today - dt.timedelta(days=days_ago)
    admitted = injured + dt.timedelta(days=rng.choice([0, 0, 0, 1]))
    referred = min(today, admitted + dt.timedelta(days=max(1, int(rng.gauss(40, 15)))))
    if stage in (PatientStatus.REFERRED, PatientStatus.ELIGIBLE):
        referred = min(today, admitted + dt.timedelta(days=rng.randint(2, max(3, days_ago - 3))))
    born = injured - dt.timedelta(days=age * 365 + rng.randint(0, 364))
    category = _weighted(rng, INJURIES)
    place = rng.choice(PLACES[service.slug])
    employment = _weighted(
        rng,
        [
            ("full_time", 60),
            ("part_time", 14),
            ("casual", 8),
            ("self_employed", 10),
            ("student", 5),
            ("unpaid", 3),
        ],
    )
    if stage == PatientStatus.INELIGIBLE and index % 3 == 0:
        employment = "unemployed"
    accepted = first_contact = mentor_on = discharged = None
    if stage not in (PatientStatus.REFERRED, PatientStatus.INELIGIBLE):
        accepted = min(today, referred + dt.timedelta(days=rng.randint(1, 6)))
    if stage != PatientStatus.INELIGIBLE:
        # Most first contacts land within the 5-working-day target; some late, some missing.
        late = rng.random() < 0.15
        first_contact = referred + dt.timedelta(
            days=rng.randint(8, 14) if late else rng.randint(0, 5)
        )
        if first_contact > today or (stage == PatientStatus.REFERRED and rng.random() < 0.4):
            first_contact = None
    if stage in (PatientStatus.MATCHED, PatientStatus.RETURNED_TO_WORK, PatientStatus.DISCHARGED):
        assert accepted is not None
        mentor_on = min(today, accepted + dt.timedelta(days=rng.randint(4, 30)))
    if stage == PatientStatus.DISCHARGED:
        discharged = today - dt.timedelta(days=rng.randint(5, 120))
    demands = rng.choice(["low", "medium", "high"])
    first = rng.choice(MALE if male else FEMALE)
    return Patient(
        service=service,
        given_name=first,
        family_name=rng.choice(LAST),
        date_of_birth=born,
        gender="man" if male else "woman",
        languages=["English"]
        + (["Vietnamese"] if rng.random() < 0.08 else [])
        + (["Greek"] if rng.random() < 0.05 else []),
        # Two draws, as before, so the rest of the demo stream is unchanged.
        phone=fictional_phone(
            service.country, rng.randint(100, 999) * 1000 + rng.randint(100, 999)
        ),
        email=f"{first.lower()}.{index}@patients.demo.example",
        postcode=place[0],
        region=place[1],
        latitude=place[2] + rng.uniform(-0.05, 0.05),
        longitude=place[3] + rng.uniform(-0.05, 0.05),
        hospital_number=f"DEMO-{service.slug[5:8].upper()}-{index + 1:04d}",
        status=stage,
        decline_reason=rng.choice(REASONS) if stage == PatientStatus.INELIGIBLE else "",
        allocated_therapist=therapist if accepted or rng.random() < 0.3 else None,
        referral_source=rng.choice(
            ["trauma_ward", "trauma_ward", "icu", "rehab_unit", "spinal_unit", "outpatient"]
        ),
        referrer_name=rng.choice(
            [
                "Trauma registrar",
                "Ward nurse unit manager",
                "Rehabilitation consultant",
                "Social worker",
            ]
        ),
        date_of_injury=injured,
        date_of_admission=admitted,
        date_of_referral=referred,
        accepted_on=accepted,
        first_therapist_contact_on=first_contact,
        mentor_introduced_on=mentor_on,
        discharged_on=discharged,
        **_injury(rng, category),
        occupation_code=rng.choice(occupations),
        industry=rng.choice(INDUSTRIES),
        employer=rng.choice(
            [
                "Metro Rail",
                "City Council",
                "BuildRight",
                "Northern Health",
                "Fresh Foods",
                "Self-employed",
                "State Schools",
                "Coastal Freight",
            ]
        ),
        employment_type=employment,
        hours_per_week=Decimal(rng.choice([38, 38, 40, 45, 24, 30, 20, 50])),
        physical_demands=demands,
        cognitive_demands=rng.choice(["low", "medium", "high"]),
        job_held_open=rng.random() < 0.7,
        preferred_mentor_gender=("man" if male else "woman") if rng.random() < 0.2 else "",
        wants_in_person=rng.random() < 0.4,
        availability=rng.sample(["mon-am", "tue-pm", "wed-am", "thu-pm", "fri-am", "sat-am"], 3),
        contact_modes=rng.sample(["in_person", "phone", "video"], rng.randint(1, 3)),
    )


def _injury(rng: random.Random, category: str) -> dict[str, Any]:
    codes = [rng.choice(ICD10[category])]
    if rng.random() < 0.3:
        codes.append(rng.choice(ICD10["ortho"]))
    detail: dict[str, Any] = {
        "injury_category": category,
        "icd10_codes": list(dict.fromkeys(codes)),
        "iss": rng.choice(DEMO_ISS),
        "mechanism": rng.choice(MECHANISMS),
    }
    if category == "sci":
        detail["sci_level"] = _level_within(rng.choice(SCI_LEVELS[3:22]), codes[0])
        detail["asia_grade"] = rng.choice("AABCDD")
    elif category == "tbi":
        gcs = rng.randint(3, 15)
        detail["gcs"] = gcs
        detail["tbi_severity"] = "mild" if gcs >= 13 else "moderate" if gcs >= 9 else "severe"
    elif category == "amputation":
        site = rng.choice(AMPUTATION_SITES).id
        region = amputation_sites_for_code(codes[0])
        detail["amputation_site"] = site if region is None or site in region[1] else region[1][-1]
    return detail


def _level_within(level: str, code: str) -> str:
    """The drawn level, moved into the part of the cord the code names
    (core.injury_details refuses a cervical code with a thoracic level)."""
    allowed = sci_levels_for_code(code)
    if allowed is None:
        return level
    first, last = SCI_LEVELS.index(allowed[1]), SCI_LEVELS.index(allowed[2])
    return SCI_LEVELS[min(max(SCI_LEVELS.index(level), first), last)]


def _plan(
    rng: random.Random,
    patient: Patient,
    today: dt.date,
    therapist: Any,
    records: dict[_PlanModel, list[Any]],
) -> None:
    accepted = patient.accepted_on
    if accepted is None:
        return
    records[Consent].append(
        Consent(
            patient=patient,
            kind=ConsentKind.SERVICE,
            given_on=accepted,
            how_given="written",
            recorded_by=therapist,
        )
    )
    sharing = patient.mentor_introduced_on is not None or rng.random() < 0.7
    if sharing:
        withdrawn = today if rng.random() < 0.04 else None
        records[Consent].append(
            Consent(
                patient=patient,
                kind=ConsentKind.MENTOR_SHARING,
                given_on=accepted,
                how_given=rng.choice(["written", "verbal"]),
                recorded_by=therapist,
                withdrawn_on=withdrawn,
                withdrawn_by=therapist if withdrawn else None,
            )
        )
    if rng.random() < 0.6:
        records[Consent].append(
            Consent(
                patient=patient,
                kind=ConsentKind.RESEARCH,
                given_on=accepted,
                how_given="written",
                recorded_by=therapist,
            )
        )
    if patient.status == PatientStatus.ELIGIBLE:
        return
    returned = patient.status in (PatientStatus.RETURNED_TO_WORK, PatientStatus.DISCHARGED)
    for text in rng.sample(GOALS, rng.randint(1, 3)):
        records[Goal].append(
            Goal(
                patient=patient,
                text=text,
                target_on=accepted + dt.timedelta(days=rng.randint(30, 180)),
                status=GoalStatus.ACHIEVED
                if returned
                else rng.choice(
                    [GoalStatus.PLANNED, GoalStatus.IN_PROGRESS, GoalStatus.IN_PROGRESS]
                ),
                shared_with_patient=rng.random() < 0.85,
            )
        )
    contact_on = min(today, accepted + dt.timedelta(days=rng.randint(3, 20)))
    records[EmployerContact].append(
        EmployerContact(
            patient=patient,
            on=contact_on,
            who=rng.choice(["Line manager", "HR adviser", "Owner"]),
            summary=(
                "Explained the service and the likely recovery; employer keen to keep the job open."
            ),
            agreed="Stay in touch fortnightly; consider modified duties when cleared.",
            recorded_by=therapist,
        )
    )
    injured = patient.date_of_injury
    records[WorkStatus].append(
        WorkStatus(
            patient=patient,
            from_date=injured,
            status="on_leave" if patient.job_held_open else "not_working",
            hours_per_week=Decimal(0),
            recorded_by=therapist,
        )
    )
    records[CapacityCertificate].append(
        CapacityCertificate(
            patient=patient,
            from_date=injured,
            to_date=injured + dt.timedelta(days=90),
            capacity="unfit",
            issued_by="Treating surgeon",
        )
    )
    if returned:
        # Days to first RTW centre on the trial's 166-day median.
        rtw = min(
            today - dt.timedelta(days=3),
            injured + dt.timedelta(days=max(60, int(rng.gauss(166, 40)))),
        )
        hours = patient.hours_per_week or Decimal(38)
        for week in range(4):
            records[PhasedReturnStep].append(
                PhasedReturnStep(
                    patient=patient,
                    week_starting=rtw + dt.timedelta(weeks=week),
                    hours=(hours * (week + 1) / 4).quantize(Decimal("0.1")),
                    duties="Modified duties" if week < 3 else "Usual duties",
                )
            )
        records[CapacityCertificate].append(
            CapacityCertificate(
                patient=patient,
                from_date=rtw,
                to_date=rtw + dt.timedelta(days=28),
                capacity="modified",
                hours_per_week=hours / 2,
                issued_by="General practitioner",
            )
        )
        records[WorkStatus].append(
            WorkStatus(
                patient=patient,
                from_date=rtw,
                status="phased_return",
                hours_per_week=hours / 4,
                recorded_by=therapist,
            )
        )
        full = min(today, rtw + dt.timedelta(weeks=4))
        records[WorkStatus].append(
            WorkStatus(
                patient=patient,
                from_date=full,
                status=rng.choice(["full_return", "full_return", "new_job"]),
                hours_per_week=hours
                if rng.random() < 0.6
                else (hours * Decimal("0.75")).quantize(Decimal("0.1")),
                recorded_by=therapist,
            )
        )


def _link_demo_patient(ctx: DemoContext) -> None:
    """patient@demo.example: an active Melbourne patient with mentor-sharing consent."""
    user = ctx.users.get("patient@demo.example")
    therapist = ctx.users.get("therapist@demo.example")
    service = ctx.services["demo-melbourne"]
    if user is None or Patient.objects.filter(user=user).exists():
        return
    today = selectors.service_today(service)
    with transaction.atomic():
        injured = today - dt.timedelta(days=58)
        patient = Patient.objects.create(
            service=service,
            user=user,
            given_name="Pat",
            family_name="Patient",
            date_of_birth=dt.date(injured.year - 36, 4, 12),
            gender="man",
            languages=["English"],
            email="patient@demo.example",
            phone=fictional_phone(service.country, 10),
            postcode="3000",
            region="Melbourne",
            latitude=-37.81,
            longitude=144.96,
            hospital_number="DEMO-PAT-0001",
            status=PatientStatus.ACTIVE,
            allocated_therapist=therapist,
            referral_source="trauma_ward",
            referrer_name="Trauma registrar",
            date_of_injury=injured,
            date_of_admission=injured,
            date_of_referral=injured + dt.timedelta(days=12),
            accepted_on=injured + dt.timedelta(days=14),
            first_therapist_contact_on=injured + dt.timedelta(days=15),
            injury_category="sci",
            icd10_codes=["S14.1"],
            sci_level="C6",
            asia_grade="C",
            iss=25,
            mechanism="road_motorcycle",
            occupation_code="341111",
            industry="Construction",
            employer="BuildRight",
            employment_type="full_time",
            hours_per_week=Decimal(40),
            physical_demands="high",
            cognitive_demands="medium",
            job_held_open=True,
            wants_in_person=True,
            availability=["tue-pm", "thu-pm"],
            contact_modes=["in_person", "phone"],
        )
        given = injured + dt.timedelta(days=14)
        Consent.objects.bulk_create(
            [
                Consent(
                    patient=patient,
                    kind=kind,
                    given_on=given,
                    how_given="written",
                    recorded_by=therapist,
                )
                for kind in (ConsentKind.SERVICE, ConsentKind.MENTOR_SHARING, ConsentKind.RESEARCH)
            ]
        )
        Goal.objects.bulk_create(
            [
                Goal(
                    patient=patient,
                    text="Talk with my manager about what a return could look like",
                    target_on=today + dt.timedelta(days=14),
                    status=GoalStatus.IN_PROGRESS,
                ),
                Goal(
                    patient=patient,
                    text="Visit the workplace with my therapist",
                    target_on=today + dt.timedelta(days=45),
                ),
            ]
        )
        WorkStatus.objects.create(
            patient=patient,
            from_date=injured,
            status="on_leave",
            hours_per_week=Decimal(0),
            recorded_by=therapist,
        )
