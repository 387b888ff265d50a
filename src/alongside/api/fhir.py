"""FHIR R4: a patient's whole record as one Bundle (``Patient/{id}/$everything``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from alongside.reports import fhir, selectors

router = Router(tags=["fhir"])


@router.get(
    "/Patient/{int:patient_id}/$everything",
    url_name="fhir_patient_everything",
    summary="A patient's record as an HL7 FHIR R4 Bundle (clinical team)",
    response={200: dict},
    openapi_extra={
        "responses": {200: {"content": {"application/fhir+json": {"schema": {"type": "object"}}}}}
    },
)
def patient_everything(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = selectors.fhir_patient_or_404(request.user, patient_id)
    return HttpResponse(
        fhir.bundle_json(fhir.bundle_for([patient])),
        content_type="application/fhir+json; charset=utf-8",
    )
