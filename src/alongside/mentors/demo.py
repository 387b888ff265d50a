"""Demo data for mentors (a step of `alongside demo`).

Per demo service: selection criteria, training modules and mentors at every
stage of the programme, spread over every injury category and every major
group of the service's occupation classification, with checks (some
expiring), training, supervision (some overdue), check-ins (some flagged) and
expense claims. mentor@demo.example is an active, matchable mentor in
demo-melbourne supervised by therapist@demo.example.

Idempotent: a service that already has mentors is left alone. Synthetic rows
are written directly (no audit event per row); compliance dates are then
computed by the same service code the pages use.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from alongside.accounts.models import Role
from alongside.accounts.services import membership_grant
from alongside.core.codes import AMPUTATION_SITES, SCI_LEVELS, classification
from alongside.core.mentor_programme import DEFAULT_CRITERIA
from alongside.core.vocabulary import InjuryCategory
from alongside.demo.builder import DemoContext, fictional_phone
from alongside.mentors.models import (
    Check,
    CriterionResult,
    DebriefRequest,
    DebriefSource,
    ExpenseClaim,
    Mentor,
    MentorStatus,
    SelectionCriterion,
    SupervisionSession,
    TrainingCompletion,
    TrainingModule,
    WellbeingCheckIn,
)
from alongside.mentors.services import bulk_compliance_refresh

# The defaults every new service starts with (code of conduct included).
CRITERIA = list(DEFAULT_CRITERIA)
MODULES = [
    ("Introduction to peer mentoring", None, True),
    ("Boundaries and confidentiality", 24, True),
    ("Safeguarding and raising concerns", 12, True),
    ("Looking after yourself as a mentor", None, False),
]
CATEGORIES = InjuryCategory.values
ICD10 = {
    "sci": ["S14.1", "S24.1", "S34.1"],
    "tbi": ["S06.2", "S06.5", "S06.3"],
    "ortho": ["S82.2", "T02"],
    "amputation": ["S88", "S48.1", "S68.1"],
}
STATUSES = [
    MentorStatus.ACTIVE,
    MentorStatus.ACTIVE,
    MentorStatus.ACTIVE,
    MentorStatus.ENQUIRY,
    MentorStatus.ACTIVE,
    MentorStatus.SCREENING,
    MentorStatus.ACTIVE,
    MentorStatus.CHECKS,
    MentorStatus.PAUSED,
    MentorStatus.TRAINING,
    MentorStatus.ACTIVE,
    MentorStatus.RETIRED,
    MentorStatus.DECLINED,
    MentorStatus.ACTIVE,
]
FIRST = [
    "Sam",
    "Lee",
    "Jo",
    "Kim",
    "Alex",
    "Chris",
    "Pat",
    "Robin",
    "Jamie",
    "Drew",
    "Max",
    "Sasha",
    "Nik",
    "Rowan",
    "Ari",
    "Tan",
    "Kai",
    "Mel",
    "Dev",
    "Remy",
]
LAST = [
    "Nguyen",
    "Smith",
    "Papadopoulos",
    "Khan",
    "O'Brien",
    "Walker",
    "Singh",
    "Rossi",
    "Taylor",
    "Chen",
    "Brown",
    "Murphy",
    "Ali",
    "Evans",
    "Kowalski",
    "Hughes",
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
]
PLACES = {
    "demo-melbourne": [
        ("3000", "Melbourne CBD", -37.81, 144.96),
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
COUNTS = {"demo-melbourne": 20, "demo-leeds": 14}


def load(ctx: DemoContext) -> None:
    # One draw from the shared generator whatever happens, so later steps see the same stream.
    rng = random.Random(ctx.rng.random())
    today = timezone.localdate()
    for slug, count in COUNTS.items():
        service = ctx.services.get(slug)
        if service is None:
            continue
        with transaction.atomic():
            _configure(service)
            if not Mentor.objects.filter(service=service).exists():
                _mentors(ctx, service, count, rng, today)
    _link_demo_mentor(ctx, today)
    ctx.log(f"mentors: {Mentor.objects.filter(service__is_demo=True).count()} demo mentors")


def _configure(service) -> None:  # type: ignore[no-untyped-def]
    for order, (name, kind, months, required) in enumerate(CRITERIA):
        SelectionCriterion.objects.get_or_create(
            service=service,
            name=name,
            defaults={"kind": kind, "min_months": months, "required": required, "order": order},
        )
    for order, (title, months, required) in enumerate(MODULES):
        TrainingModule.objects.get_or_create(
            service=service,
            title=title,
            defaults={"recertify_months": months, "required": required, "order": order},
        )


def _occupations(service) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    scheme = classification(service.occupation_classification)
    codes = scheme.list_codes()
    by_group: dict[str, list[str]] = {}
    for code, _title in codes:
        by_group.setdefault(code[0], []).append(code)
    return by_group


def _mentors(ctx, service, count, rng, today) -> None:  # type: ignore[no-untyped-def]
    slug = service.slug
    supervisor = ctx.users.get(
        "therapist@demo.example" if slug == "demo-melbourne" else "outsider@demo.example"
    )
    occupations = _occupations(service)
    groups = sorted(occupations)
    criteria = list(SelectionCriterion.objects.filter(service=service, kind="recorded"))
    modules = list(TrainingModule.objects.filter(service=service))
    made = []
    for i in range(count):
        status = STATUSES[i % len(STATUSES)]
        category = CATEGORIES[i % len(CATEGORIES)]
        group = groups[i % len(groups)]
        postcode, region, lat, lon = PLACES[slug][i % len(PLACES[slug])]
        injured = today - dt.timedelta(days=rng.randint(420, 3650))
        back = injured + dt.timedelta(days=rng.randint(120, 400)) if status != "enquiry" else None
        mentor = Mentor(
            service=service,
            first_name=FIRST[(i + len(slug)) % len(FIRST)],
            last_name=LAST[(i * 7 + len(slug)) % len(LAST)],
            email=f"mentor{i + 1}.{slug}@mentors.demo.invalid",
            phone=fictional_phone(service.country, i),
            status=status,
            status_changed_at=timezone.now() - dt.timedelta(days=rng.randint(20, 200)),
            injury_category=category,
            icd10_codes=[rng.choice(ICD10[category])],
            sci_level=rng.choice(SCI_LEVELS[:20]) if category == "sci" else "",
            asia_grade=rng.choice("ABCD") if category == "sci" else "",
            tbi_severity=rng.choice(["mild", "moderate", "severe"]) if category == "tbi" else "",
            amputation_site=rng.choice(AMPUTATION_SITES).id if category == "amputation" else "",
            date_of_injury=injured,
            occupation_code=rng.choice(occupations[group]),
            industry=rng.choice(INDUSTRIES),
            employment_type=rng.choice(["employee", "employee", "self_employed", "casual"]),
            job_demands=rng.choice(["physical", "mixed", "desk"]),
            returned_to_work_on=back,
            rtw_story="Went back on reduced hours first, then built up with my employer's help."
            if back
            else "",
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
            latitude=lat,
            longitude=lon,
            travel_radius_km=rng.choice([10, 20, 40, 80]),
            contact_modes=rng.sample(["in_person", "phone", "video"], rng.randint(1, 3)),
            availability=sorted(
                rng.sample(["mon-am", "tue-pm", "wed-eve", "thu-am", "fri-pm", "sat-am"], 3)
            ),
            capacity=rng.randint(1, 4),
            willing_categories=sorted({category, rng.choice(CATEGORIES)}),
            supervisor=supervisor if status not in ("enquiry", "declined") else None,
            supervision_every_weeks=rng.choice([4, 4, 6]),
            decline_reason="Less than a year since injury; invited to apply again later."
            if status == "declined"
            else "",
            paused_reason="Asked for a break after a hard few weeks." if status == "paused" else "",
        )
        mentor.save()
        made.append(mentor)
        _history(mentor, i, status, criteria, modules, supervisor, rng, today)
    bulk_compliance_refresh(made)


def _history(mentor, i, status, criteria, modules, supervisor, rng, today) -> None:  # type: ignore[no-untyped-def]
    """Selection results, checks, training, supervision, check-ins, expenses to suit the stage."""
    stage = (
        ["enquiry", "screening", "checks", "training"].index(status)
        if status in ("enquiry", "screening", "checks", "training")
        else 4
    )
    if status == "declined":
        CriterionResult.objects.create(mentor=mentor, criterion=criteria[0], met=True)
        return
    if stage >= 1:
        for n, criterion in enumerate(criteria):
            if stage >= 3 or n < stage:
                CriterionResult.objects.create(
                    mentor=mentor,
                    criterion=criterion,
                    met=True,
                    notes="Demo record",
                    recorded_by=supervisor,
                )
    if stage >= 2:
        # Every fifth current mentor's background check runs out within the month.
        expiring = stage == 4 and i % 5 == 1
        issued = today - dt.timedelta(days=(3 * 365 - 20) if expiring else rng.randint(60, 700))
        Check.objects.create(
            mentor=mentor,
            kind="background",
            issued_on=issued,
            expires_on=issued + dt.timedelta(days=3 * 365),
            outcome="clear",
            reference=f"NPC-{1000 + i}",
        )
        Check.objects.create(mentor=mentor, kind="reference", issued_on=issued, outcome="clear")
        Check.objects.create(
            mentor=mentor,
            kind="wwvp",
            issued_on=issued,
            expires_on=issued + dt.timedelta(days=5 * 365),
            outcome="clear" if stage >= 3 else "pending",
        )
    if stage >= 3:
        for module in modules:
            if stage == 3 and module.required and module.recertify_months == 12:
                continue  # still to do: the pipeline page shows it as missing
            done = today - dt.timedelta(days=rng.randint(30, 300))
            TrainingCompletion.objects.create(mentor=mentor, module=module, completed_on=done)
    if stage == 4:
        overdue = i % 6 == 2  # some current mentors are overdue for supervision
        held = today - dt.timedelta(days=rng.randint(60, 90) if overdue else rng.randint(3, 20))
        for back in (70, 35, 0):
            held_on = held - dt.timedelta(days=back)
            SupervisionSession.objects.create(
                mentor=mentor,
                therapist=supervisor,
                held_on=held_on,
                kind="group" if back == 35 else "one_to_one",
                topics="How contacts are going; looking after yourself.",
                actions="Keep contacts weekly.",
                next_due_on=held_on + dt.timedelta(weeks=mentor.supervision_every_weeks),
            )
        for back in (60, 30, 6):
            flagged = i % 3 == 0 and back == 6
            checkin = WellbeingCheckIn.objects.create(
                mentor=mentor,
                submitted_at=timezone.now() - dt.timedelta(days=back),
                score=2 if flagged else rng.randint(3, 5),
                affecting_me=flagged,
                wants_to_talk=flagged and i % 2 == 0,
                flagged=flagged,
                comment="A hard week after a visit on the ward." if flagged else "",
            )
            if checkin.wants_to_talk:  # as checkin_submit does: a debrief to arrange
                DebriefRequest.objects.get_or_create(
                    source=DebriefSource.CHECKIN,
                    source_id=checkin.pk,
                    defaults={
                        "mentor": mentor,
                        "reason": "Asked to talk to their supervisor in a well-being check-in.",
                        "requested_at": checkin.submitted_at,
                    },
                )
        ExpenseClaim.objects.create(
            mentor=mentor,
            spent_on=today - dt.timedelta(days=rng.randint(2, 40)),
            purpose="Hospital parking for a ward visit",
            amount=Decimal(rng.randint(800, 2400)) / 100,
            status="submitted" if i % 2 else "approved",
        )


def _link_demo_mentor(ctx: DemoContext, today: dt.date) -> None:
    """mentor@demo.example: active, matchable, spare capacity, supervised by the therapist."""
    user = ctx.users.get("mentor@demo.example")
    service = ctx.services.get("demo-melbourne")
    if user is None or service is None:
        return
    if Mentor.objects.filter(user=user, service=service).exists():
        return
    supervisor = ctx.users.get("therapist@demo.example")
    with transaction.atomic():
        mentor = Mentor.objects.create(
            service=service,
            user=user,
            first_name="Mina",
            last_name="Mentor",
            email=user.email,
            status=MentorStatus.ACTIVE,
            status_changed_at=timezone.now() - dt.timedelta(days=150),
            injury_category="sci",
            icd10_codes=["S14.1"],
            sci_level="C6",
            asia_grade="C",
            date_of_injury=today - dt.timedelta(days=4 * 365),
            occupation_code="341111",
            industry="Construction",
            employment_type="employee",
            job_demands="physical",
            returned_to_work_on=today - dt.timedelta(days=3 * 365),
            rtw_story="Back as an electrician on lighter duties, now teaching apprentices.",
            birth_year=today.year - 41,
            gender="woman",
            languages=["English", "Greek"],
            postcode="3000",
            region="Melbourne CBD",
            latitude=-37.81,
            longitude=144.96,
            travel_radius_km=40,
            contact_modes=["in_person", "phone", "video"],
            availability=["mon-am", "wed-eve", "sat-am"],
            capacity=3,
            willing_categories=["sci", "ortho"],
            supervisor=supervisor,
            supervision_every_weeks=4,
        )
        for criterion in SelectionCriterion.objects.filter(service=service, kind="recorded"):
            CriterionResult.objects.create(
                mentor=mentor, criterion=criterion, met=True, recorded_by=supervisor
            )
        issued = today - dt.timedelta(days=200)
        Check.objects.create(
            mentor=mentor,
            kind="background",
            issued_on=issued,
            expires_on=issued + dt.timedelta(days=3 * 365),
            outcome="clear",
        )
        Check.objects.create(mentor=mentor, kind="reference", issued_on=issued, outcome="clear")
        for module in TrainingModule.objects.filter(service=service):
            TrainingCompletion.objects.create(
                mentor=mentor, module=module, completed_on=today - dt.timedelta(days=120)
            )
        SupervisionSession.objects.create(
            mentor=mentor,
            therapist=supervisor,
            held_on=today - dt.timedelta(days=10),
            kind="one_to_one",
            topics="First months of mentoring.",
            actions="Keep a reflection log.",
            next_due_on=today - dt.timedelta(days=10) + dt.timedelta(weeks=4),
        )
        WellbeingCheckIn.objects.create(
            mentor=mentor, submitted_at=timezone.now() - dt.timedelta(days=12), score=4
        )
        bulk_compliance_refresh([mentor])
        membership_grant(user=user, service=service, role=Role.MENTOR)
