"""FHIR R4 export: every bundle validates with fhir.resources R4B, codes carry systems."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

import pytest
from django.core.management import call_command
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from alongside.patients.models import Patient
from alongside.reports import fhir
from tests.patients.factories import PatientFactory
from tests.personas import World

pytestmark = pytest.mark.django_db


def _parsed(text: str) -> Bundle:
    return Bundle.model_validate_json(text)  # raises on any invalid element


def test_every_demo_patient_exports_a_valid_bundle() -> None:
    from alongside.demo.builder import demo_load

    demo_load(log=lambda line: None)
    patients = list(fhir.patients_for_fhir(Patient.objects.order_by("pk")))
    assert len(patients) > 50
    kinds: set[str] = set()
    for patient in patients:
        bundle = _parsed(fhir.bundle_json(fhir.bundle_for([patient])))
        found = {entry.resource.get_resource_type() for entry in bundle.entry}
        assert {"Patient", "Organization", "EpisodeOfCare"} <= found
        kinds |= found
        urls = {entry.fullUrl for entry in bundle.entry}
        references = _references(bundle.model_dump_json())
        assert references and set(references) <= urls  # every reference resolves in the bundle
    assert {
        "Condition",
        "Observation",
        "CareTeam",
        "Practitioner",
        "PractitionerRole",
        "Goal",
        "Encounter",
        "QuestionnaireResponse",
        "Consent",
    } <= kinds


def _references(text: str) -> list[str]:
    found: list[str] = []

    def note(node: dict) -> dict:
        if set(node) == {"reference"}:
            found.append(node["reference"])
        return node

    json.loads(text, object_hook=note)
    return found


def test_codes_carry_their_systems(world: World) -> None:
    patient = PatientFactory(
        service=world.home, icd10_codes=["S14.1"], occupation_code="3411", hours_per_week=38
    )
    bundle = json.loads(
        fhir.bundle_json(
            fhir.bundle_for(fhir.patients_for_fhir(Patient.objects.filter(pk=patient.pk)))
        )
    )
    resources = [e["resource"] for e in bundle["entry"]]
    condition = next(r for r in resources if r["resourceType"] == "Condition")
    assert condition["code"]["coding"][0] == {
        "system": "http://hl7.org/fhir/sid/icd-10",
        "code": "S14.1",
        "display": "Other and unspecified injuries of cervical spinal cord",
    }
    occupation = next(
        r
        for r in resources
        if r["resourceType"] == "Observation"
        and r["code"].get("coding", [{}])[0].get("code") == "11341-5"
    )
    assert occupation["valueCodeableConcept"]["coding"][0]["code"] == "3411"
    system = fhir.OCCUPATION_SYSTEMS[world.home.occupation_classification]
    assert occupation["valueCodeableConcept"]["coding"][0]["system"] == system
    assert fhir.OCCUPATION_SYSTEMS["isco08"].startswith("http://www.ilo.org/")


def test_a_patient_with_only_a_referral_gives_a_small_valid_bundle(world: World) -> None:
    patient = PatientFactory(
        service=world.home,
        icd10_codes=[],
        injury_category="",
        occupation_code="",
        employment_type="",
        gender="",
        hospital_number="",
        phone="",
        email="",
    )
    text = fhir.bundle_json(
        fhir.bundle_for(fhir.patients_for_fhir(Patient.objects.filter(pk=patient.pk)))
    )
    bundle = _parsed(text)
    kinds = sorted(e.resource.get_resource_type() for e in bundle.entry)
    assert kinds == ["EpisodeOfCare", "Organization", "Patient"]
    raw = json.loads(text)
    patient_json = next(
        e["resource"] for e in raw["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    assert not {"gender", "identifier", "telecom"} & set(patient_json)
    assert '""' not in text and "[]" not in text  # nothing empty is ever sent


def test_the_endpoint_returns_the_bundle_to_the_clinical_team_only(world: World) -> None:
    patient = PatientFactory(service=world.home)
    url = reverse("api:fhir_patient_everything", kwargs={"patient_id": patient.pk})
    for persona, status in (("therapist", 200), ("analyst", 404), ("outsider", 404)):
        token = world.token_for(persona)
        headers = {"Authorization": f"Bearer {token}"}
        response = world.client_for("anonymous").get(url, headers=headers)
        assert response.status_code == status, persona
    token = world.token_for("admin")
    headers = {"Authorization": f"Bearer {token}"}
    response = world.client_for("anonymous").get(url, headers=headers)
    assert response["Content-Type"].startswith("application/fhir+json")
    assert _parsed(response.content.decode()).type == "collection"


def test_the_command_writes_one_or_every_patient(world: World, tmp_path) -> None:
    first = PatientFactory(service=world.home)
    PatientFactory(service=world.other)
    out = tmp_path / "all.json"
    call_command("export_fhir", str(out))
    everyone = _parsed(out.read_text())
    assert sum(e.resource.get_resource_type() == "Patient" for e in everyone.entry) == 2
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        call_command("export_fhir", "-", "--patient", str(first.pk))
    one = _parsed(buffer.getvalue())
    assert sum(e.resource.get_resource_type() == "Patient" for e in one.entry) == 1


def test_the_command_refuses_an_unknown_patient(world: World, tmp_path) -> None:
    from alongside.config.cli import main

    assert main(["export", "fhir", str(tmp_path / "x.json"), "--patient", "999999"]) == 1
    assert not (tmp_path / "x.json").exists()
