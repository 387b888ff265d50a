"""Studies, coding and themes through the services: team scoping, bad input, undo,
codebook edits that keep spans, withdrawal, and audited transcript reads."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from alongside.accounts.models import Role
from alongside.audit.models import AuditEvent
from alongside.core import NotFound
from alongside.evaluation import analysis, selectors, services
from alongside.evaluation.models import Code, CodedSpan, Group, TeamRole, Transcript
from tests.evaluation import factories
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    lead = world.people["analyst"]
    study = factories.study(world.home, lead)
    transcript = factories.transcript(study, lead)
    value, barrier = factories.codes(study, lead)
    return world, lead, study, transcript, value, barrier


def _analyst(world, email: str):
    return MembershipFactory(
        user=UserFactory(email=email), service=world.home, role=Role.ANALYST
    ).user


def test_only_the_study_team_sees_the_study(setup) -> None:
    world, lead, study, *_ = setup
    assert list(selectors.studies_visible_to(lead)) == [study]
    stranger = _analyst(world, "other-analyst@test.example")
    assert list(selectors.studies_visible_to(stranger)) == []
    for persona in ("admin", "therapist", "mentor", "patient", "outsider"):
        assert list(selectors.studies_visible_to(world.people[persona])) == []
    with pytest.raises(NotFound):
        selectors.study_for_or_404(stranger, study.slug)


def test_a_team_member_who_is_no_longer_an_analyst_loses_the_study(setup) -> None:
    world, lead, study, *_ = setup
    therapist = world.people["therapist"]
    from alongside.evaluation.models import TeamMember

    TeamMember.objects.create(study=study, user=therapist, role=TeamRole.CODER)
    assert list(selectors.studies_visible_to(therapist)) == []
    with pytest.raises(ValidationError):
        services.team_member_set(actor=lead, study=study, user=therapist, role=TeamRole.CODER)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(10, 10, "end"), (20, 5, "end"), (0, 10_000, "end")],
)
def test_a_span_must_lie_inside_the_text_and_end_after_it_starts(setup, start, end, field) -> None:
    _, lead, _, transcript, value, _ = setup
    with pytest.raises(ValidationError) as error:
        services.span_code(actor=lead, transcript=transcript, start=start, end=end, codes=[value])
    assert field in error.value.message_dict
    assert not CodedSpan.objects.exists() or CodedSpan.objects.count() == 0


def test_the_database_refuses_a_span_that_ends_before_it_starts(setup) -> None:
    _, lead, _, transcript, value, _ = setup
    with pytest.raises(IntegrityError), transaction.atomic():
        CodedSpan.objects.create(
            transcript=transcript,
            code=value,
            coder=lead,
            coder_guid=services.coder_guid(lead),
            coder_name="x",
            start=9,
            end=3,
        )


def test_a_code_from_another_study_is_refused(setup) -> None:
    world, lead, _, transcript, value, _ = setup
    other = factories.study(world.home, lead, slug="other-study")
    foreign = services.code_create(actor=lead, study=other, name="Elsewhere")
    with pytest.raises(ValidationError) as error:
        services.span_code(
            actor=lead, transcript=transcript, start=0, end=10, codes=[value, foreign]
        )
    assert "codes" in error.value.message_dict
    assert CodedSpan.objects.count() == 0


def test_several_codes_at_once_and_undo_takes_back_the_whole_action(setup) -> None:
    _, lead, _, transcript, value, barrier = setup
    made = services.span_code(
        actor=lead, transcript=transcript, start=0, end=20, codes=[value, barrier]
    )
    assert {s.code for s in made} == {value, barrier}
    services.span_remove(actor=lead, span=made[0])
    assert CodedSpan.objects.count() == 1
    services.coding_undo(actor=lead, transcript=transcript)  # puts the removed one back
    assert CodedSpan.objects.count() == 2
    services.coding_undo(actor=lead, transcript=transcript)  # takes back the two-code action
    assert CodedSpan.objects.count() == 0
    assert services.coding_undo(actor=lead, transcript=transcript) is None


def test_merge_split_and_move_keep_every_span(setup) -> None:
    _, lead, study, transcript, value, barrier = setup
    services.span_code(actor=lead, transcript=transcript, start=0, end=20, codes=[value])
    services.span_code(actor=lead, transcript=transcript, start=30, end=50, codes=[barrier])
    services.span_code(actor=lead, transcript=transcript, start=60, end=70, codes=[barrier])
    theme = services.theme_create(actor=lead, study=study, name="Value", codes=[value])
    merged = services.code_merge(actor=lead, source=value, into=barrier)
    assert CodedSpan.objects.filter(code=merged).count() == 3
    assert merged in theme.codes.all()
    assert not Code.objects.filter(pk=value.pk).exists()
    one = CodedSpan.objects.filter(code=merged, start=60).get()
    part = services.code_split(actor=lead, code=merged, name="Scheduling", span_ids=[one.pk])
    assert part.parent == merged
    assert list(CodedSpan.objects.filter(code=part)) == [one]
    with pytest.raises(ValidationError):
        services.code_move(actor=lead, code=merged, parent=part)  # under its own sub-code
    services.code_move(actor=lead, code=part, parent=None)
    part.refresh_from_db()
    assert part.parent is None
    assert CodedSpan.objects.count() == 3


def test_blinded_coders_see_only_their_own_spans_until_unblinded(setup) -> None:
    world, lead, study, transcript, value, _ = setup
    coder = _analyst(world, "coder@test.example")
    services.team_member_set(actor=lead, study=study, user=coder, role=TeamRole.CODER)
    services.assignment_create(actor=lead, transcript=transcript, coders=[lead, coder])
    services.span_code(actor=lead, transcript=transcript, start=0, end=20, codes=[value])
    services.span_code(actor=coder, transcript=transcript, start=5, end=25, codes=[value])
    assert selectors.visible_spans(coder, study).count() == 1
    assert selectors.visible_spans(lead, study).count() == 2
    with pytest.raises(NotFound):
        services.study_unblind(actor=coder, study=study)
    study = services.study_unblind(actor=lead, study=study)
    assert selectors.visible_spans(coder, study).count() == 2


def test_agreement_is_computed_per_code_and_overall(setup) -> None:
    world, lead, study, transcript, value, barrier = setup
    coder = _analyst(world, "coder2@test.example")
    services.team_member_set(actor=lead, study=study, user=coder, role=TeamRole.CODER)
    # Both code the first answer as shared experience; only the lead codes the barrier.
    services.span_code(actor=lead, transcript=transcript, start=56, end=90, codes=[value])
    services.span_code(actor=coder, transcript=transcript, start=56, end=90, codes=[value])
    services.span_code(actor=lead, transcript=transcript, start=170, end=200, codes=[barrier])
    result = analysis.study_agreement(lead, study, "sentence")
    rows = {row["name"]: row for row in result["rows"]}
    assert rows["Shared experience"]["percent"] == 100.0
    assert rows["Practical barriers"]["percent"] < 100.0
    assert rows["All codes"]["overall"]
    side = analysis.side_by_side(transcript)
    assert any(not row["agree"] for row in side["rows"])


def test_withdrawn_participants_leave_analysis_but_are_not_deleted(setup) -> None:
    _, lead, study, transcript, value, _ = setup
    services.span_code(actor=lead, transcript=transcript, start=56, end=90, codes=[value])
    services.theme_create(actor=lead, study=study, name="Value", codes=[value])
    participant = transcript.interview.participant
    services.participant_withdraw(actor=lead, participant=participant, reason="Asked to stop")
    assert Transcript.objects.filter(pk=transcript.pk).exists()
    assert selectors.theme_tree(lead, study)[0].codes[0][1] == []
    assert analysis.frequency_by_group(lead, study)["rows"] == []
    counts = {
        label: (active, withdrawn) for label, active, withdrawn in selectors.group_counts(study)
    }
    assert counts["Patient"] == (0, 1)
    with pytest.raises(ValidationError):
        services.span_code(actor=lead, transcript=transcript, start=0, end=5, codes=[value])


def test_counts_by_group_come_from_the_records(setup) -> None:
    _, lead, study, *_ = setup
    for n in range(4):
        services.participant_add(actor=lead, study=study, label=f"PM-{n}", group=Group.PEER_MENTOR)
    counts = {label: active for label, active, _ in selectors.group_counts(study)}
    assert counts == {"Peer mentor": 4, "Therapist": 0, "Patient": 1, "Other": 0}


def test_every_transcript_read_is_audited(setup, client) -> None:
    from tests.personas import sign_in

    world, lead, study, transcript, *_ = setup
    sign_in(client, lead)
    response = client.get(f"/evaluation/{study.slug}/transcripts/{transcript.pk}/")
    assert response.status_code == 200
    read = AuditEvent.objects.filter(action="read", actor_id=lead.pk).latest("pk")
    assert f"evaluation.transcript:{transcript.pk}" in read.object_ids
    assert selectors.READ in read.fields


def test_an_unknown_encoding_is_refused_with_a_message(setup) -> None:
    _, lead, _, transcript, *_ = setup
    with pytest.raises(ValidationError) as error:
        services.transcript_import(
            actor=lead,
            interview=transcript.interview,
            name="Broken",
            filename="broken.txt",
            # Windows-1252, which cannot be told from Latin-1 or others without guessing.
            data="Interviewer: Café, naïve, “quotes”".encode("cp1252"),
        )
    assert "UTF-8" in error.value.message_dict["file"][0]
    assert Transcript.objects.count() == 1


def test_a_vtt_file_keeps_its_speaker_turns(setup) -> None:
    _, lead, _, transcript, *_ = setup
    vtt = (
        b"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Interviewer>How was it?\n\n"
        b"00:00:05.000 --> 00:00:09.000\n<v Sam>It helped a lot.\n"
    )
    made = services.transcript_import(
        actor=lead, interview=transcript.interview, name="Call", filename="call.vtt", data=vtt
    )
    assert [t["speaker"] for t in made.turns] == ["Interviewer", "Sam"]
    first = made.turns[1]
    assert "It helped a lot." in made.text[first["start"] : first["end"]]


def test_deidentification_replaces_before_coding_only(setup) -> None:
    _, lead, _, transcript, value, _ = setup
    at = transcript.text.index("hospital")
    done = services.transcript_deidentify(
        actor=lead, transcript=transcript, replacements=[(at, at + 8, "[place]")]
    )
    assert "[place]" in done.text and "hospital" not in done.text
    services.span_code(actor=lead, transcript=done, start=0, end=5, codes=[value])
    with pytest.raises(ValidationError):
        services.transcript_deidentify(actor=lead, transcript=done, replacements=[(0, 3, "[x]")])


def test_an_assigned_coder_who_coded_nothing_disagrees_rather_than_is_missing(setup) -> None:
    world, lead, study, transcript, value, _ = setup
    coder = _analyst(world, "silent@test.example")
    services.team_member_set(actor=lead, study=study, user=coder, role=TeamRole.CODER)
    services.span_code(actor=lead, transcript=transcript, start=56, end=90, codes=[value])
    assert analysis.study_agreement(lead, study, "sentence")["transcripts"] == 0
    services.assignment_create(actor=lead, transcript=transcript, coders=[lead, coder])
    result = analysis.study_agreement(lead, study, "sentence")
    assert result["transcripts"] == 1
    assert result["rows"][0]["percent"] < 100


# Suggestions ---------------------------------------------------------------------------


def _suggestion_setup(setup):
    world, lead, study, transcript, value, barrier = setup
    # transcript: "...He had been through it. He knew what going back to work was like..."
    # and "...Finding a time to meet was hard, with the hospital schedule."
    services.span_code(actor=lead, transcript=transcript, start=56, end=121, codes=[value])
    services.span_code(actor=lead, transcript=transcript, start=167, end=227, codes=[barrier])
    other = factories.transcript(
        study,
        lead,
        label="PT-02",
        text="Participant: Getting a time to meet at the hospital was hard for me too.\n",
    )
    return world, lead, study, other, value, barrier


def test_suggestions_are_off_by_default_and_the_lead_switches_them_on(setup) -> None:
    world, lead, study, other, value, barrier = _suggestion_setup(setup)
    assert study.suggestions_enabled is False
    assert selectors.code_suggestions(lead, study, other, 13, len(other.text) - 1) == []
    coder = _analyst(world, "coder-s@test.example")
    services.team_member_set(actor=lead, study=study, user=coder, role=TeamRole.CODER)
    with pytest.raises(NotFound):
        services.study_suggestions_set(actor=coder, study=study, enabled=True)
    study = services.study_suggestions_set(actor=lead, study=study, enabled=True)
    assert AuditEvent.objects.filter(action="evaluation.study_suggestions_set").count() == 1
    found = selectors.code_suggestions(lead, study, other, 13, len(other.text) - 1)
    assert found[0].code == barrier
    assert "hospital schedule" in found[0].excerpt.text
    # Suggestions are advice: nothing was coded in the new transcript.
    assert not CodedSpan.objects.filter(transcript=other).exists()


def test_blinded_coder_gets_suggestions_only_from_their_own_spans(setup) -> None:
    world, lead, study, other, value, barrier = _suggestion_setup(setup)
    study = services.study_suggestions_set(actor=lead, study=study, enabled=True)
    coder = _analyst(world, "coder-b@test.example")
    services.team_member_set(actor=lead, study=study, user=coder, role=TeamRole.CODER)
    end = len(other.text) - 1
    assert selectors.code_suggestions(coder, study, other, 13, end) == []
    transcript = setup[3]
    services.span_code(actor=coder, transcript=transcript, start=167, end=227, codes=[value])
    found = selectors.code_suggestions(coder, study, other, 13, end)
    assert [s.code for s in found] == [value]  # the coder's own code, not the lead's
    assert found[0].excerpt.span.coder == coder
    services.study_unblind(actor=lead, study=study)
    study.refresh_from_db()
    assert {s.code for s in selectors.code_suggestions(coder, study, other, 13, end)} >= {
        value,
        barrier,
    }


def test_suggestion_excerpts_are_audited_reads(setup, client) -> None:
    from tests.personas import sign_in

    world, lead, study, other, value, barrier = _suggestion_setup(setup)
    source = setup[3]
    services.study_suggestions_set(actor=lead, study=study, enabled=True)
    sign_in(client, lead)
    response = client.get(
        f"/evaluation/{study.slug}/transcripts/{other.pk}/suggest/",
        {"start": 13, "end": len(other.text) - 1},
    )
    assert "hospital schedule" in response.content.decode()
    read = AuditEvent.objects.filter(action="read", actor_id=lead.pk).latest("pk")
    assert f"evaluation.transcript:{source.pk}" in read.object_ids
    assert selectors.READ in read.fields
