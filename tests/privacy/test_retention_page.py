"""A service manager edits the retention periods: saved, audited, bad input named and refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alongside.audit.models import AuditEvent
from alongside.privacy import services
from alongside.privacy.models import RetentionSettings
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _url(world) -> str:
    return reverse("privacy:retention", kwargs={"slug": world.home.slug})


def test_manager_sees_the_current_periods_and_saves_new_ones(world) -> None:
    client = world.client_for("admin")
    page = client.get(_url(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Retention periods for Home Service" in html
    assert 'name="patient_years" value="7"' in html and 'value="25"' in html

    answer = client.post(
        _url(world), {"patient_years": "10", "child_until_age": "25", "mentor_years": "3"}
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("privacy:erasures")
    saved = RetentionSettings.objects.get(service=world.home)
    assert (saved.patient_years, saved.child_until_age, saved.mentor_years) == (10, 25, 3)
    assert saved.updated_by == world.people["admin"]
    event = AuditEvent.objects.filter(action="retention.update").latest("pk")
    # Only what changed is named; the event is the manager's, in this service.
    assert sorted(event.fields) == ["mentor_years", "patient_years"]
    assert event.actor_id == world.people["admin"].pk and event.service_id == world.home.pk
    listing = client.get(reverse("privacy:erasures")).content.decode()
    assert "adult patients 10 years after discharge" in listing
    assert f'href="{_url(world)}"' in listing


def test_bad_numbers_are_named_in_the_error_summary_and_nothing_is_saved(world) -> None:
    client = world.client_for("admin")
    before = AuditEvent.objects.filter(action="retention.update").count()
    answer = client.post(
        _url(world), {"patient_years": "0", "child_until_age": "12", "mentor_years": "lots"}
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert 'class="error-summary"' in html and "There is a problem" in html
    assert (
        '<a href="#id_patient_years">Years to keep an adult patient&#x27;s record after '
        "discharge: Enter a number of years from 1 to 100.</a>"
    ) in html
    assert "Keep a child&#x27;s record at least until this birthday: Enter an age from 18" in html
    assert "Enter a whole number." in html
    assert "<title>Error: Retention periods" in html
    saved = RetentionSettings.objects.get(service=world.home)
    assert (saved.patient_years, saved.child_until_age, saved.mentor_years) == (7, 25, 6)
    assert AuditEvent.objects.filter(action="retention.update").count() == before


def test_another_services_periods_are_not_found(world) -> None:
    client = world.client_for("admin")
    other = reverse("privacy:retention", kwargs={"slug": world.other.slug})
    assert client.get(other).status_code == 404
    data = {"patient_years": "1", "child_until_age": "18", "mentor_years": "1"}
    assert client.post(other, data).status_code == 404
    assert world.client_for("therapist").post(_url(world), data).status_code == 404
    assert not RetentionSettings.objects.filter(service=world.other, patient_years=1).exists()


def test_the_service_refuses_out_of_range_values_whoever_calls_it(world) -> None:
    admin = world.people["admin"]
    with pytest.raises(ValidationError) as refused:
        services.retention_settings_update(
            actor=admin, service=world.home, patient_years=7, child_until_age=17
        )
    assert refused.value.message_dict == {"child_until_age": ["Enter an age from 18 to 100."]}
    assert services.retention_settings_for(world.home.pk).child_until_age == 25
    # A manager of another service only is refused as if the service did not exist.
    other_admin = MembershipFactory(service=world.other, role="admin").user
    from django.http import Http404

    with pytest.raises(Http404):
        services.retention_settings_update(actor=other_admin, service=world.home, mentor_years=2)
