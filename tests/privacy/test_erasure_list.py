"""The erasures waiting for a decision are paged like every other list, never cut short."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alongside.audit.models import AuditEvent
from alongside.privacy.models import Erasure, ErasureGround

pytestmark = pytest.mark.django_db

FIRST_ID = 900_000


def test_the_waiting_list_is_paged_and_every_erasure_is_on_a_page(world) -> None:
    Erasure.objects.bulk_create(
        Erasure(
            service=world.home,
            subject_type="patient",
            subject_id=FIRST_ID + i,
            subject_label=f"Person {i:03d}",
            ground=ErasureGround.REQUEST,
            reason="asked",
        )
        for i in range(60)
    )
    client = world.client_for("admin")
    url = reverse("privacy:erasures")
    first = client.get(url).content.decode()
    assert "Showing 1 to 50 of 60" in first and 'rel="next"' in first
    second = client.get(url, {"page": "2"}).content.decode()
    assert "Showing 51 to 60 of 60" in second and 'rel="prev"' in second
    labels = [f"Person {i:03d}" for i in range(60)]
    on_first = {label for label in labels if label in first}
    on_second = {label for label in labels if label in second}
    assert len(on_first) == 50 and len(on_second) == 10
    assert on_first | on_second == set(labels)
    # The read event of page 2 names the ten people shown there, and no one else.
    event = AuditEvent.objects.filter(action="read").latest("pk")
    named = sorted(i for i in event.object_ids if i.startswith("patients.patient:"))
    shown = sorted(f"patients.patient:{FIRST_ID + i}" for i in range(60) if labels[i] in second)
    assert named == shown
