"""A manager applies a trial's eligibility preset to an existing service (issue 11 §4),
seeing what changes before it is applied."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alongside.accounts.policy import SYSTEM
from alongside.audit.models import AuditEvent
from alongside.core.eligibility import EligibilityCriteria, preset_changes
from alongside.patients.models import EligibilityRules
from alongside.patients.services import eligibility_rules_apply_preset

pytestmark = pytest.mark.django_db


def _url(world) -> str:
    return reverse("patients:rules_preset", args=[world.home.slug])


def test_preset_changes_names_each_rule_now_and_after() -> None:
    changes = {c.rule: c for c in preset_changes(EligibilityCriteria(), "rowtate")}
    iss = changes["Minimum Injury Severity Score"]
    assert (iss.now, iss.after, iss.changes) == ("No minimum", "9", True)
    assert changes["Oldest age at injury"].after == "69"
    assert changes["Youngest age at injury"].changes is False
    assert changes["Referred within"].after == "12 weeks of admission"


def test_the_preview_shows_what_changes_and_writes_nothing(world) -> None:
    eligibility_rules_apply_preset(actor=SYSTEM, service=world.home, preset_id="eivrs")
    before = AuditEvent.objects.filter(action="eligibility_rules.update").count()
    response = world.client_for("admin").post(_url(world), {"preset": "rowtate"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "What would change" in body and "Apply these rules" in body
    assert "<strong>69</strong>" in body  # oldest age 70 -> 69
    rules = EligibilityRules.objects.get(service=world.home)
    assert (rules.max_age, rules.min_iss) == (70, None)
    assert AuditEvent.objects.filter(action="eligibility_rules.update").count() == before


def test_applying_sets_the_rules_and_audits(world) -> None:
    eligibility_rules_apply_preset(actor=SYSTEM, service=world.home, preset_id="eivrs")
    response = world.client_for("admin").post(_url(world), {"preset": "rowtate", "confirm": "1"})
    assert response.status_code == 302
    rules = EligibilityRules.objects.get(service=world.home)
    assert (rules.max_age, rules.min_iss, rules.weeks_counted_from) == (69, 9, "admission")
    event = AuditEvent.objects.filter(action="eligibility_rules.update").order_by("pk").last()
    assert event.actor_id == world.people["admin"].pk and "min_iss" in event.fields


def test_the_same_preset_says_nothing_would_change(world) -> None:
    eligibility_rules_apply_preset(actor=SYSTEM, service=world.home, preset_id="rowtate")
    body = world.client_for("admin").post(_url(world), {"preset": "rowtate"}).content.decode()
    assert "nothing would change" in body and "Apply these rules" not in body


def test_no_choice_is_named_in_the_error_summary(world) -> None:
    response = world.client_for("admin").post(_url(world), {"preset": "nonsense"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body and 'href="#id_preset_0"' in body
    assert "Error:" in body
