"""Reading studies: only analysts on a study's team see it; every transcript read is audited.

Out of scope is 404, never 403 (``study_for_or_404``). Within a study the team role
decides more: the lead manages the study; a coder codes; a reader reads. While a study is
blinded a coder sees only their own spans.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from alongside.accounts import policy
from alongside.core import NotFound
from alongside.evaluation.models import (
    Code,
    CodedSpan,
    CodingAssignment,
    Group,
    Interview,
    InterviewGuide,
    Memo,
    Participant,
    Study,
    TeamMember,
    TeamRole,
    Theme,
    Transcript,
)

if TYPE_CHECKING:
    from alongside.accounts.models import User
    from alongside.organisations.models import Service

READ = "evaluation.transcript_read"


def studies_visible_to(user: Any, action: str = "evaluation.view") -> QuerySet[Study]:
    """Studies whose team ``user`` is on, while they hold the analyst role somewhere."""
    if not policy.service_ids(user, action):
        return Study.objects.none()
    return Study.objects.filter(team__user=user).distinct()


def study_for_or_404(user: Any, slug: str, action: str = "evaluation.view") -> Study:
    study = studies_visible_to(user, action).filter(slug=slug).first()
    if study is None:
        raise NotFound()
    study.viewer_role = team_role(user, study)  # type: ignore[attr-defined]
    return study


def team_role(user: Any, study: Study) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    member = TeamMember.objects.filter(study=study, user=user).first()
    return member.role if member else None


def is_lead(user: Any, study: Study) -> bool:
    return bool(policy.service_ids(user, "evaluation.lead")) and (
        team_role(user, study) == TeamRole.LEAD
    )


def may_code(user: Any, study: Study) -> bool:
    return bool(policy.service_ids(user, "evaluation.code")) and team_role(user, study) in (
        TeamRole.LEAD,
        TeamRole.CODER,
    )


def group_counts(study: Study) -> list[tuple[str, int, int]]:
    """(group label, taking part, withdrawn) for each group, counted from the records."""
    rows = Participant.objects.filter(study=study).values_list("group", "withdrawn_at")
    active: Counter[str] = Counter()
    withdrawn: Counter[str] = Counter()
    for group, withdrawn_at in rows:
        (withdrawn if withdrawn_at else active)[group] += 1
    return [(label, active[value], withdrawn[value]) for value, label in Group.choices]


def transcripts_for(user: Any, study: Study, *, analysed_only: bool = False) -> Any:
    qs = Transcript.objects.filter(study=study).select_related("interview__participant")
    if analysed_only:
        qs = qs.analysed()
    return qs.audited(user, READ)


def transcript_for_or_404(user: Any, study: Study, transcript_id: int) -> Transcript:
    found = list(transcripts_for(user, study).filter(pk=transcript_id))
    if not found:
        raise NotFound()
    return found[0]


def visible_spans(user: Any, study: Study) -> QuerySet[CodedSpan]:
    """Spans the user may see: their own while blinded (the lead sees all), else all."""
    spans = CodedSpan.objects.filter(transcript__study=study).select_related("code")
    if study.blinded and team_role(user, study) != TeamRole.LEAD:
        spans = spans.filter(coder=user)
    return spans


def codebook(study: Study) -> list[tuple[Code, int]]:
    """Codes depth-first with their depth, for the indented codebook."""
    codes = list(Code.objects.filter(study=study).order_by("name", "pk"))
    children: dict[int | None, list[Code]] = defaultdict(list)
    for code in codes:
        children[code.parent_id].append(code)
    ordered: list[tuple[Code, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for code in children.get(parent, []):
            ordered.append((code, depth))
            walk(code.pk, depth + 1)

    walk(None, 0)
    return ordered


def code_in_study_or_404(study: Study, code_id: int) -> Code:
    code = Code.objects.filter(study=study, pk=code_id).first()
    if code is None:
        raise NotFound()
    return code


def span_counts(user: Any, study: Study) -> dict[int, int]:
    spans = visible_spans(user, study).filter(
        transcript__interview__participant__withdrawn_at__isnull=True
    )
    return dict(Counter(spans.values_list("code_id", flat=True)))


@dataclass(frozen=True)
class Excerpt:
    transcript: Transcript
    span: CodedSpan
    text: str
    group: str
    participant: str


def excerpts(user: Any, study: Study, codes: Iterable[Code]) -> dict[int, list[Excerpt]]:
    """Coded excerpts per code id, from participants still taking part (audited)."""
    code_ids = [c.pk for c in codes]
    spans = list(
        visible_spans(user, study)
        .filter(code_id__in=code_ids, transcript__interview__participant__withdrawn_at__isnull=True)
        .order_by("transcript__name", "start")
    )
    transcripts = {t.pk: t for t in transcripts_for(user, study, analysed_only=True)}
    found: dict[int, list[Excerpt]] = defaultdict(list)
    for span in spans:
        transcript = transcripts.get(span.transcript_id)
        if transcript is None:
            continue
        participant = transcript.interview.participant
        found[span.code_id].append(
            Excerpt(
                transcript=transcript,
                span=span,
                text=transcript.text[span.start : span.end],
                group=participant.get_group_display(),
                participant=participant.label,
            )
        )
    return found


@dataclass(frozen=True)
class ThemeNode:
    theme: Theme
    codes: list[tuple[Code, list[Excerpt]]]
    children: list[ThemeNode]


def theme_tree(user: Any, study: Study) -> list[ThemeNode]:
    themes = list(Theme.objects.filter(study=study).prefetch_related("codes"))
    codes = {c.pk: c for t in themes for c in t.codes.all()}
    gathered = excerpts(user, study, codes.values())
    by_parent: dict[int | None, list[Theme]] = defaultdict(list)
    for theme in themes:
        by_parent[theme.parent_id].append(theme)

    def build(parent: int | None) -> list[ThemeNode]:
        return [
            ThemeNode(
                theme=t,
                codes=[
                    (c, gathered.get(c.pk, [])) for c in sorted(t.codes.all(), key=lambda c: c.name)
                ],
                children=build(t.pk),
            )
            for t in by_parent.get(parent, [])
        ]

    return build(None)


@dataclass(frozen=True)
class CodeSuggestion:
    code: Code
    score: float
    excerpt: Excerpt  # the most similar coded passage: why this code is suggested


def code_suggestions(
    user: Any, study: Study, transcript: Transcript, start: int, end: int, *, limit: int = 3
) -> list[CodeSuggestion]:
    """Codes applied to passages like ``transcript.text[start:end]``, best first.

    Empty unless the lead switched suggestions on. Learns only from spans the analyst may
    see, and while the study is blinded only from their own spans (the lead's too, so a
    lead who codes in parallel is not steered by the other coders). Passages overlapping
    the chosen one are left out (they would only echo it). The excerpts shown come from
    transcripts read through the audited queryset."""
    from alongside.core.qda.suggest import Excerpt as Candidate
    from alongside.core.qda.suggest import suggest_codes

    if not study.suggestions_enabled or not (0 <= start < end <= len(transcript.text)):
        return []
    others = visible_spans(user, study).filter(
        transcript__interview__participant__withdrawn_at__isnull=True
    )
    if study.blinded:
        others = others.filter(coder=user)
    others = others.exclude(transcript=transcript, start__lt=end, end__gt=start).order_by(
        "transcript_id", "start", "pk"
    )
    spans = list(others[:2000])
    if not spans:
        return []
    wanted = {s.transcript_id for s in spans}
    texts = {
        t.pk: t for t in transcripts_for(user, study, analysed_only=True).filter(pk__in=wanted)
    }
    by_pk: dict[Hashable, CodedSpan] = {s.pk: s for s in spans}
    candidates = [
        Candidate(code=s.code_id, text=texts[s.transcript_id].text[s.start : s.end], ref=s.pk)
        for s in spans
        if s.transcript_id in texts
    ]
    found = []
    for hit in suggest_codes(transcript.text[start:end], candidates, limit=limit):
        span = by_pk[hit.because.ref]
        source = texts[span.transcript_id]
        participant = source.interview.participant
        found.append(
            CodeSuggestion(
                code=span.code,
                score=hit.score,
                excerpt=Excerpt(
                    transcript=source,
                    span=span,
                    text=hit.because.text,
                    group=participant.get_group_display(),
                    participant=participant.label,
                ),
            )
        )
    return found


def memos_for(study: Study) -> QuerySet[Memo]:
    return Memo.objects.filter(study=study).select_related("code", "transcript", "author", "span")


def search(user: Any, study: Study, query: str) -> dict[str, Any]:
    """Codes whose name or description match, and transcript passages containing ``query``."""
    query = query.strip()
    if not query:
        return {"codes": [], "hits": []}
    codes = list(
        Code.objects.filter(study=study).filter(
            Q(name__icontains=query) | Q(description__icontains=query)
        )
    )
    hits: list[dict[str, Any]] = []
    needle = query.casefold()
    # Transcripts are stored encrypted, so the database cannot search them: the texts are
    # decrypted here and only the transcripts that hold the words are fetched (and audited).
    holding = [
        pk
        for pk, text in Transcript.objects.filter(study=study).values_list("pk", "text")
        if needle in text.casefold()
    ]
    for transcript in transcripts_for(user, study).filter(pk__in=holding):
        haystack = transcript.text.casefold()
        at = haystack.find(needle)
        while at != -1 and len(hits) < 200:
            hits.append(
                {
                    "transcript": transcript,
                    "start": at,
                    "end": at + len(query),
                    "before": transcript.text[max(0, at - 60) : at],
                    "match": transcript.text[at : at + len(query)],
                    "after": transcript.text[at + len(query) : at + len(query) + 60],
                }
            )
            at = haystack.find(needle, at + len(query))
    return {"codes": codes, "hits": hits}


def coders_of(study: Study) -> list[User]:
    from alongside.accounts.models import User

    ids = (
        CodedSpan.objects.filter(transcript__study=study, coder__isnull=False)
        .values_list("coder_id", flat=True)
        .distinct()
    )
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


# What the study pages list. The views have already checked the team role (through
# ``study_for_or_404``); these only scope each list to the study.


def analyst_services(user: Any) -> QuerySet[Service]:
    """The services where ``user`` may run evaluations: a new study's choices."""
    from alongside.organisations.models import Service

    return Service.objects.filter(pk__in=policy.service_ids(user, "evaluation.view"))


