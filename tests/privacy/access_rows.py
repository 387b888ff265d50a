"""Access matrix rows for the privacy pages: only the service's managers see them."""

from __future__ import annotations

from typing import Any

from alongside.privacy.models import Erasure, ErasureGround
from tests.access import LOGIN, Row, expect
from tests.matches.factories import waiting_patient
from tests.personas import World

MANAGER_ONLY = expect(404, anonymous=LOGIN, admin=200)


def _erasure(world: World) -> Erasure:
    if "privacy_erasure" not in world.objects:
        patient = waiting_patient(world.home, given_name="Rhea", family_name="Retention")
        world.objects["privacy_erasure"] = Erasure.objects.create(
            service=world.home,
            subject_type="patient",
            subject_id=patient.pk,
            subject_label="Rhea Retention",
            ground=ErasureGround.REQUEST,
            reason="asked by letter",
        )
    return world.objects["privacy_erasure"]


def eid(world: World) -> dict[str, Any]:
    return {"erasure_id": _erasure(world).pk}


ROWS = {
    "privacy:erasures": Row(MANAGER_ONLY),
    "privacy:erasure_request": Row(MANAGER_ONLY),
    "privacy:erasure": Row(MANAGER_ONLY, kwargs=eid),
}

ROWS["privacy:subject_access"] = Row(MANAGER_ONLY)
ROWS["privacy:access_review"] = Row(MANAGER_ONLY)
ROWS["privacy:retention"] = Row(MANAGER_ONLY, kwargs=lambda world: {"slug": world.home.slug})
