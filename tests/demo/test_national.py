"""The national generator on a scaled-down plan (2 services, 1 % of the size): same seed,
same rows; counts near the plan; matches within places; contacts inside match periods."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.db.models import Count, F, Q

from alongside.audit.models import AuditEvent
from alongside.contacts.models import Contact
from alongside.demo.builder import demo_reset
from alongside.demo.national import NationalPlan, national_load, sign_ins
from alongside.matches.models import OPEN_STATUSES, Match
from alongside.mentors.models import Mentor
from alongside.outcomes.models import QuestionnaireDue, QuestionnaireResponse
from alongside.patients.models import Patient, PatientStatus, WorkStatus

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)
PLAN = NationalPlan(services=2, factor=0.03, seed=7, today=TODAY)


def _checksum() -> str:
    """A digest of the key tables' content (not their ids, which the database assigns)."""
    digest = hashlib.sha256()
    tables = [
        Patient.objects.order_by("hospital_number").values_list(
            "hospital_number",
            "given_name",
            "status",
            "date_of_injury",
            "injury_category",
            "icd10_codes",
            "occupation_code",
            "accepted_on",
            "mentor_introduced_on",
        ),
        Mentor.objects.order_by("email").values_list(
            "email",
            "status",
            "capacity",
            "mentee_count",
            "injury_category",
            "checks_valid_until",
            "training_valid_until",
            "supervision_due_on",
        ),
        Match.objects.order_by("patient__hospital_number", "started_at").values_list(
            "patient__hospital_number",
            "mentor__email",
            "status",
            "score",
            "started_at",
            "ended_at",
            "end_reason",
        ),
        Contact.objects.order_by(
            "match__patient__hospital_number", "contact_at", "mode"
        ).values_list(
            "match__patient__hospital_number",
            "contact_at",
            "mode",
            "duration_minutes",
            "topics",
        ),
        QuestionnaireResponse.objects.order_by(
            "patient__hospital_number", "due__due_on", "instrument_id"
        ).values_list(
            "patient__hospital_number",
            "instrument_id",
            "total",
            "completed_on",
        ),
    ]
    for rows in tables:
        for row in rows:
            digest.update(repr(row).encode())
    return digest.hexdigest()


def test_same_seed_same_data_and_consistent_records() -> None:
    totals = national_load(PLAN, log=lambda _: None)
    first = _checksum()

    # Counts near the plan: 2 services x 100 patients and 10 mentors; contacts ~10 per patient.
    assert Patient.objects.count() == 2 * PLAN.patients
    assert Mentor.objects.count() == 2 * PLAN.mentors
    assert totals["contacts"] == Contact.objects.count()
    assert 2 * PLAN.patients * 4 <= totals["contacts"] <= 2 * PLAN.patients * 16
    assert QuestionnaireDue.objects.exists() and QuestionnaireResponse.objects.exists()
    assert WorkStatus.objects.exists()
    for status in PatientStatus.values:
        assert Patient.objects.filter(status=status).exists(), status

    # No mentor holds more open matches than places, and the stored count agrees.
    counted = Mentor.objects.annotate(
        open=Count("matches", filter=Q(matches__status__in=OPEN_STATUSES))
    )
    assert not counted.filter(open__gt=F("capacity")).exists()
    assert not counted.exclude(open=F("mentee_count")).exists()
    # Every matched patient has an active match; every contact sits inside its match period.
    matched = Patient.objects.filter(status=PatientStatus.MATCHED)
    assert matched.filter(matches__status="active").distinct().count() == matched.count()
    assert not Contact.objects.filter(contact_at__lt=F("match__started_at")).exists()
    assert not Contact.objects.filter(contact_at__gt=F("match__ended_at")).exists()
    assert not Contact.objects.exclude(match__status__in=["active", "ended"]).exists()
    assert not Contact.objects.exclude(service=F("match__service")).exists()

    # One summary audit event per service, not one per row.
    assert AuditEvent.objects.filter(action="demo.national_load").count() == 2
    # Named sign-ins can sign in; generated staff cannot.
    from alongside.accounts.models import User

    named = User.objects.get(email=sign_ins(1)["therapist"])
    assert named.has_usable_password()
    assert not User.objects.get(email="therapist2.02@demo.example").has_usable_password()
    assert Patient.objects.filter(user__email=sign_ins(0)["patient"]).exists()

    # Loading again is a no-op; after a reset the same seed gives the same rows.
    assert national_load(PLAN, log=lambda _: None) == {}
    demo_reset()
    assert not Patient.objects.exists()
    national_load(PLAN, log=lambda _: None)
    assert _checksum() == first
    demo_reset()
    national_load(NationalPlan(services=2, factor=0.03, seed=8, today=TODAY), log=lambda _: None)
    assert _checksum() != first
