"""The evaluation pages: the no-script coding form, bad input shown on the form with
nothing written, uploads, exports, and every page of the demo study renders for its lead."""

from __future__ import annotations

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from alongside.evaluation import services
from alongside.evaluation.models import CodedSpan, Study, Transcript
from tests.evaluation import factories
from tests.personas import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_client(world, client):
    lead = world.people["analyst"]
    study = factories.study(world.home, lead)
    transcript = factories.transcript(study, lead)
    value, barrier = factories.codes(study, lead)
    sign_in(client, lead)
    return client, lead, study, transcript, value, barrier


def _url(study, *parts) -> str:
    return "/evaluation/" + "/".join([study.slug, *map(str, parts)]) + "/"


def test_coding_without_script_by_offsets(lead_client) -> None:
    client, _, study, transcript, value, barrier = lead_client
    url = _url(study, "transcripts", transcript.pk)
    response = client.post(url, {"start": 56, "end": 76, "codes": [value.pk, barrier.pk]})
    assert response.status_code == 302
    assert CodedSpan.objects.count() == 2
    page = client.get(url).content.decode()
    assert "coding.js" in page and "<script>" not in page
    assert 'data-start="56"' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start": 30, "end": 30}, "must end after it starts"),
        ({"start": 0, "end": 99999}, "within the transcript"),
        ({"start": 0, "end": 10, "codes": []}, "Choose at least one code"),
    ],
)
def test_bad_spans_are_shown_on_the_form(lead_client, data, message) -> None:
    client, _, study, transcript, value, _ = lead_client
    data = {"codes": [value.pk], **data}
    response = client.post(_url(study, "transcripts", transcript.pk), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert CodedSpan.objects.count() == 0


def test_a_code_of_another_study_cannot_be_posted(lead_client, world) -> None:
    client, lead, study, transcript, _, _ = lead_client
    other = factories.study(world.home, lead, slug="other")
    foreign = services.code_create(actor=lead, study=other, name="Elsewhere")
    response = client.post(
        _url(study, "transcripts", transcript.pk), {"start": 0, "end": 9, "codes": [foreign.pk]}
    )
    assert "this study&#x27;s codebook" in response.content.decode()
    assert CodedSpan.objects.count() == 0


def test_upload_in_an_unknown_encoding_is_refused(lead_client) -> None:
    client, _, study, transcript, _, _ = lead_client
    upload = SimpleUploadedFile("old.txt", "Interviewer: café".encode("cp1252"))
    response = client.post(
        _url(study, "transcripts", "import"),
        {"interview": transcript.interview_id, "file": upload},
    )
    assert response.status_code == 200
    assert "UTF-8" in response.content.decode()
    assert Transcript.objects.count() == 1


def test_docx_upload_then_deidentify(lead_client) -> None:
    client, _, study, transcript, _, _ = lead_client
    document = Document()
    document.add_paragraph("Interviewer: Where did you meet?")
    document.add_paragraph("Participant: At the hospital in Geelong on 3 March 2026.")
    buffer = io.BytesIO()
    document.save(buffer)
    upload = SimpleUploadedFile("talk.docx", buffer.getvalue())
    response = client.post(
        _url(study, "transcripts", "import"),
        {"interview": transcript.interview_id, "file": upload, "name": "Word"},
    )
    assert response.status_code == 302
    made = Transcript.objects.get(name="Word")
    review = client.get(_url(study, "transcripts", made.pk, "deidentify"))
    assert 'mark class="candidate"' in review.content.decode()
    response = client.post(
        _url(study, "transcripts", made.pk, "deidentify"),
        {"replace_0": "1", "placeholder_0": "[place]", "replace_1": "1", "placeholder_1": "[date]"},
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.deidentified and "3 March 2026" not in made.text


def test_a_bad_qdpx_upload_says_why_and_imports_nothing(lead_client) -> None:
    client, *_ = lead_client
    before = Study.objects.count()
    response = client.post(
        "/evaluation/import/", {"file": SimpleUploadedFile("x.qdpx", b"not a zip")}
    )
    assert response.status_code == 200
    assert "This is not a project Alongside can import" in response.content.decode()
    assert Study.objects.count() == before


def test_themes_export_as_markdown_and_word(lead_client) -> None:
    client, lead, study, transcript, value, _ = lead_client
    services.span_code(actor=lead, transcript=transcript, start=56, end=90, codes=[value])
    services.theme_create(actor=lead, study=study, name="Value of peers", codes=[value])
    markdown = client.get(f"/evaluation/{study.slug}/themes.md").content.decode()
    excerpt = " ".join(transcript.text[56:90].split())
    assert "## Value of peers" in markdown and excerpt in markdown and "(Patient)" in markdown
    word = client.get(f"/evaluation/{study.slug}/themes.docx")
    paragraphs = [p.text for p in Document(io.BytesIO(word.content)).paragraphs]
    assert "Value of peers" in paragraphs and any(excerpt in p for p in paragraphs)


def test_every_page_of_the_demo_study_renders_for_its_lead(client) -> None:
    from alongside.demo.builder import ACCOUNTS, SERVICES, DemoContext, _account, _service
    from alongside.evaluation.demo import SLUG, load

    services_ = {spec["slug"]: _service(spec) for spec in SERVICES}
    users = {email: _account(email, name, grants, services_) for email, name, grants in ACCOUNTS}
    load(DemoContext(services=services_, users=users, rng=random.Random(1), log=lambda _: None))
    sign_in(client, users["analyst@demo.example"])
    study = Study.objects.get(slug=SLUG)
    transcript = study.transcripts.first()
    code = study.codes.first()
    for path in [
        "",
        "participants/",
        "interviews/",
        "codes/",
        f"codes/{code.pk}/",
        "themes/",
        "memos/",
        "search/?q=mentor",
        "agreement/?unit=turn",
        "agreement/?unit=character",
        "cooccurrence/",
        "cooccurrence.svg",
        f"transcripts/{transcript.pk}/",
        f"transcripts/{transcript.pk}/disagreements/",
    ]:
        response = client.get(f"/evaluation/{SLUG}/{path}")
        assert response.status_code == 200, path
    assert "Krippendorff" in client.get(f"/evaluation/{SLUG}/agreement/").content.decode()
    response = client.get(reverse("accounts:home"))
    home = response.content.decode()
    assert "/evaluation/" in home and "Peer mentoring in vocational rehabilitation" in home


def test_suggestions_on_the_coding_page_only_when_switched_on(lead_client) -> None:
    client, lead, study, transcript, value, barrier = lead_client
    services.span_code(actor=lead, transcript=transcript, start=167, end=227, codes=[barrier])
    other = factories.transcript(
        study, lead, label="PT-02", text="Participant: A time to meet at the hospital was hard.\n"
    )
    page = _url(study, "transcripts", other.pk)
    assert "Suggest codes" not in client.get(page).content.decode()
    off = client.get(_url(study, "transcripts", other.pk, "suggest"), {"start": 13, "end": 52})
    assert "suggestions are off" in off.content.decode()
    response = client.post(_url(study), {"action": "suggestions", "enabled": "1"})
    assert response.status_code == 302
    body = client.get(page).content.decode()
    assert "Suggest codes" in body and 'hx-get="' in body
    fragment = client.get(
        _url(study, "transcripts", other.pk, "suggest"), {"start": 13, "end": 52}
    ).content.decode()
    assert "Practical barriers" in fragment and "hospital schedule" in fragment
    assert "<script" not in fragment
    assert not CodedSpan.objects.filter(transcript=other).exists()


def test_the_lead_edits_a_participant_and_links_a_patient_record(lead_client, world) -> None:
    from alongside.audit.models import AuditEvent
    from tests.patients.factories import PatientFactory

    client, lead, study, transcript, *_ = lead_client
    participant = transcript.interview.participant
    patient = PatientFactory(
        service=world.home, hospital_number="H-4242", given_name="Zebedee", family_name="Quill"
    )
    url = _url(study, "participants", participant.pk, "edit")
    bad = client.post(url, {"label": "PT-09", "group": "patient", "hospital_number": "nope"})
    assert bad.status_code == 200 and "hospital number" in bad.content.decode()
    participant.refresh_from_db()
    assert participant.label == "PT-01" and participant.patient_id is None  # nothing written
    response = client.post(url, {"label": "PT-09", "group": "patient", "hospital_number": "H-4242"})
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.label == "PT-09" and participant.patient_id == patient.pk
    assert AuditEvent.objects.filter(action="evaluation.participant_update").exists()
    page = client.get(_url(study, "participants")).content.decode()
    assert "PT-09" in page and "linked to a service record" in page
    assert "Zebedee" not in page and "Quill" not in page and "H-4242" not in page


def test_the_lead_edits_an_interview_and_a_coder_cannot(lead_client, world) -> None:
    from alongside.evaluation.models import TeamRole
    from tests.evaluation.test_services import _analyst

    client, lead, study, transcript, *_ = lead_client
    interview = transcript.interview
    url = _url(study, "interviews", interview.pk, "edit")
    bad = client.post(url, {"duration_minutes": "0"})
    assert bad.status_code == 200 and "error-summary" in bad.content.decode()
    response = client.post(
        url, {"held_on": "2026-03-04", "interviewer": "R. Smith", "mode": "phone"}
    )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert (interview.interviewer, interview.mode) == ("R. Smith", "phone")
    coder = _analyst(world, "coder-edit@test.example")
    services.team_member_set(actor=lead, study=study, user=coder, role=TeamRole.CODER)
    sign_in(client, coder)
    assert client.get(url).status_code == 404
    assert client.post(url, {"interviewer": "X"}).status_code == 404


def test_the_lead_links_a_peer_mentor_record_by_e_mail_and_can_remove_the_link(
    lead_client, world
) -> None:
    from tests.mentors.factories import MentorFactory

    client, lead, study, transcript, *_ = lead_client
    participant = transcript.interview.participant
    mentor = MentorFactory(
        service=world.home, email="mina.mentor@test.example", first_name="Mina", last_name="Moss"
    )
    MentorFactory(service=world.other, email="elsewhere@test.example")
    url = _url(study, "participants", participant.pk, "edit")

    # A mentor record fits only the peer mentor group, and only in the study's services.
    wrong_group = client.post(
        url, {"label": "PT-01", "group": "patient", "mentor_email": mentor.email}
    )
    assert "Only a participant in the peer mentor group" in wrong_group.content.decode()
    elsewhere = client.post(
        url, {"label": "PM-07", "group": "peer_mentor", "mentor_email": "elsewhere@test.example"}
    )
    assert "No single peer mentor in this study" in elsewhere.content.decode()
    both = client.post(
        url,
        {
            "label": "PM-07",
            "group": "peer_mentor",
            "mentor_email": mentor.email,
            "hospital_number": "H-1",
        },
    )
    assert "not both" in both.content.decode()
    participant.refresh_from_db()
    assert participant.mentor_id is None and participant.label == "PT-01"  # nothing written

    linked = client.post(
        url, {"label": "PM-07", "group": "peer_mentor", "mentor_email": "MINA.mentor@test.example"}
    )
    assert linked.status_code == 302
    participant.refresh_from_db()
    assert participant.mentor_id == mentor.pk and participant.patient_id is None
    page = client.get(_url(study, "participants")).content.decode()
    assert "PM-07" in page and "linked to a service record" in page
    assert "Mina" not in page and "Moss" not in page and mentor.email not in page

    # The group cannot drift away from the record it is linked to.
    drift = client.post(url, {"label": "PM-07", "group": "patient"})
    assert "linked to a record of another group" in drift.content.decode()

    unlinked = client.post(url, {"label": "PM-07", "group": "peer_mentor", "unlink": "on"})
    assert unlinked.status_code == 302
    participant.refresh_from_db()
    assert participant.mentor_id is None and participant.patient_id is None


def test_one_service_record_is_one_participant_of_a_study(lead_client, world) -> None:
    from alongside.evaluation import services
    from tests.patients.factories import PatientFactory

    client, lead, study, transcript, *_ = lead_client
    first = transcript.interview.participant
    PatientFactory(service=world.home, hospital_number="H-5151")
    services.participant_update(
        actor=lead, participant=first, label=first.label, group="patient", hospital_number="H-5151"
    )
    second = services.participant_add(actor=lead, study=study, label="PT-77", group="patient")
    response = client.post(
        _url(study, "participants", second.pk, "edit"),
        {"label": "PT-77", "group": "patient", "hospital_number": "H-5151"},
    )
    assert f"already linked to participant {first.label}" in response.content.decode()
    second.refresh_from_db()
    assert second.patient_id is None