def user_by_email(email: str) -> User | None:
    """Whom a lead adds to the team; the service checks they are an analyst."""
    from alongside.accounts.models import User

    return User.objects.filter(email__iexact=email).first()


def participants_of(study: Study, *, active_only: bool = False) -> QuerySet[Participant]:
    participants = Participant.objects.filter(study=study)
    if active_only:
        participants = participants.filter(withdrawn_at__isnull=True)
    return participants


def participant_in_study_or_404(study: Study, participant_id: int) -> Participant:
    participant = participants_of(study).filter(pk=participant_id).first()
    if participant is None:
        raise NotFound()
    return participant


def participant_labels(study: Study) -> list[str]:
    """Every participant label, withdrawn ones too: names the de-identifier looks for."""
    return list(participants_of(study).values_list("label", flat=True))


def guides_of(study: Study) -> QuerySet[InterviewGuide]:
    return InterviewGuide.objects.filter(study=study)


def interviews_of(study: Study, *, active_only: bool = False) -> QuerySet[Interview]:
    interviews = Interview.objects.filter(participant__study=study)
    if active_only:
        interviews = interviews.filter(participant__withdrawn_at__isnull=True)
    return interviews.select_related("participant", "guide")


def team_coders(study: Study) -> QuerySet[User]:
    """Team members who may be assigned a transcript to code: the lead and the coders."""
    from alongside.accounts.models import User

    return User.objects.filter(
        study_roles__study=study, study_roles__role__in=[TeamRole.LEAD, TeamRole.CODER]
    )


def assignments_of(study: Study) -> QuerySet[CodingAssignment]:
    return CodingAssignment.objects.filter(transcript__study=study).select_related(
        "transcript", "coder"
    )


def interview_in_study_or_404(study: Study, interview_id: int) -> Interview:
    interview = interviews_of(study).filter(pk=interview_id).first()
    if interview is None:
        raise NotFound()
    return interview
