"""National-scale synthetic data: `alongside demo --scale national`.

Thirty demo services (alternately Australian and English, so both code sets
and both occupation classifications are exercised), each with about 333 peer
mentors, 3,333 referrals at every stage of the pathway, their consents, goals,
work-status timelines and certificates, questionnaire schedules and answers,
matches within every mentor's places, and about 33,000 logged contacts (calls and
visits, with the short messages between them) — in
all ~10^4 mentors, ~10^5 patients and ~10^6 contacts (docs/performance.md
records how long it takes).

Rows are written with ``bulk_create`` in large batches, service by service,
so memory stays bounded. The vocabularies, code lists and row shapes are the
small demo's (imported from each app's ``demo`` module), so pages render the
same kinds of records. Deterministic for a seed: every service draws from
its own ``random.Random(f"{seed}-{index}")``, loops run over lists in a fixed
order, and the only clock reading is the one ``today`` anchor (a parameter,
so tests can pin it).

Audit: one ``demo.national_load`` event per service with the row counts,
not one per row — the rows are synthetic, a million chained events would
make the load hours long and drown the real audit trail, and the summary
event still records that (and when) the service's data was generated.

Accounts: staff, mentors and patients get no password at all (unusable),
except four named sign-ins per service, ``manager.NN``, ``therapist.NN``,
``mentor.NN`` and ``patient.NN`` ``@demo.example`` (NN = 01..30), whose
password is the demo password; docs/performance.md lists them.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict, TypeVar
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from alongside.accounts.models import Membership, Role, User
from alongside.accounts.policy import SYSTEM
from alongside.audit.services import audit_record
from alongside.contacts import demo as contacts_demo
from alongside.contacts.models import DEFAULT_TOPICS, Contact
from alongside.core.codes import AMPUTATION_SITES, SCI_LEVELS, classification
from alongside.core.instruments import Score, instrument, score
from alongside.core.vocabulary import LoggedContactMode as Mode
from alongside.demo.builder import DEMO_DOMAIN, demo_password, fictional_phone
from alongside.matches.models import EndReason, Match, MatchStatus, ProposalSource
from alongside.mentors import demo as mentors_demo
from alongside.mentors.models import (
    Check,
    Mentor,
    MentorStatus,
    SupervisionSession,
    TrainingCompletion,
    TrainingModule,
)
from alongside.mentors.services import bulk_compliance_refresh
from alongside.organisations.models import OccupationClassification, Service
from alongside.outcomes import demo as outcomes_demo
from alongside.outcomes.models import (
    DueStatus,
    EntryMode,
    QuestionnaireDue,
    QuestionnaireResponse,
    score_fields,
)
from alongside.outcomes.services import _anchor_date, time_points_ensure
from alongside.patients import demo as patients_demo
from alongside.patients.models import (
    CapacityCertificate,
    Consent,
    EligibilityRules,
    EmployerContact,
    Goal,
    Patient,
    PatientStatus,
    PhasedReturnStep,
    WorkStatus,
)
from alongside.patients.services import eligibility_rules_apply_preset

BATCH = 5000
# Instruments whose answers depend only on the time point (the work-status one reads the
# patient's timeline).
POOLED = {"phq9", "gad7", "gse", "hope", "rtw_expectation"}
MENTORS_PER_SERVICE = 333
PATIENTS_PER_SERVICE = 3333
THERAPISTS_PER_SERVICE = 5
# Pathway stages and their shares; matched cases beyond the mentors' places stay active
# (waiting), as they would in a real service.
STAGES = [
    (PatientStatus.REFERRED, 8),
    (PatientStatus.INELIGIBLE, 8),
    (PatientStatus.ELIGIBLE, 6),
    (PatientStatus.ACTIVE, 26),
    (PatientStatus.MATCHED, 26),
    (PatientStatus.RETURNED_TO_WORK, 16),
    (PatientStatus.DISCHARGED, 10),
]
MENTOR_STATUSES = [
    (MentorStatus.ACTIVE, 78),
    (MentorStatus.ENQUIRY, 4),
    (MentorStatus.SCREENING, 4),
    (MentorStatus.CHECKS, 3),
    (MentorStatus.TRAINING, 4),
    (MentorStatus.PAUSED, 3),
    (MentorStatus.RETIRED, 2),
    (MentorStatus.DECLINED, 2),
]
_T = TypeVar("_T")


class _Spec(TypedDict):
    """A country's service settings, and the places its people live."""

    country: str
    subdivision: str
    icd10_modification: str
    occupation_classification: str
    time_zone: str
    places: list[tuple[str, str, float, float]]  # postcode, region, latitude, longitude


