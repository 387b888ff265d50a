"""Evaluation pages: thin views over selectors (reads) and services (writes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from alongside.accounts import policy
from alongside.accounts.http import AuthenticatedHttpRequest
from alongside.evaluation import analysis, forms, refi_qda, selectors, services
from alongside.evaluation.models import (
    Study,
)
from alongside.forms import service_errors_to_form
from alongside.pages import form_post
from alongside.reports.charts import image_policy, svg_response


def _study(request: AuthenticatedHttpRequest, slug: str) -> Study:
    return selectors.study_for_or_404(request.user, slug)


def _lead_or_404(request: AuthenticatedHttpRequest, study: Study) -> None:
    if not selectors.is_lead(request.user, study):
        raise Http404("Not found")


def _coder_or_404(request: AuthenticatedHttpRequest, study: Study) -> None:
    if not selectors.may_code(request.user, study):
        raise Http404("Not found")


def _page(
    request: AuthenticatedHttpRequest, template: str, study: Study | None, **context: Any
) -> HttpResponse:
    if study is not None:
        context.update(
            study=study,
            is_lead=selectors.is_lead(request.user, study),
            may_code=selectors.may_code(request.user, study),
        )
    return render(request, f"evaluation/{template}", context)


@login_required
def studies(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "evaluation.view")
    services_qs = selectors.analyst_services(request.user)
    form = forms.StudyForm(request.POST or None, services=services_qs)
    if request.method == "POST" and form.is_valid():
        try:
            study = services.study_create(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, "Study created. You lead it.")
            return redirect("evaluation:study", study.slug)
    return _page(
        request,
        "studies.html",
        None,
        studies=selectors.studies_visible_to(request.user),
        form=form,
        import_form=forms.QdpxImportForm(),
    )


@login_required
def study_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "evaluation.view")
    form = forms.QdpxImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            study, skipped = refi_qda.study_import_qdpx(
                actor=request.user, data=form.cleaned_data["file"].read()
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            note = (
                f" Not imported (Alongside keeps text only): {'; '.join(skipped)}."
                if skipped
                else ""
            )
            messages.success(request, f"Project imported as a new study.{note}")
            return redirect("evaluation:study", study.slug)
    return _page(request, "import.html", None, form=form)


@login_required
def study(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug)
    # Bound only to the team form's own POST: an empty GET is not a form sent empty.
    sent = request.method == "POST" and "action" not in request.POST
    team_form = forms.TeamForm(request.POST if sent else None)
    if request.method == "POST":
        _lead_or_404(request, study)
        if request.POST.get("action") == "suggestions":
            enabled = request.POST.get("enabled") == "1"
            services.study_suggestions_set(actor=request.user, study=study, enabled=enabled)  # type: ignore[arg-type]
            messages.success(
                request, "Code suggestions switched on." if enabled else "Code suggestions off."
            )
            return redirect("evaluation:study", study.slug)
        if team_form.is_valid():
            user = selectors.user_by_email(team_form.cleaned_data["email"])
            try:
                if user is None:
                    raise ValidationError({"email": "No analyst has this e-mail address."})
                services.team_member_set(
                    actor=request.user, study=study, user=user, role=team_form.cleaned_data["role"]
                )  # type: ignore[arg-type]
            except ValidationError as error:
                service_errors_to_form(team_form, error, {"user": "email"})
            else:
                messages.success(request, "Team updated.")
                return redirect("evaluation:study", study.slug)
    transcripts = list(selectors.transcripts_for(request.user, study))
    return _page(
        request,
        "study.html",
        study,
        counts=selectors.group_counts(study),
        team=study.team.select_related("user"),
        transcripts=transcripts,
        team_form=team_form,
        import_form=forms.QdpxImportForm(),
    )


@login_required
def participants(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug)
    form = forms.ParticipantForm(request.POST or None)
    if request.method == "POST":
        _lead_or_404(request, study)
        if form.is_valid():
            try:
                services.participant_add(actor=request.user, study=study, **form.cleaned_data)  # type: ignore[arg-type]
            except ValidationError as error:
                service_errors_to_form(form, error)
            else:
                messages.success(request, "Participant added.")
                return redirect("evaluation:participants", study.slug)
    return _page(
        request,
        "participants.html",
        study,
        participants=selectors.participants_of(study).prefetch_related("interviews"),
        counts=selectors.group_counts(study),
        form=form,
    )


@login_required
def participant_withdraw(
    request: AuthenticatedHttpRequest, slug: str, participant_id: int
) -> HttpResponse:
    study = _study(request, slug)
    _lead_or_404(request, study)
    participant = selectors.participant_in_study_or_404(study, participant_id)
    form = forms.WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.participant_withdraw(
            actor=request.user,
            participant=participant,
            reason=form.cleaned_data["reason"],  # type: ignore[arg-type]
        )
        messages.success(
            request,
            f"{participant.label} withdrawn: their transcripts are left out of analysis "
            "and export.",
        )
        return redirect("evaluation:participants", study.slug)
    return _page(request, "withdraw.html", study, participant=participant, form=form)


def _lead_edit(
    request: AuthenticatedHttpRequest,
    study: Any,
    form: Any,
    write: Callable[[dict[str, Any]], Any],
    done: str,
    back: str,
    **shown: Any,
) -> HttpResponse:
    """The lead edits one row of the study (a participant, an interview): saved, back to
    the ``back`` list; refused, its ``<kind>_edit.html`` page again with the errors."""
    (kind,) = shown
    return form_post(
        request,
        form,
        write,
        done=done,
        success_url=reverse(f"evaluation:{back}", args=[study.slug]),
        reshow=lambda form: _page(request, f"{kind}_edit.html", study, form=form, **shown),
    )


@login_required
def participant_edit(
    request: AuthenticatedHttpRequest, slug: str, participant_id: int
) -> HttpResponse:
    study = _study(request, slug)
    _lead_or_404(request, study)
    participant = selectors.participant_in_study_or_404(study, participant_id)
    form = forms.ParticipantEditForm(
        request.POST or None,
        linked=participant.patient_id is not None or participant.mentor_id is not None,
        initial=model_to_dict(participant, ["label", "group", "consented_on"]),
    )
    return _lead_edit(
        request,
        study,
        form,
        lambda d: services.participant_update(actor=request.user, participant=participant, **d),
        "Participant saved.",
        "participants",
        participant=participant,
    )


@login_required
def interview_edit(request: AuthenticatedHttpRequest, slug: str, interview_id: int) -> HttpResponse:
    study = _study(request, slug)
    _lead_or_404(request, study)
    interview = selectors.interview_in_study_or_404(study, interview_id)
    form = forms.InterviewEditForm(
        request.POST or None,
        guides=selectors.guides_of(study),
        initial=model_to_dict(
            interview, ["held_on", "interviewer", "mode", "duration_minutes", "guide"]
        ),
    )
    return _lead_edit(
        request,
        study,
        form,
        lambda d: services.interview_update(actor=request.user, interview=interview, **d),
        "Interview saved.",
        "interviews",
        interview=interview,
    )


@login_required
def interviews(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug)
    participants_qs = selectors.participants_of(study, active_only=True)
    guides_qs = selectors.guides_of(study)
    form = forms.InterviewForm(
        request.POST if "interview" in request.POST else None,
        participants=participants_qs,
        guides=guides_qs,
    )
    guide_form = forms.GuideForm(request.POST if "guide" in request.POST else None)
    if request.method == "POST":
        _lead_or_404(request, study)
        try:
            if form.is_bound and form.is_valid():
                services.interview_create(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
                messages.success(request, "Interview recorded.")
                return redirect("evaluation:interviews", study.slug)
            if guide_form.is_bound and guide_form.is_valid():
                services.guide_create(
                    actor=request.user,  # type: ignore[arg-type]
                    study=study,
                    group=guide_form.cleaned_data["group"],
                    title=guide_form.cleaned_data["title"],
                    questions=guide_form.parsed(),
                )
                messages.success(request, "Interview guide saved.")
                return redirect("evaluation:interviews", study.slug)
        except ValidationError as error:
            service_errors_to_form(form if form.is_bound else guide_form, error)
    return _page(
        request,
        "interviews.html",
        study,
        interviews=selectors.interviews_of(study),
        guides=guides_qs,
        form=form,
        guide_form=guide_form,
    )


@login_required
def transcript_import(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug)
    _coder_or_404(request, study)
    interviews_qs = selectors.interviews_of(study, active_only=True)
    form = forms.TranscriptForm(
        request.POST or None, request.FILES or None, interviews=interviews_qs
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            transcript = services.transcript_import(
                actor=request.user,  # type: ignore[arg-type]
                interview=form.cleaned_data["interview"],
                name=form.cleaned_data["name"] or (upload.name if upload else ""),
                text=form.cleaned_data["text"] or None,
                filename=upload.name if upload else None,
                data=upload.read() if upload else None,
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(
                request, "Transcript imported. Check it for names and places before coding."
            )
            return redirect("evaluation:deidentify", study.slug, transcript.pk)
    return _page(request, "transcript_import.html", study, form=form)


def _known_names(study: Study) -> list[str]:
    return selectors.participant_labels(study)


@login_required
def deidentify(request: AuthenticatedHttpRequest, slug: str, transcript_id: int) -> HttpResponse:
    from alongside.core.qda.deidentify import identifying_candidates

    study = _study(request, slug)
    _coder_or_404(request, study)
    transcript = selectors.transcript_for_or_404(request.user, study, transcript_id)
    candidates = list(identifying_candidates(transcript.text, _known_names(study)))
    error = None
    if request.method == "POST":
        chosen = []
        for index, candidate in enumerate(candidates):
            if request.POST.get(f"replace_{index}"):
                placeholder = (
                    request.POST.get(f"placeholder_{index}", "").strip() or f"[{candidate.kind}]"
                )
                chosen.append((candidate.start, candidate.end, placeholder[:40]))
        try:
            if chosen:
                services.transcript_deidentify(
                    actor=request.user, transcript=transcript, replacements=chosen
                )  # type: ignore[arg-type]
            else:
                services.transcript_mark_deidentified(actor=request.user, transcript=transcript)  # type: ignore[arg-type]
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(
                request,
                f"{len(chosen)} passage{'s' if len(chosen) != 1 else ''} replaced. Ready to code.",
            )
            return redirect("evaluation:code", study.slug, transcript.pk)
    marked = _segments(transcript.text, [(c.start, c.end, "candidate", c.kind) for c in candidates])
    return _page(
        request,
        "deidentify.html",
        study,
        transcript=transcript,
        candidates=[
            {"index": i, "c": c, "placeholder": f"[{c.kind}]"} for i, c in enumerate(candidates)
        ],
        marked=marked,
        error=error,
        coded=transcript.spans.exists(),
    )


def _segments(text: str, marks: list[tuple[int, int, str, str]]) -> str:
    """The text cut at every mark boundary; marked pieces in <mark>. Joined with no
    whitespace, so the page's text nodes add up to exactly the stored text (the
    coding script counts offsets through them)."""
    cuts = sorted({0, len(text), *(m[0] for m in marks), *(m[1] for m in marks)})
    pieces = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [m for m in marks if m[0] <= a and b <= m[1]]
        if covering:
            labels = ", ".join(sorted({m[3] for m in covering}))
            pieces.append(
                format_html(
                    '<mark class="{}" data-start="{}" title="{}">{}</mark>',
                    covering[0][2],
                    a,
                    labels,
                    text[a:b],
                )
            )
        else:
            pieces.append(format_html("{}", text[a:b]))
    return "".join(pieces)


@login_required
def code_transcript(
    request: AuthenticatedHttpRequest, slug: str, transcript_id: int
) -> HttpResponse:
    """The coding page: choose a passage (mouse, keyboard, or offsets) and apply codes."""
    study = _study(request, slug)
    transcript = selectors.transcript_for_or_404(request.user, study, transcript_id)
    form = forms.SpanForm(request.POST or None)
    codebook = selectors.codebook(study)
    if request.method == "POST":
        _coder_or_404(request, study)
        wanted = request.POST.getlist("codes")
        if form.is_valid():
            codes = [c for c, _ in codebook if str(c.pk) in wanted]
            try:
                if len(codes) != len(set(wanted)):
                    raise ValidationError({"codes": "Choose codes from this study's codebook."})
                made = services.span_code(
                    actor=request.user,  # type: ignore[arg-type]
                    transcript=transcript,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    codes=codes,
                )
            except ValidationError as error:
                service_errors_to_form(form, error)
            else:
                names = ", ".join(s.code.name for s in made) or "nothing new"
                messages.success(
                    request,
                    f"Coded {form.cleaned_data['start']}–{form.cleaned_data['end']}: {names}.",
                )
                return redirect("evaluation:code", study.slug, transcript.pk)
    spans = list(
        selectors.visible_spans(request.user, study)
        .filter(transcript=transcript)
        .order_by("start", "end")
    )
    marked = _segments(transcript.text, [(s.start, s.end, "coded", s.code.name) for s in spans])
    return _page(
        request,
        "code.html",
        study,
        transcript=transcript,
        participant=transcript.interview.participant,
        marked=marked,
        spans=[{"span": s, "text": transcript.text[s.start : s.end]} for s in spans],
        codebook=codebook,
        form=form,
        memo_form=forms.MemoForm(),
        length=len(transcript.text),
    )


@login_required
def suggest(request: AuthenticatedHttpRequest, slug: str, transcript_id: int) -> HttpResponse:
    """Suggested codes for the chosen passage (a fragment the coding page asks for)."""
    study = _study(request, slug)
    _coder_or_404(request, study)
    transcript = selectors.transcript_for_or_404(request.user, study, transcript_id)
    form = forms.SpanForm(request.GET or None)
    found = None
    if study.suggestions_enabled and form.is_valid():
        found = selectors.code_suggestions(
            request.user, study, transcript, form.cleaned_data["start"], form.cleaned_data["end"]
        )
    return render(
        request,
        "evaluation/_suggestions.html",
        {"study": study, "form": form, "found": found},
    )


@login_required
@require_POST
def span_remove(request: AuthenticatedHttpRequest, slug: str, span_id: int) -> HttpResponse:
    study = _study(request, slug)
    _coder_or_404(request, study)
    span = (
        selectors.visible_spans(request.user, study)
        .filter(pk=span_id)
        .select_related("transcript__study")
        .first()
    )
    if span is None:
        raise Http404("Not found")
    services.span_remove(actor=request.user, span=span)  # type: ignore[arg-type]
    messages.success(request, "Coding removed. Undo puts it back.")
    return redirect("evaluation:code", study.slug, span.transcript_id)


@login_required
@require_POST
def coding_undo(request: AuthenticatedHttpRequest, slug: str, transcript_id: int) -> HttpResponse:
    study = _study(request, slug)
    _coder_or_404(request, study)
    transcript = selectors.transcript_for_or_404(request.user, study, transcript_id)
    undone = services.coding_undo(actor=request.user, transcript=transcript)  # type: ignore[arg-type]
    messages.success(request, "Last coding change undone." if undone else "Nothing to undo.")
    return redirect("evaluation:code", study.slug, transcript.pk)


@login_required
def codebook(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug)
    parents = study.codes.all()
    form = forms.CodeForm(request.POST or None, parents=parents)
    if request.method == "POST":
        _coder_or_404(request, study)
        if form.is_valid():
            try:
                services.code_create(actor=request.user, study=study, **form.cleaned_data)  # type: ignore[arg-type]
            except ValidationError as error:
                service_errors_to_form(form, error)
            else:
                messages.success(request, "Code added.")
                return redirect("evaluation:codebook", study.slug)
    counts = selectors.span_counts(request.user, study)
    return _page(
        request,
        "codebook.html",
        study,
        codes=[(code, depth, counts.get(code.pk, 0)) for code, depth in selectors.codebook(study)],
        form=form,
    )


@login_required
def code_detail(request: AuthenticatedHttpRequest, slug: str, code_id: int) -> HttpResponse:
    """One code: its definition, passages, and merge / split / move."""
    study = _study(request, slug)
    code = selectors.code_in_study_or_404(study, code_id)
    others = study.codes.exclude(pk=code.pk)
    action = request.POST.get("action")
    edit = forms.CodeForm(
        request.POST if action == "edit" else None,
        initial={
            f: getattr(code, f) for f in ("name", "description", "inclusion", "exclusion", "colour")
        },
    )
    move = forms.CodeChoiceForm(
        request.POST if action == "move" else None,
        codes=others,
        label="Move under",
        required=False,
        empty="(top level)",
        prefix="move",
    )
    merge = forms.CodeChoiceForm(
        request.POST if action == "merge" else None,
        codes=others,
        label="Merge into",
        prefix="merge",
    )
    split = forms.SplitForm(request.POST if action == "split" else None, prefix="split")
    memo = forms.MemoForm(request.POST if action == "memo" else None, prefix="memo")
    if request.method == "POST":
        _coder_or_404(request, study)
        try:
            if action == "edit" and edit.is_valid():
                services.code_update(actor=request.user, code=code, **edit.cleaned_data)  # type: ignore[arg-type]
                messages.success(request, "Code saved.")
                return redirect("evaluation:code_detail", study.slug, code.pk)
            if action == "move" and move.is_valid():
                services.code_move(
                    actor=request.user, code=code, parent=move.cleaned_data["target"]
                )  # type: ignore[arg-type]
                messages.success(request, "Code moved; its passages stay coded.")
                return redirect("evaluation:code_detail", study.slug, code.pk)
            if action == "merge" and merge.is_valid():
                into = services.code_merge(
                    actor=request.user, source=code, into=merge.cleaned_data["target"]
                )  # type: ignore[arg-type]
                messages.success(request, f"Merged into {into.name}; every passage kept.")
                return redirect("evaluation:code_detail", study.slug, into.pk)
            if action == "split" and split.is_valid():
                new = services.code_split(
                    actor=request.user,  # type: ignore[arg-type]
                    code=code,
                    name=split.cleaned_data["name"],
                    span_ids=[int(x) for x in request.POST.getlist("spans") if x.isdigit()],
                )
                messages.success(request, f"Split: the chosen passages are now coded {new.name}.")
                return redirect("evaluation:code_detail", study.slug, new.pk)
            if action == "memo" and memo.is_valid():
                services.memo_add(actor=request.user, study=study, code=code, **memo.cleaned_data)  # type: ignore[arg-type]
                messages.success(request, "Memo added.")
                return redirect("evaluation:code_detail", study.slug, code.pk)
        except ValidationError as error:
            target = {"edit": edit, "move": move, "merge": merge, "split": split, "memo": memo}.get(
                action or "", edit
            )
            service_errors_to_form(target, error, {"into": "target", "parent": "target"})
    found = selectors.excerpts(request.user, study, [code]).get(code.pk, [])
    return _page(
        request,
        "code_detail.html",
        study,
        code=code,
        excerpts=found,
        memos=code.memos.all(),
        edit=edit,
        move=move,
        merge=merge,
        split=split,
        memo=memo,
    )


@login_required
def memos(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug)
    form = forms.MemoForm(request.POST or None)
    if request.method == "POST":
        _coder_or_404(request, study)
        transcript = None
        if request.POST.get("transcript"):
            transcript = selectors.transcript_for_or_404(
                request.user, study, int(request.POST["transcript"])
            )
        if form.is_valid():
            services.memo_add(
                actor=request.user, study=study, transcript=transcript, **form.cleaned_data
            )  # type: ignore[arg-type]
            messages.success(request, "Memo added.")
            if transcript is not None:
                return redirect("evaluation:code", study.slug, transcript.pk)
            return redirect("evaluation:memos", study.slug)
    return _page(request, "memos.html", study, memos=selectors.memos_for(study), form=form)


@login_required
def search(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug)
    form = forms.SearchForm(request.GET or None)
    found = (
        selectors.search(request.user, study, form.cleaned_data["q"]) if form.is_valid() else None
    )
    return _page(request, "search.html", study, form=form, found=found)


@login_required
def themes(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug)
    form = forms.ThemeForm(request.POST or None, codes=study.codes.all(), themes=study.themes.all())
    if request.method == "POST":
        _coder_or_404(request, study)
        if form.is_valid():
            try:
                services.theme_create(actor=request.user, study=study, **form.cleaned_data)  # type: ignore[arg-type]
            except ValidationError as error:
                service_errors_to_form(form, error)
            else:
                messages.success(request, "Theme saved.")
                return redirect("evaluation:themes", study.slug)
    return _page(
        request, "themes.html", study, tree=selectors.theme_tree(request.user, study), form=form
    )


@login_required
def themes_export(request: AuthenticatedHttpRequest, slug: str, fmt: str) -> HttpResponse:
    study = _study(request, slug)
    tree = selectors.theme_tree(request.user, study)
    if fmt == "md":
        body: bytes = analysis.themes_markdown(study, tree).encode()
        kind, ext = "text/markdown; charset=utf-8", "md"
    elif fmt == "docx":
        body = analysis.themes_docx(study, tree)
        kind, ext = (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        )
    else:
        raise Http404("Not found")
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{study.slug}-themes.{ext}"'
    return response


@login_required
def agreement(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The lead's page: assign transcripts, unblind, and see agreement per code."""
    study = _study(request, slug)
    _lead_or_404(request, study)
    coders = selectors.team_coders(study)
    transcripts_qs = selectors.transcripts_for(request.user, study, analysed_only=True)
    assign = forms.AssignForm(
        request.POST if request.POST.get("action") == "assign" else None,
        transcripts=transcripts_qs,
        coders=coders,
    )
    if request.method == "POST":
        if request.POST.get("action") == "unblind":
            services.study_unblind(actor=request.user, study=study)  # type: ignore[arg-type]
            messages.success(request, "Unblinded: every coder now sees everyone's coding.")
            return redirect("evaluation:agreement", study.slug)
        if assign.is_bound and assign.is_valid():
            try:
                services.assignment_create(
                    actor=request.user,
                    transcript=assign.cleaned_data["transcript"],
                    coders=assign.cleaned_data["coders"],  # type: ignore[arg-type]
                )
            except ValidationError as error:
                service_errors_to_form(assign, error)
            else:
                messages.success(request, "Transcript assigned.")
                return redirect("evaluation:agreement", study.slug)
    unit_form = forms.UnitForm(request.GET or None)
    unit = unit_form.cleaned_data["unit"] if unit_form.is_valid() else "sentence"
    result = analysis.study_agreement(request.user, study, unit)
    return _page(
        request,
        "agreement.html",
        study,
        assignments=selectors.assignments_of(study),
        assign=assign,
        unit_form=unit_form,
        unit=unit,
        result=result,
    )


@login_required
def disagreements(request: AuthenticatedHttpRequest, slug: str, transcript_id: int) -> HttpResponse:
    study = _study(request, slug)
    _lead_or_404(request, study)
    transcript = selectors.transcript_for_or_404(request.user, study, transcript_id)
    return _page(
        request,
        "disagreements.html",
        study,
        transcript=transcript,
        rows=analysis.side_by_side(transcript),
    )


@login_required
def cooccurrence(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug)
    table = analysis.cooccurrence_table(request.user, study)
    return _page(
        request,
        "cooccurrence.html",
        study,
        table=table,
        by_group=analysis.frequency_by_group(request.user, study),
    )


@image_policy
@login_required
def cooccurrence_chart(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug)
    return svg_response(analysis.cooccurrence_svg(analysis.cooccurrence_table(request.user, study)))


@login_required
def export_qdpx(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug)
    response = HttpResponse(
        refi_qda.study_qdpx(request.user, study), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{study.slug}.qdpx"'
    return response


@login_required
def export_qdc(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug)
    response = HttpResponse(refi_qda.study_qdc(request.user, study), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{study.slug}.qdc"'
    return response
