"""Checks and training that keep a mentor safe to match (issue 11, section 1): a renewal
period per kind of check per service, two references as two records, re-certification and
check renewal notices once per event, and the code of conduct as a default criterion."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps

from alongside.core import mentor_programme as rules
from alongside.mentors import reminders, services
from alongside.mentors.models import (
    CheckRenewalPeriod,
    SelectionCriterion,
    TrainingCompletion,
    TrainingModule,
)
from alongside.notifications.models import Notification
from tests.mentors.factories import home_mentor

TODAY = dt.date(2025, 6, 15)


def _check(kind: str, issued: str, expires: str | None = None, who: str = "") -> rules.CheckFact:
    return rules.CheckFact(
        kind,
        dt.date.fromisoformat(issued),
        dt.date.fromisoformat(expires) if expires else None,
        "clear",
        who,
    )


def test_a_check_without_an_expiry_date_is_never_valid_for_ever() -> None:
    dbs = [_check("background", "2022-06-01")]
    assert rules.checks_valid_until(dbs) == dt.date(2025, 5, 31)  # default: re-check in 3 years
    assert rules.checks_valid_until(dbs, {"background": 12}) == dt.date(2023, 5, 31)
    assert rules.check_problems(dbs, TODAY) == [
        "The police / background check was due for renewal on 31 May 2025"
    ]
    assert rules.checks_expiring(dbs, dt.date(2025, 5, 10)) == dbs


def test_two_references_are_two_records() -> None:
    checks = [
        _check("background", "2025-01-01", "2028-01-01"),
        _check("reference", "2025-02-01", who="A. Referee"),
        rules.CheckFact("reference", dt.date(2025, 3, 1), None, "not_clear", "B. Referee"),
    ]
    assert len([k for k in rules.current_checks(checks) if k.startswith("reference")]) == 2
    assert rules.checks_valid_until(checks) is None  # the second referee's is not clear
    assert "The reference from B. Referee is not clear" in rules.check_problems(checks, TODAY)


@pytest.mark.django_db
def test_the_services_renewal_period_sets_the_stored_date(world) -> None:
    mentor = home_mentor(world)
    CheckRenewalPeriod.objects.create(service=world.home, kind="background", every_months=24)
    services.check_add(
        actor=world.people["therapist"],
        mentor=mentor,
        kind="background",
        issued_on=dt.date(2024, 1, 10),
        expires_on=None,
        today=TODAY,
    )
    mentor.refresh_from_db()
    assert mentor.checks_valid_until == dt.date(2026, 1, 9)


@pytest.mark.django_db
def test_recertification_due_and_lapsed_reach_mentor_and_supervisor_once_each(world) -> None:
    mentor = home_mentor(world)
    module = TrainingModule.objects.create(
        service=world.home, title="Safeguarding", required=True, recertify_months=12
    )
    TrainingCompletion.objects.create(
        mentor=mentor, module=module, completed_on=dt.date(2024, 7, 1)
    )
    services.bulk_compliance_refresh([mentor])
    due_soon = dt.datetime(2025, 6, 15, 9, tzinfo=dt.UTC)  # valid until 30 June 2025
    assert reminders.training_recertification(due_soon) == 2  # the mentor and their supervisor
    assert reminders.training_recertification(due_soon) == 0
    lapsed = dt.datetime(2025, 7, 2, 9, tzinfo=dt.UTC)
    assert reminders.training_recertification(lapsed) == 2
    assert reminders.training_recertification(lapsed) == 0
    subjects = set(Notification.objects.values_list("subject", flat=True))
    assert "Training lapsed on 30 June 2025: Safeguarding" in subjects
    assert any("due for re-certification by 30 June 2025" in s for s in subjects)


def test_the_sweep_is_registered() -> None:
    from alongside.notifications.reminders import sweeps_by_name

    SWEEPS = sweeps_by_name()
    assert SWEEPS["training_recertification"] is reminders.training_recertification


def test_code_of_conduct_is_a_default_criterion() -> None:
    names = [name for name, *_ in rules.DEFAULT_CRITERIA]
    assert rules.CODE_OF_CONDUCT in names


@pytest.mark.django_db
def test_the_data_migration_adds_the_code_of_conduct_to_existing_services(world) -> None:
    migration = importlib.import_module(
        "alongside.mentors.migrations.0005_code_of_conduct_criterion"
    )
    SelectionCriterion.objects.filter(name=rules.CODE_OF_CONDUCT).delete()
    migration.add_criterion(django_apps, None)
    migration.add_criterion(django_apps, None)  # idempotent
    added = SelectionCriterion.objects.filter(name=rules.CODE_OF_CONDUCT)
    assert {c.service_id for c in added} >= {world.home.pk, world.other.pk}
    assert added.count() == len({c.service_id for c in added}) and all(c.required for c in added)