AU: _Spec = {
    "country": "AU",
    "subdivision": "VIC",
    "icd10_modification": "am",
    "occupation_classification": OccupationClassification.ANZSCO,
    "time_zone": "Australia/Melbourne",
    "places": patients_demo.PLACES["demo-melbourne"],
}
GB: _Spec = {
    "country": "GB",
    "subdivision": "ENG",
    "icd10_modification": "",
    "occupation_classification": OccupationClassification.SOC2020,
    "time_zone": "Europe/London",
    "places": patients_demo.PLACES["demo-leeds"],
}


@dataclass(frozen=True)
class NationalPlan:
    services: int = 30
    factor: float = 1.0  # scales mentors and patients per service (tests use ~0.01)
    seed: int = 2024
    today: dt.date | None = None  # the one clock anchor; None = today in the server's zone

    @property
    def mentors(self) -> int:
        return max(4, round(MENTORS_PER_SERVICE * self.factor))

    @property
    def patients(self) -> int:
        return max(len(STAGES), round(PATIENTS_PER_SERVICE * self.factor))


def slug_of(index: int) -> str:
    return f"national-{index + 1:02d}"


def sign_ins(index: int) -> dict[str, str]:
    """The named sign-ins of the ``index``-th national service (role → e-mail)."""
    n = f"{index + 1:02d}"
    return {
        role: f"{role}.{n}@{DEMO_DOMAIN}" for role in ("manager", "therapist", "mentor", "patient")
    }


def national_load(plan: NationalPlan, *, log: Callable[[str], None] = print) -> dict[str, int]:
    """Generate the national data set; returns row counts. Services already there are skipped."""
    today = plan.today or timezone.localdate()
    totals: dict[str, int] = {}
    password = make_password(demo_password())
    for index in range(plan.services):
        if Service.objects.filter(slug=slug_of(index)).exists():
            log(f"  {slug_of(index)}: already loaded")
            continue
        started = time.monotonic()
        with transaction.atomic():
            counts = _ServiceBuilder(plan, index, today, password).build()
        counts_seconds = time.monotonic() - started
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
        log(
            f"  {slug_of(index)} ({counts_seconds:.0f} s): "
            + ", ".join(f"{v} {k}" for k, v in counts.items())
        )
    if totals and connection.vendor == "postgresql":
        # Fresh statistics: until autovacuum gets round to it the planner takes the bulk-loaded
        # tables for empty and picks sequential scans (the dashboard took minutes without).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return totals


def _weighted(rng: random.Random, pairs: Sequence[tuple[_T, int]], k: int) -> list[_T]:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs], k=k)


def _at(day: dt.date, zone: ZoneInfo, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), zone)


