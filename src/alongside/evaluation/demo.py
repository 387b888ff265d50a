"""Demo evaluation study (a step of `alongside demo`): a service evaluation modelled on
the source paper's own — interviews with 4 peer mentors, 3 vocational therapists and
13 patients — with short synthetic transcripts written for the demo (no real people,
names already replaced by placeholders), a codebook under three themes, and two
analysts' blinded coding of the same three transcripts, still blinded, so the lead
sees agreement and each coder sees only their own work.

Idempotent: nothing is done when the study exists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from alongside.accounts.models import Role, User
from alongside.accounts.services import membership_grant, user_create
from alongside.evaluation import services
from alongside.evaluation.models import Group, InterviewMode, Study, TeamRole

SLUG = "demo-peer-mentoring"
SECOND_CODER = ("coder@demo.example", "Cass Coder")

GUIDES = {
    Group.PEER_MENTOR: [
        ("What made you want to mentor?", ["Your own recovery", "What you hoped to offer"]),
        ("Tell me about a mentoring relationship that went well.", ["What helped?"]),
        ("What was hard about the role?", ["Boundaries", "Your own well-being"]),
    ],
    Group.THERAPIST: [
        ("How did peer mentoring fit with your vocational work?", ["Referral", "Timing"]),
        ("How did you support the mentors?", ["Supervision", "Debriefs"]),
        ("What would you change?", []),
    ],
    Group.PATIENT: [
        ("How did you first meet your mentor?", ["When", "Where"]),
        ("What did the mentor bring that others did not?", ["Examples"]),
        ("Was anything difficult about having a mentor?", []),
    ],
}

TRANSCRIPTS: dict[str, str] = {
    "PT-01": (
        "Interviewer: How did you first meet your mentor?\n"
        "Participant: He came to the ward about three weeks after my accident. I was still "
        "in a wheelchair most of the day and I didn't want visitors.\n"
        "Interviewer: What changed your mind?\n"
        "Participant: He told me he'd had the same injury and that he was back driving a "
        "forklift eight months later. Nobody else could say that to me. The doctors talk "
        "about percentages, he just said this is what my Tuesday looks like now.\n"
        "Interviewer: What did the mentor bring that others did not?\n"
        "Participant: Honest stuff about work. He said tell your boss early, don't wait until "
        "you're ready, because you'll never feel ready. And he said ask for shorter shifts "
        "first.\n"
        "Interviewer: Was anything difficult about having a mentor?\n"
        "Participant: Finding times. I had physio every morning and he worked, so we mostly "
        "talked on the phone in the evening. Sometimes I was too tired to talk.\n"
    ),
    "PT-02": (
        "Interviewer: How did you first meet your mentor?\n"
        "Participant: The therapist set it up before I left hospital. She said she'd found "
        "someone who'd worked in building like me, which mattered.\n"
        "Interviewer: Why did that matter?\n"
        "Participant: Because he knew the site culture. He knew you can't just tell a foreman "
        "you need a rest every hour. He helped me work out what to say.\n"
        "Interviewer: Was anything difficult?\n"
        "Participant: At first I thought he was checking up on me for the therapist. Once he "
        "explained he wasn't staff it was easier to be honest about how low I was.\n"
        "Interviewer: Anything else?\n"
        "Participant: Seeing him walk in, back at work, that gave me hope. It sounds simple "
        "but I hadn't had any for weeks.\n"
    ),
    "PM-01": (
        "Interviewer: What made you want to mentor?\n"
        "Participant: When I was injured nobody had been through it that I could talk to. I "
        "wanted to be the person I needed then.\n"
        "Interviewer: Tell me about a mentoring relationship that went well.\n"
        "Participant: A young man, same kind of injury, also a tradie. We met early, in the "
        "second week, and I think that was the key. He hadn't decided yet that work was over "
        "for him.\n"
        "Interviewer: What was hard about the role?\n"
        "Participant: Some stories brought my own accident back. After one visit I couldn't "
        "sleep. The debrief with the therapist helped, I didn't have to carry it alone.\n"
        "Interviewer: Anything about boundaries?\n"
        "Participant: People want you to fix things with their employer or their insurer. "
        "I had to learn to say that's for your therapist, I'm here for the rest.\n"
    ),
    "PM-02": (
        "Interviewer: What made you want to mentor?\n"
        "Participant: Giving something back. The programme helped me go back to my job at "
        "the council.\n"
        "Interviewer: What was hard?\n"
        "Participant: Timing. I work full time, so I could only do evenings and weekends, and "
        "the hospital doesn't really work at weekends.\n"
        "Interviewer: And what helped?\n"
        "Participant: Being matched with someone who'd done office work like me. We could "
        "talk about screens and fatigue and meetings, real details.\n"
    ),
    "VT-01": (
        "Interviewer: How did peer mentoring fit with your vocational work?\n"
        "Participant: It filled a gap. I can plan a return to work, but I can't say I've "
        "done it. Patients listened to the mentor in a different way.\n"
        "Interviewer: How did you support the mentors?\n"
        "Participant: Monthly supervision, and a debrief whenever a visit was hard. Two of "
        "them needed more than I expected, emotionally.\n"
        "Interviewer: What would you change?\n"
        "Participant: Start earlier. The ones who met a mentor in the first month did "
        "better, in my impression. And be clearer with mentors about what is not their job.\n"
    ),
    "PT-03": (
        "Interviewer: How did you first meet your mentor?\n"
        "Participant: Over video, I was home by then. It was a bit late honestly, I'd already "
        "decided I wasn't going back.\n"
        "Interviewer: What did the mentor bring?\n"
        "Participant: She changed my mind a bit. She'd had a brain injury too and she talked "
        "about memory problems at work, using lists and phone alarms. Practical things.\n"
        "Interviewer: Was anything difficult?\n"
        "Participant: Only that she lived far away so we never met in person.\n"
    ),
}

CODEBOOK = [
    (
        "The value of peer input",
        "What mentors' own experience gave patients that staff could not.",
        [
            (
                "Lived experience",
                "The mentor has been through the same injury or recovery.",
                "#1d70b8",
            ),
            (
                "Hope for returning to work",
                "Seeing or hearing that return to work is possible.",
                "#00703c",
            ),
            (
                "Practical advice about work",
                "Concrete tips on employers, shifts, adjustments.",
                "#4c2c92",
            ),
        ],
    ),
    (
        "Facilitators",
        "What helped mentoring work.",
        [
            ("Early contact", "Meeting a mentor in the first weeks after injury.", "#005a30"),
            (
                "Matching on injury and work",
                "Mentor and patient share an injury or kind of work.",
                "#28a197",
            ),
            ("Therapist support for mentors", "Supervision and debriefs for mentors.", "#912b88"),
        ],
    ),
    (
        "Challenges",
        "What made mentoring harder.",
        [
            ("Timing and scheduling", "Finding times around work, therapy and fatigue.", "#d4351c"),
            ("Emotional load on mentors", "Mentors' own memories or distress.", "#b58840"),
            ("Role boundaries", "What is and is not the mentor's job.", "#505a5f"),
        ],
    ),
]

# (transcript, passage, code) for each coder: the second coder differs in places.
LEAD_CODING = [
    ("PT-01", "he'd had the same injury", "Lived experience"),
    ("PT-01", "he was back driving a forklift eight months later", "Hope for returning to work"),
    ("PT-01", "tell your boss early, don't wait until you're ready", "Practical advice about work"),
    ("PT-01", "ask for shorter shifts first", "Practical advice about work"),
    ("PT-01", "Finding times. I had physio every morning and he worked", "Timing and scheduling"),
    ("PT-01", "He came to the ward about three weeks after my accident.", "Early contact"),
    (
        "PT-02",
        "someone who'd worked in building like me, which mattered",
        "Matching on injury and work",
    ),
    ("PT-02", "He helped me work out what to say.", "Practical advice about work"),
    ("PT-02", "I thought he was checking up on me for the therapist", "Role boundaries"),
    ("PT-02", "Seeing him walk in, back at work, that gave me hope.", "Hope for returning to work"),
    ("PM-01", "We met early, in the second week, and I think that was the key.", "Early contact"),
    ("PM-01", "Some stories brought my own accident back.", "Emotional load on mentors"),
    ("PM-01", "The debrief with the therapist helped", "Therapist support for mentors"),
    ("PM-01", "that's for your therapist, I'm here for the rest", "Role boundaries"),
    ("PM-01", "same kind of injury, also a tradie", "Matching on injury and work"),
    ("VT-01", "Patients listened to the mentor in a different way.", "Lived experience"),
    (
        "VT-01",
        "Monthly supervision, and a debrief whenever a visit was hard.",
        "Therapist support for mentors",
    ),
    ("VT-01", "Start earlier.", "Early contact"),
]
CODER_CODING = [
    ("PT-01", "He told me he'd had the same injury", "Lived experience"),
    ("PT-01", "he was back driving a forklift eight months later", "Hope for returning to work"),
    ("PT-01", "tell your boss early, don't wait until you're ready", "Practical advice about work"),
    ("PT-01", "Finding times.", "Timing and scheduling"),
    ("PT-01", "Sometimes I was too tired to talk.", "Timing and scheduling"),
    ("PT-02", "someone who'd worked in building like me", "Matching on injury and work"),
    ("PT-02", "He knew you can't just tell a foreman", "Lived experience"),
    ("PT-02", "I thought he was checking up on me for the therapist", "Role boundaries"),
    ("PT-02", "that gave me hope", "Hope for returning to work"),
    ("PM-01", "We met early, in the second week", "Early contact"),
    ("PM-01", "After one visit I couldn't sleep.", "Emotional load on mentors"),
    ("PM-01", "The debrief with the therapist helped", "Therapist support for mentors"),
    ("PM-01", "I had to learn to say that's for your therapist", "Role boundaries"),
]
PARALLEL = ("PT-01", "PT-02", "PM-01")


def _participants() -> list[tuple[str, Group]]:
    return (
        [(f"PM-{n:02d}", Group.PEER_MENTOR) for n in range(1, 5)]
        + [(f"VT-{n:02d}", Group.THERAPIST) for n in range(1, 4)]
        + [(f"PT-{n:02d}", Group.PATIENT) for n in range(1, 14)]
    )


def _second_coder(service: Any, password: str) -> User:
    email, name = SECOND_CODER
    user = User.objects.filter(email=email).first() or user_create(
        email=email, password=password, full_name=name
    )
    membership_grant(user=user, service=service, role=Role.ANALYST)
    return user


def load(ctx: Any) -> None:
    from alongside.demo.builder import demo_password

    service = ctx.services["demo-melbourne"]
    lead = ctx.users["analyst@demo.example"]
    existing = Study.objects.filter(slug=SLUG).first()
    if existing is not None and existing.team.filter(user=lead).exists():
        return
    with transaction.atomic():
        if existing is not None:
            # `alongside demo --reset` deletes the demo accounts (and so the team) but not
            # the study, which belongs to no single service: rebuild it whole.
            existing.delete()
        coder = _second_coder(service, demo_password())
        study = services.study_create(
            actor=lead,
            slug=SLUG,
            title="Peer mentoring in vocational rehabilitation: a service evaluation",
            aims=(
                "To understand how peer mentors, vocational therapists and patients experience "
                "peer mentoring alongside early vocational rehabilitation, and what helps or "
                "gets in the way of returning to work."
            ),
            ethics_reference="DEMO-HREC-2026/014",
            starts_on=dt.date(2026, 2, 1),
            ends_on=dt.date(2026, 11, 30),
            services=[service],
        )
        services.team_member_set(actor=lead, study=study, user=coder, role=TeamRole.CODER)
        guides = {
            group: services.guide_create(
                actor=lead,
                study=study,
                group=group,
                title=f"Interview guide: {group.label.lower()}s",
                questions=[{"question": q, "prompts": p} for q, p in questions],
            )
            for group, questions in GUIDES.items()
        }
        transcripts = {}
        for number, (label, group) in enumerate(_participants()):
            participant = services.participant_add(
                actor=lead,
                study=study,
                label=label,
                group=group,
                consented_on=dt.date(2026, 2, 10) + dt.timedelta(days=number * 3),
            )
            interview = services.interview_create(
                actor=lead,
                participant=participant,
                held_on=dt.date(2026, 3, 2) + dt.timedelta(days=number * 4),
                interviewer="Ana Analyst",
                mode=[InterviewMode.IN_PERSON, InterviewMode.PHONE, InterviewMode.VIDEO][
                    number % 3
                ],
                duration_minutes=35 + (number * 7) % 30,
                guide=guides.get(group),
            )
            if label in TRANSCRIPTS:
                transcript = services.transcript_import(
                    actor=lead,
                    interview=interview,
                    name=f"Interview with {label}",
                    text=TRANSCRIPTS[label],
                )
                transcripts[label] = services.transcript_mark_deidentified(
                    actor=lead, transcript=transcript
                )
        codes = {}
        for theme_name, description, members in CODEBOOK:
            made = [
                services.code_create(
                    actor=lead, study=study, name=name, description=about, colour=colour
                )
                for name, about, colour in members
            ]
            codes.update({c.name: c for c in made})
            services.theme_create(
                actor=lead, study=study, name=theme_name, description=description, codes=made
            )
        for label in PARALLEL:
            services.assignment_create(
                actor=lead, transcript=transcripts[label], coders=[lead, coder]
            )
        for user, coding in ((lead, LEAD_CODING), (coder, CODER_CODING)):
            for label, passage, code in coding:
                transcript = transcripts[label]
                start = transcript.text.index(passage)
                services.span_code(
                    actor=user,
                    transcript=transcript,
                    start=start,
                    end=start + len(passage),
                    codes=[codes[code]],
                )
        services.memo_add(
            actor=lead,
            study=study,
            code=codes["Early contact"],
            title="Timing keeps coming up",
            text="Mentors and therapists both link early first contact to better engagement.",
        )
    ctx.log(f"  evaluation: study {SLUG} with {len(transcripts)} transcripts")
