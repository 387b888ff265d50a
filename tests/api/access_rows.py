from typing import Any

from tests.access import Row, expect
from tests.outcomes.access_rows import pid, response_id
from tests.personas import World

# The clinical team of the patient's service; a mentor, the patient, an analyst and the
# outsider get 404 (answers are clinical records).
API_CLINICAL = expect(404, anonymous=401, admin=200, therapist=200)


def _schedule_body(world: World) -> dict[str, Any]:
    """Unschedule the 6-month PHQ-9 (fresh world per persona), so it can be scheduled."""
    from alongside.outcomes.models import QuestionnaireDue, TimePoint

    patient_id = pid(world)["patient_id"]
    time_point = TimePoint.objects.get(service=world.home, label="6 months")
    QuestionnaireDue.objects.filter(
        patient_id=patient_id, time_point=time_point, instrument_id="phq9"
    ).delete()
    return {"instrument_id": "phq9", "time_point_id": time_point.pk}


ROWS = {
    "api:api-root": Row(expect(404), api=True),  # /api/v1/ itself lists nothing
    "api:openapi-json": Row(expect(200), api=True),
    "api:openapi-view": Row(expect(200), api=True),
    "api:me": Row(expect(200, anonymous=401), api=True),
    "api:services": Row(expect(200, anonymous=401), api=True),
    "api:service_detail": Row(
        expect(200, anonymous=401, outsider=404),
        kwargs=lambda world: {"slug": world.home.slug},
        api=True,
    ),
    "api:questionnaire_time_points": Row(
        API_CLINICAL, kwargs=lambda world: {"slug": world.home.slug}, api=True
    ),
    "api:questionnaire_dues": Row(API_CLINICAL, kwargs=pid, api=True),
    "api:questionnaire_responses": Row(API_CLINICAL, kwargs=pid, api=True),
    "api:questionnaire_response": Row(API_CLINICAL, kwargs=response_id, api=True),
    "api:questionnaire_schedule": Row(
        expect(404, anonymous=401, admin=201, therapist=201),
        kwargs=pid,
        method="post",
        data=_schedule_body,
        json=True,
        api=True,
        fresh_world=True,
    ),
}