class _ServiceBuilder:
    def __init__(self, plan: NationalPlan, index: int, today: dt.date, password: str) -> None:
        self.plan = plan
        self.index = index
        self.today = today
        self.password = password
        self.rng = random.Random(f"{plan.seed}-{index}")
        self.spec = AU if index % 2 == 0 else GB
        self.zone = ZoneInfo(str(self.spec["time_zone"]))
        self.counts: dict[str, int] = {}

    def _save(self, model: type, rows: Sequence[object], name: str) -> None:
        model.objects.bulk_create(rows, batch_size=BATCH)  # type: ignore[attr-defined]
        self.counts[name] = self.counts.get(name, 0) + len(rows)

    def build(self) -> dict[str, int]:
        spec = {k: v for k, v in self.spec.items() if k != "places"}
        city = self.spec["places"][self.index // 2 % len(self.spec["places"])][1]
        self.service = Service.objects.create(
            slug=slug_of(self.index),
            name=f"National Demo {city} Trauma Service {self.index + 1:02d}",
            is_demo=True,
            **spec,
        )
        self._staff()
        EligibilityRules.objects.get_or_create(service=self.service)
        eligibility_rules_apply_preset(
            actor=SYSTEM,
            service=self.service,
            preset_id="rowtate" if self.spec["country"] == "GB" else "eivrs",
        )
        mentors = self._mentors()
        patients = self._patients()
        self._questionnaires(patients)
        matches = self._matches(patients, mentors)
        self._contacts(matches)
        audit_record(
            actor=SYSTEM,
            action="demo.national_load",
            target=self.service,
            fields=sorted(f"{k}={v}" for k, v in self.counts.items()),
        )
        return self.counts

    # Accounts ----------------------------------------------------------------------------
    def _user(self, email: str, name: str, *, named: bool) -> User:
        # make_password is slow by design; hash once per run and reuse it for named sign-ins.
        user = User(email=email, full_name=name, password=self.password if named else "")
        if not named:
            user.set_unusable_password()
        return user

    def _staff(self) -> None:
        n = f"{self.index + 1:02d}"
        named = sign_ins(self.index)
        users = [
            self._user(named["manager"], f"Morgan Manager {n}", named=True),
            self._user(named["therapist"], f"Tess Therapist {n}", named=True),
        ] + [
            self._user(f"therapist{t}.{n}@{DEMO_DOMAIN}", f"Therapist {t} of {n}", named=False)
            for t in range(2, THERAPISTS_PER_SERVICE + 1)
        ]
        User.objects.bulk_create(users)
        self.manager, *self.therapists = list(
            User.objects.filter(email__in=[u.email for u in users]).order_by("pk")
        )
        roles = [(self.manager, Role.ADMIN)] + [(t, Role.THERAPIST) for t in self.therapists]
        Membership.objects.bulk_create(
            [Membership(user=u, service=self.service, role=r) for u, r in roles]
        )

    # Mentors -----------------------------------------------------------------------------
    def _mentors(self) -> list[Mentor]:
        rng, today, service = self.rng, self.today, self.service
        mentors_demo._configure(service)
        occupations = mentors_demo._occupations(service)
        groups = sorted(occupations)
        places = self.spec["places"]
        statuses = _weighted(rng, MENTOR_STATUSES, self.plan.mentors)
        statuses[0] = MentorStatus.ACTIVE  # the named mentor sign-in is active
        named = sign_ins(self.index)["mentor"]
        mentor_user = self._user(named, f"Mika Mentor {self.index + 1:02d}", named=True)
        mentor_user.save()
        Membership.objects.create(user=mentor_user, service=service, role=Role.MENTOR)
        rows = []
        for i, status in enumerate(statuses):
            category = rng.choice(mentors_demo.CATEGORIES)
            postcode, region, lat, lon = places[i % len(places)]
            injured = today - dt.timedelta(days=rng.randint(420, 3650))
            back = injured + dt.timedelta(days=rng.randint(120, 400))
            rows.append(
                Mentor(
                    service=service,
                    user=mentor_user if i == 0 else None,
                    first_name=rng.choice(mentors_demo.FIRST),
                    last_name=rng.choice(mentors_demo.LAST),
                    email=f"mentor{i + 1}.{service.slug}@mentors.demo.invalid",
                    phone=fictional_phone(service.country, i),
                    status=status,
                    status_changed_at=_at(
                        today - dt.timedelta(days=rng.randint(20, 400)), self.zone
                    ),
                    injury_category=category,
                    icd10_codes=[rng.choice(mentors_demo.ICD10[category])],
                    sci_level=rng.choice(SCI_LEVELS[:20]) if category == "sci" else "",
                    asia_grade=rng.choice("ABCD") if category == "sci" else "",
                    tbi_severity=rng.choice(["mild", "moderate", "severe"])
                    if category == "tbi"
                    else "",
                    amputation_site=rng.choice(AMPUTATION_SITES).id
                    if category == "amputation"
                    else "",
                    date_of_injury=injured,
                    occupation_code=rng.choice(occupations[groups[i % len(groups)]]),
                    industry=rng.choice(mentors_demo.INDUSTRIES),
                    employment_type=rng.choice(["employee", "employee", "self_employed", "casual"]),
                    job_demands=rng.choice(["physical", "mixed", "desk"]),
                    returned_to_work_on=back if status != MentorStatus.ENQUIRY else None,
                    birth_year=today.year - rng.randint(24, 62),
                    gender=rng.choice(["man", "man", "man", "woman", "non_binary"]),
                    languages=["English"]
                    + (
                        rng.sample(["Greek", "Vietnamese", "Urdu", "Italian"], 1)
                        if rng.random() < 0.3
                        else []
                    ),
                    postcode=postcode,
                    region=region,
                    latitude=lat + rng.uniform(-0.05, 0.05),
                    longitude=lon + rng.uniform(-0.05, 0.05),
                    travel_radius_km=rng.choice([10, 20, 40, 80]),
                    contact_modes=sorted(
                        rng.sample(["in_person", "phone", "video"], rng.randint(1, 3))
                    ),
                    availability=sorted(
                        rng.sample(["mon-am", "tue-pm", "wed-eve", "thu-am", "fri-pm", "sat-am"], 3)
                    ),
                    capacity=rng.randint(2, 8),
                    willing_categories=sorted({category, rng.choice(mentors_demo.CATEGORIES)}),
                    supervisor=rng.choice(self.therapists)
                    if status not in (MentorStatus.ENQUIRY, MentorStatus.DECLINED)
                    else None,
                    supervision_every_weeks=rng.choice([4, 4, 6]),
                    decline_reason="Less than a year since injury; invited to apply again later."
                    if status == MentorStatus.DECLINED
                    else "",
                    paused_reason="Asked for a break after a hard few weeks."
                    if status == MentorStatus.PAUSED
                    else "",
                )
            )
        self._save(Mentor, rows, "mentors")
        mentors = list(
            Mentor.objects.filter(service=service).select_related("supervisor").order_by("pk")
        )
        self._mentor_records(mentors)
        return mentors

    def _mentor_records(self, mentors: list[Mentor]) -> None:
        """Checks, training and supervision for current mentors, and the stored
        compliance dates that follow from them (as the compliance service computes)."""
        rng, today = self.rng, self.today
        modules = list(TrainingModule.objects.filter(service=self.service).order_by("order", "pk"))
        checks, training, sessions = [], [], []
        current = (MentorStatus.ACTIVE, MentorStatus.PAUSED, MentorStatus.RETIRED)
        for i, mentor in enumerate(mentors):
            if mentor.status not in current:
                continue
            issued = today - dt.timedelta(days=rng.randint(60, 900))
            checks += [
                Check(
                    mentor=mentor,
                    kind="background",
                    issued_on=issued,
                    expires_on=issued + dt.timedelta(days=3 * 365),
                    outcome="clear",
                    reference=f"NPC-{self.index:02d}{i:05d}",
                ),
                Check(mentor=mentor, kind="reference", issued_on=issued, outcome="clear"),
                Check(
                    mentor=mentor,
                    kind="wwvp",
                    issued_on=issued,
                    expires_on=issued + dt.timedelta(days=5 * 365),
                    outcome="clear",
                ),
            ]
            done = today - dt.timedelta(days=rng.randint(30, 300))
            training += [
                TrainingCompletion(mentor=mentor, module=m, completed_on=done) for m in modules
            ]
            overdue = rng.random() < 0.1
            held = today - dt.timedelta(days=rng.randint(60, 90) if overdue else rng.randint(3, 20))
            sessions.append(
                SupervisionSession(
                    mentor=mentor,
                    therapist=mentor.supervisor,
                    held_on=held,
                    kind=rng.choice(["group", "one_to_one"]),
                    topics="How contacts are going; looking after yourself.",
                    actions="Keep contacts weekly.",
                    next_due_on=held + dt.timedelta(weeks=mentor.supervision_every_weeks),
                )
            )
        self._save(Check, checks, "checks")
        self._save(TrainingCompletion, training, "training")
        self._save(SupervisionSession, sessions, "supervision")
        # The real rule, per mentor (a few queries each: ~10^4 in all, a small share of the load).
        bulk_compliance_refresh([m for m in mentors if m.status in current])

    # Patients ----------------------------------------------------------------------------
    def _patients(self) -> list[Patient]:
        rng, today, service = self.rng, self.today, self.service
        scheme = classification(service.occupation_classification)
        occupations = [code for code, _ in scheme.list_codes("unit group")]
        places = self.spec["places"]
        count = self.plan.patients
        stages = [s for s, _ in STAGES] + _weighted(rng, STAGES, count - len(STAGES))
        rows = []
        for index, stage in enumerate(stages):
            therapist = self.therapists[index % len(self.therapists)]
            row = self._patient(rng, index, stage, today, therapist, occupations, places)
            rows.append(row)
        named = sign_ins(self.index)["patient"]
        patient_user = self._user(named, f"Pip Patient {self.index + 1:02d}", named=True)
        patient_user.save()
        Membership.objects.create(user=patient_user, service=service, role=Role.PATIENT)
        # The named patient: the first active case, allocated to the named therapist.
        first_active = next(r for r in rows if r.status == PatientStatus.ACTIVE)
        first_active.user = patient_user
        first_active.allocated_therapist = self.therapists[0]
        self._save(Patient, rows, "patients")
        patients = list(
            Patient.objects.filter(service=service)
            .select_related("allocated_therapist")
            .order_by("pk")
        )
        records: dict[type, list[object]] = {
            k: []
            for k in (
                Consent,
                Goal,
                EmployerContact,
                CapacityCertificate,
                PhasedReturnStep,
                WorkStatus,
            )
        }
        for patient in patients:
            patients_demo._plan(rng, patient, today, patient.allocated_therapist, records)
        for model, made in records.items():
            self._save(model, made, model._meta.model_name or model.__name__)  # type: ignore[attr-defined]
        return patients

    def _patient(self, rng, index, stage, today, therapist, occupations, places) -> Patient:  # type: ignore[no-untyped-def]
        male = rng.random() < 0.75
        age = int(min(69, max(17, rng.gauss(38, 12))))
        days_ago = {
            PatientStatus.REFERRED: (6, 35),
            PatientStatus.INELIGIBLE: (20, 300),
            PatientStatus.ELIGIBLE: (15, 50),
            PatientStatus.ACTIVE: (30, 220),
            PatientStatus.MATCHED: (45, 260),
            PatientStatus.RETURNED_TO_WORK: (170, 480),
            PatientStatus.DISCHARGED: (250, 700),
        }[stage]
        injured = today - dt.timedelta(days=rng.randint(*days_ago))
        admitted = injured + dt.timedelta(days=rng.choice([0, 0, 0, 1]))
        span = (today - admitted).days
        if stage in (PatientStatus.REFERRED, PatientStatus.ELIGIBLE):
            referred = admitted + dt.timedelta(days=rng.randint(2, max(3, span - 3)))
        else:
            referred = admitted + dt.timedelta(days=max(1, int(rng.gauss(40, 15))))
        referred = min(today, referred)
        accepted = first_contact = mentor_on = discharged = None
        if stage not in (PatientStatus.REFERRED, PatientStatus.INELIGIBLE):
            accepted = min(today, referred + dt.timedelta(days=rng.randint(1, 6)))
        if stage != PatientStatus.INELIGIBLE:
            late = rng.random() < 0.15
            first_contact = referred + dt.timedelta(
                days=rng.randint(8, 14) if late else rng.randint(0, 5)
            )
            if first_contact > today or (stage == PatientStatus.REFERRED and rng.random() < 0.4):
                first_contact = None
        if stage in (
            PatientStatus.MATCHED,
            PatientStatus.RETURNED_TO_WORK,
            PatientStatus.DISCHARGED,
        ):
            assert accepted is not None
            mentor_on = min(
                today - dt.timedelta(days=1), accepted + dt.timedelta(days=rng.randint(4, 30))
            )
        if stage == PatientStatus.DISCHARGED:
            discharged = today - dt.timedelta(days=rng.randint(5, 120))
        first = rng.choice(patients_demo.MALE if male else patients_demo.FEMALE)
        place = rng.choice(places)
        category = rng.choices(
            [c for c, _ in patients_demo.INJURIES], [w for _, w in patients_demo.INJURIES]
        )[0]
        employment = rng.choices(
            ["full_time", "part_time", "casual", "self_employed", "student", "unpaid"],
            [60, 14, 8, 10, 5, 3],
        )[0]
        if stage == PatientStatus.INELIGIBLE and index % 3 == 0:
            employment = "unemployed"
        return Patient(
            service=self.service,
            given_name=first,
            family_name=rng.choice(patients_demo.LAST),
            date_of_birth=injured - dt.timedelta(days=age * 365 + rng.randint(0, 364)),
            gender="man" if male else "woman",
            languages=["English"] + (["Vietnamese"] if rng.random() < 0.08 else []),
            phone=fictional_phone(self.service.country, index),
            email=f"{first.lower()}.{index}@patients.{DEMO_DOMAIN}",
            postcode=place[0],
            region=place[1],
            latitude=place[2] + rng.uniform(-0.05, 0.05),
            longitude=place[3] + rng.uniform(-0.05, 0.05),
            hospital_number=f"NAT-{self.index + 1:02d}-{index + 1:06d}",
            status=stage,
            decline_reason=rng.choice(patients_demo.REASONS)
            if stage == PatientStatus.INELIGIBLE
            else "",
            allocated_therapist=therapist if accepted or rng.random() < 0.3 else None,
            referral_source=rng.choice(
                ["trauma_ward", "icu", "rehab_unit", "spinal_unit", "outpatient"]
            ),
            referrer_name=rng.choice(
                ["Trauma registrar", "Ward nurse unit manager", "Social worker"]
            ),
            date_of_injury=injured,
            date_of_admission=admitted,
            date_of_referral=referred,
            accepted_on=accepted,
            first_therapist_contact_on=first_contact,
            mentor_introduced_on=mentor_on,
            discharged_on=discharged,
            **patients_demo._injury(rng, category),
            occupation_code=rng.choice(occupations),
            industry=rng.choice(patients_demo.INDUSTRIES),
            employer=rng.choice(["Metro Rail", "City Council", "BuildRight", "Northern Health"]),
            employment_type=employment,
            hours_per_week=Decimal(rng.choice([38, 38, 40, 45, 24, 30, 20, 50])),
            physical_demands=rng.choice(["low", "medium", "high"]),
            cognitive_demands=rng.choice(["low", "medium", "high"]),
            job_held_open=rng.random() < 0.7,
            preferred_mentor_gender=("man" if male else "woman") if rng.random() < 0.2 else "",
            wants_in_person=rng.random() < 0.4,
            availability=rng.sample(
                ["mon-am", "tue-pm", "wed-am", "thu-pm", "fri-am", "sat-am"], 3
            ),
            contact_modes=rng.sample(["in_person", "phone", "video"], rng.randint(1, 3)),
        )

    # Questionnaires ------------------------------------------------------------------------
    def _questionnaires(self, patients: list[Patient]) -> None:
        """The schedule the outcomes service makes on acceptance, in bulk, then answers
        at the time points already past (the small demo's answering step)."""
        time_points = [t for t in time_points_ensure(service=self.service) if t.active]
        accepted = [p for p in patients if p.accepted_on is not None]
        dues = []
        for patient in accepted:
            for point in time_points:
                anchor = _anchor_date(patient, point)
                if anchor is None:
                    continue
                due_on = anchor + dt.timedelta(days=point.offset_days)
                window = dt.timedelta(days=point.window_days)
                dues += [
                    QuestionnaireDue(
                        patient=patient,
                        time_point=point,
                        instrument_id=instrument_id,
                        due_on=due_on,
                        window_opens=due_on - window,
                        window_closes=due_on + window,
                    )
                    for instrument_id in point.instruments
                ]
        self._save(QuestionnaireDue, dues, "questionnaires_due")
        self._answers(dues)

    def _answers(self, dues: list[QuestionnaireDue]) -> None:
        """Answers at the time points already past, shaped by the small demo's answer model
        (distress easing, hope rising, work answers from the timeline). Scoring is the
        instruments' own; to keep 10^6 answers fast, each (instrument, time point) draws
        from a pool of 48 scored answer sets, and work answers are scored once per shape."""
        rng, today = self.rng, self.today
        by_patient = {
            p.pk: p
            for p in Patient.objects.filter(service=self.service, accepted_on__isnull=False)
            .prefetch_related("work_statuses")
            .order_by("pk")
        }
        pools: dict[tuple[str, int], list[tuple[list[object], Score]]] = {}
        scored: dict[tuple[str, str], Score] = {}
        steps: dict[int, list[dt.date]] = {}
        rows, completed = [], []
        for due in dues:
            if due.window_closes >= today or rng.random() > outcomes_demo.ANSWER_RATE:
                continue
            patient = by_patient[due.patient_id]
            points = steps.setdefault(patient.pk, [])
            if due.due_on not in points:
                points.append(due.due_on)
            step = min(points.index(due.due_on), 6)
            on = min(today, due.due_on + dt.timedelta(days=rng.randint(-5, 10)))
            if due.instrument_id not in POOLED:
                answers = outcomes_demo._answers(rng, due.instrument_id, step, patient, on)
                key = (due.instrument_id, repr(answers))
                if key not in scored:
                    scored[key] = score(instrument(due.instrument_id), answers)
                result = scored[key]
            else:
                pool = pools.setdefault((due.instrument_id, step), [])
                if len(pool) < 48:
                    answers = outcomes_demo._answers(rng, due.instrument_id, step, patient, on)
                    pool.append((answers, score(instrument(due.instrument_id), answers)))
                answers, result = pool[rng.randrange(len(pool))]
            rows.append(
                QuestionnaireResponse(
                    patient_id=patient.pk,
                    due=due,
                    instrument_id=due.instrument_id,
                    answers=answers,
                    completed_on=on,
                    **score_fields(result),
                    mode=EntryMode.LINK if rng.random() < 0.7 else EntryMode.STAFF,
                )
            )
            completed.append(due.pk)
        self._save(QuestionnaireResponse, rows, "questionnaire_answers")
        for start in range(0, len(completed), BATCH):
            QuestionnaireDue.objects.filter(pk__in=completed[start : start + BATCH]).update(
                status=DueStatus.COMPLETED
            )

    # Matches -----------------------------------------------------------------------------
    def _matches(self, patients: list[Patient], mentors: list[Mentor]) -> list[Match]:
        """Active matches within every active mentor's places (the rest wait), ended
        matches for finished cases, a few proposals and declines. Mentors are chosen by
        injury category where possible, which is what the matching engine weighs most."""
        rng, zone, today = self.rng, self.zone, self.today
        active = [m for m in mentors if m.status == MentorStatus.ACTIVE]
        spare = {m.pk: m.capacity for m in active}
        by_category: dict[str, list[Mentor]] = {}
        mentor: Mentor | None  # below, pick() may find no one
        for mentor in active:
            for category in mentor.willing_categories:
                by_category.setdefault(category, []).append(mentor)
        rows: list[Match] = []
        demoted: list[int] = []

        def pick(patient: Patient, *, needs_place: bool) -> Mentor | None:
            pool = by_category.get(patient.injury_category) or active
            for _ in range(8):
                mentor = rng.choice(pool)
                if not needs_place or spare[mentor.pk] > 0:
                    return mentor
            free = [m for m in active if spare[m.pk] > 0] if needs_place else active
            return rng.choice(free) if free else None

        def row(
            patient: Patient, mentor: Mentor, status: str, started: dt.date | None, **more: object
        ) -> Match:
            proposed = (started or today) - dt.timedelta(days=5)
            match = Match(
                service=self.service,
                patient=patient,
                mentor=mentor,
                status=status,
                proposed_by=patient.allocated_therapist,
                proposed_at=_at(proposed, zone),
                source=ProposalSource.RANKED,
                score=round(rng.uniform(0.45, 0.95), 3),
                reasons=[],
                **more,
            )
            if started is not None:
                match.patient_agreed_at = _at(started - dt.timedelta(days=4), zone)
                match.mentor_responded_at = _at(started - dt.timedelta(days=2), zone)
                match.started_at = _at(started, zone, rng.randint(9, 17))
            rows.append(match)
            return match

        for patient in patients:
            if patient.status == PatientStatus.MATCHED:
                mentor = pick(patient, needs_place=True)
                if mentor is None:
                    demoted.append(patient.pk)
                    continue
                spare[mentor.pk] -= 1
                row(patient, mentor, MatchStatus.ACTIVE, patient.mentor_introduced_on)
            elif patient.status in (PatientStatus.RETURNED_TO_WORK, PatientStatus.DISCHARGED):
                mentor = pick(patient, needs_place=False)
                started = patient.mentor_introduced_on
                if mentor is None or started is None:
                    continue
                engaged = rng.random() < 0.6
                reason = (
                    EndReason.GOALS_MET
                    if engaged
                    else rng.choice([EndReason.NO_CONTACT, EndReason.PATIENT_WITHDREW])
                )
                ended = min(
                    today - dt.timedelta(days=1), started + dt.timedelta(days=rng.randint(60, 200))
                )
                row(
                    patient,
                    mentor,
                    MatchStatus.ENDED,
                    started,
                    end_reason=reason,
                    ended_at=_at(ended, zone, 16),
                )
            elif patient.status == PatientStatus.ACTIVE and rng.random() < 0.04:
                mentor = pick(patient, needs_place=True)
                if mentor is None:
                    continue
                spare[mentor.pk] -= 1
                row(
                    patient,
                    mentor,
                    rng.choice([MatchStatus.PROPOSED, MatchStatus.PATIENT_AGREED]),
                    None,
                )
        if demoted:
            # More matched cases than places: those left over are still waiting.
            Patient.objects.filter(pk__in=demoted).update(
                status=PatientStatus.ACTIVE, mentor_introduced_on=None
            )
        self._save(Match, rows, "matches")
        for mentor in active:
            taken = mentor.capacity - spare[mentor.pk]
            if taken:
                mentor.mentee_count = taken
        Mentor.objects.bulk_update(
            [m for m in active if m.mentee_count], ["mentee_count"], batch_size=BATCH
        )
        return list(
            Match.objects.filter(service=self.service, started_at__isnull=False)
            .select_related("mentor")
            .order_by("pk")
        )

    # Contacts ----------------------------------------------------------------------------
    def _contacts(self, matches: list[Match]) -> None:
        """Contacts inside each match's period, with the small demo's gaps and modes,
        every engagement state appearing among the active pairs."""
        rng, zone, today = self.rng, self.zone, self.today
        rows: list[Contact] = []
        for n, match in enumerate(matches):
            assert match.started_at is not None
            started = match.started_at.astimezone(zone).date()
            if match.status == MatchStatus.ACTIVE:
                gap = [
                    rng.randint(1, 8),
                    rng.randint(1, 8),
                    rng.randint(15, 19),
                    rng.randint(24, 60),
                    None,
                ][n % 5]
                if gap is None:
                    continue  # not started yet
                until = today - dt.timedelta(days=gap)
                regular = True
            else:
                assert match.ended_at is not None
                until = match.ended_at.astimezone(zone).date()
                regular = match.end_reason == EndReason.GOALS_MET
                if match.end_reason == EndReason.NO_CONTACT:
                    until = min(until, started + dt.timedelta(days=12))
            days = contacts_demo._contact_days(rng, started, until, regular=regular)
            logged = 0  # the calls and visits so far: the first two are on the ward
            for offset, between in _with_messages(rng, days):
                day = started + dt.timedelta(days=offset)
                moment = _at(day, zone, rng.randint(9, 18), rng.choice([0, 30]))
                if moment < match.started_at:
                    moment = match.started_at
                if match.ended_at is not None and moment > match.ended_at:
                    moment = match.ended_at
                rows.append(
                    Contact(
                        match=match,
                        service=self.service,
                        logged_by=match.mentor.user,
                        contact_at=moment,
                        mode=Mode.MESSAGE if between else contacts_demo._mode(rng, logged),
                        duration_minutes=rng.choice([5, 10])
                        if between
                        else rng.choice([15, 20, 30, 30, 45, 60, 90]),
                        topics=rng.sample(DEFAULT_TOPICS[:-1], rng.randint(1, 3)),
                        reflection=rng.choice(contacts_demo.REFLECTIONS),
                    )
                )
                logged += not between
            if len(rows) >= 4 * BATCH:
                self._save(Contact, rows, "contacts")
                rows = []
        self._save(Contact, rows, "contacts")


def _with_messages(rng: random.Random, days: list[int]) -> list[tuple[int, bool]]:
    """The logged contacts' day offsets with the short messages mentors log between them
    (a text to ask how the week went): one or two in each gap of five days or more. Each
    offset comes with True for such a message. Messages fall strictly between two logged
    contacts, so the last contact, and so every pair's engagement state, stays the same."""
    out: list[tuple[int, bool]] = []
    for here, after in zip(days, [*days[1:], None], strict=False):
        out.append((here, False))
        if after is None or after - here < 5:
            continue
        for day in sorted(rng.sample(range(here + 1, after), rng.randint(1, 2))):
            out.append((day, True))
    return out
