from __future__ import annotations

import pytest
from django.urls import reverse

from alongside.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_admin_sees_only_their_services_events(world, django_assert_max_num_queries) -> None:
    audit_record(actor=world.people["therapist"], action="patient.view", service_id=world.home.pk)
    audit_record(actor=world.people["outsider"], action="patient.secret", service_id=world.other.pk)
    client = world.client_for("admin")
    with django_assert_max_num_queries(10):
        page = client.get(reverse("audit:list"))
    text = page.content.decode()
    assert "patient.view" in text and "patient.secret" not in text
