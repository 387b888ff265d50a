"""Forms for the evaluation pages; services do the real checking."""

from __future__ import annotations

from typing import Any

from django import forms

from alongside.core import text_limits
from alongside.evaluation.models import TRANSCRIPT_MAX, Group, InterviewMode, TeamRole

UPLOAD_MAX = 10 * 1024 * 1024  # bytes: a long .docx transcript is well under 1 MB
QDPX_MAX = 50 * 1024 * 1024


class StudyForm(forms.Form):
    title = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=80, label="Short name", help_text="Letters, numbers and hyphens, e.g. rtw-2026"
    )
    aims = forms.CharField(widget=forms.Textarea, required=False, max_length=text_limits.NOTE)
    ethics_reference = forms.CharField(max_length=120, required=False, label="Ethics reference")
    starts_on = forms.DateField(
        required=False, label="Start date", widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        required=False, label="End date", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, services=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["services"] = forms.ModelMultipleChoiceField(
            queryset=services,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text="The services this study evaluates",
        )


class TeamForm(forms.Form):
    email = forms.EmailField(
        label="Analyst's e-mail",
        error_messages={
            "required": "Enter the e-mail address the analyst signs in with.",
            "invalid": "Enter an e-mail address, like name@example.org.",
        },
    )
    role = forms.ChoiceField(
        choices=TeamRole.choices,
        initial=TeamRole.CODER,  # the least a new member needs; the lead chooses more
        error_messages={"required": "Choose the analyst's role in the study."},
    )


class ParticipantForm(forms.Form):
    label = forms.CharField(max_length=40, label="Pseudonymous id", help_text="e.g. PM-05")
    group = forms.ChoiceField(choices=Group.choices)
    consented_on = forms.DateField(
        required=False, label="Consent date", widget=forms.DateInput(attrs={"type": "date"})
    )


class ParticipantEditForm(ParticipantForm):
    hospital_number = forms.CharField(
        max_length=40,
        required=False,
        label="Link to a patient record (hospital number)",
        help_text="Optional, for a participant in the patient group. Only the pseudonymous "
        "id is shown in the study; leave empty to keep the link as it is",
    )
    mentor_email = forms.EmailField(
        max_length=254,
        required=False,
        label="Link to a peer mentor record (the mentor's e-mail)",
        help_text="Optional, for a participant in the peer mentor group. Only the pseudonymous "
        "id is shown in the study; leave empty to keep the link as it is",
    )
    unlink = forms.BooleanField(required=False, label="Remove the link to the service record")

    def __init__(self, *args: Any, linked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not linked:  # nothing to remove
            del self.fields["unlink"]


class WithdrawForm(forms.Form):
    reason = forms.CharField(max_length=text_limits.REASON, label="Reason for withdrawal")


class GuideForm(forms.Form):
    group = forms.ChoiceField(choices=Group.choices)
    title = forms.CharField(max_length=200)
    questions = forms.CharField(
        widget=forms.Textarea,
        max_length=text_limits.NARRATIVE,
        help_text="One question a line; prompts on the lines after it, starting with a dash (-)",
    )

    def parsed(self) -> list[dict[str, object]]:
        items: list[dict[str, object]] = []
        for raw in self.cleaned_data["questions"].splitlines():
            line = raw.strip()
            if not line:
                continue
            if line.startswith("-") and items:
                items[-1]["prompts"].append(line.lstrip("- ").strip())  # type: ignore[attr-defined]
            else:
                items.append({"question": line, "prompts": []})
        return items


class InterviewForm(forms.Form):
    held_on = forms.DateField(
        required=False, label="Date", widget=forms.DateInput(attrs={"type": "date"})
    )
    interviewer = forms.CharField(max_length=120, required=False)
    mode = forms.ChoiceField(choices=[("", "Not recorded"), *InterviewMode.choices], required=False)
    duration_minutes = forms.IntegerField(
        required=False, min_value=1, max_value=600, label="Duration in minutes"
    )

    def __init__(self, *args, participants=(), guides=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields = {
            "participant": forms.ModelChoiceField(queryset=participants),
            **self.fields,
            "guide": forms.ModelChoiceField(queryset=guides, required=False, label="Guide used"),
        }


class InterviewEditForm(InterviewForm):
    def __init__(self, *args, guides=(), **kwargs):  # type: ignore[no-untyped-def]
        from alongside.evaluation.models import Participant

        super().__init__(*args, participants=Participant.objects.none(), guides=guides, **kwargs)
        del self.fields["participant"]


class TranscriptForm(forms.Form):
    name = forms.CharField(max_length=200, required=False, help_text="Left empty: the file's name")
    text = forms.CharField(
        widget=forms.Textarea,
        required=False,
        max_length=TRANSCRIPT_MAX,
        label="Paste the transcript",
        help_text="Or upload a file below. Lines such as 'Interviewer: …' become speaker turns.",
    )
    file = forms.FileField(
        required=False,
        label="Or upload a file",
        help_text="Plain text (.txt), Word (.docx), or captions (.vtt, .srt)",
    )

    def __init__(self, *args, interviews=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields = {"interview": forms.ModelChoiceField(queryset=interviews), **self.fields}

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        upload = data.get("file")
        if not data.get("text") and not upload:
            raise forms.ValidationError("Paste the transcript or choose a file.")
        if upload and upload.size > UPLOAD_MAX:
            self.add_error("file", "The file is larger than 10 MB.")
        return data


class SpanForm(forms.Form):
    """The no-script way to code: the offsets typed in; the script fills the same boxes."""

    start = forms.IntegerField(min_value=0, label="Start (character)")
    end = forms.IntegerField(min_value=1, label="End (character)")

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None and end <= start:
            self.add_error("end", "The passage must end after it starts.")
        return data


class CodeForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=text_limits.NOTE
    )
    inclusion = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=text_limits.NOTE,
        label="Include when",
    )
    exclusion = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=text_limits.NOTE,
        label="Exclude when",
    )
    colour = forms.RegexField(
        regex=r"^#[0-9a-fA-F]{6}$",
        max_length=7,
        initial="#1d70b8",
        widget=forms.TextInput(attrs={"type": "color"}),
    )

    def __init__(self, *args, parents=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if parents is not None:
            self.fields["parent"] = forms.ModelChoiceField(
                queryset=parents, required=False, label="Sub-code of", empty_label="(top level)"
            )


class CodeChoiceForm(forms.Form):
    def __init__(self, *args, codes=(), label="Code", required=True, empty=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["target"] = forms.ModelChoiceField(
            queryset=codes, label=label, required=required, empty_label=empty
        )


class SplitForm(forms.Form):
    name = forms.CharField(max_length=120, label="Name of the new sub-code")


class MemoForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    text = forms.CharField(widget=forms.Textarea, max_length=text_limits.NARRATIVE, label="Memo")


class ThemeForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=text_limits.NOTE
    )

    def __init__(self, *args, codes=(), themes=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["parent"] = forms.ModelChoiceField(
            queryset=themes, required=False, label="Sub-theme of", empty_label="(a main theme)"
        )
        self.fields["codes"] = forms.ModelMultipleChoiceField(
            queryset=codes, required=False, widget=forms.CheckboxSelectMultiple
        )


class AssignForm(forms.Form):
    def __init__(self, *args, transcripts=(), coders=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["transcript"] = forms.ModelChoiceField(queryset=transcripts)
        self.fields["coders"] = forms.ModelMultipleChoiceField(
            queryset=coders, widget=forms.CheckboxSelectMultiple
        )


class UnitForm(forms.Form):
    unit = forms.ChoiceField(
        choices=[("character", "Character"), ("sentence", "Sentence"), ("turn", "Speaker turn")],
        initial="sentence",
        label="Unit of agreement",
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        max_length=text_limits.SEARCH, label="Search transcripts and codes", required=False
    )


class QdpxImportForm(forms.Form):
    file = forms.FileField(label="REFI-QDA project (.qdpx)")

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > QDPX_MAX:
            raise forms.ValidationError("The file is larger than 50 MB.")
        return upload
