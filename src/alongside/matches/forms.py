from __future__ import annotations

from typing import Any, cast

from django import forms

from alongside.core.matching import CRITERIA
from alongside.core.matching.explain import CRITERION_LABELS
from alongside.matches.models import EndReason, MatchStatus


class ProposeForm(forms.Form):
    mentor = forms.IntegerField(widget=forms.HiddenInput)
    override_repeat = forms.BooleanField(
        required=False,
        label="Propose again although they were matched before",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say briefly why."},
    )


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label="Anything you would like to tell your therapist (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EndForm(forms.Form):
    reason = forms.ChoiceField(label="Why did the match end?", choices=EndReason.choices)
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=500,
        help_text="Needed when the reason is “Other”.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ActivateForm(forms.Form):
    on = forms.DateField(
        label="Date the mentor was introduced",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


STATUS_FILTER_CHOICES = [
    ("", "Any"),
    ("open", "Open (not declined or ended)"),
    *MatchStatus.choices,
]


class MatchFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=STATUS_FILTER_CHOICES, required=False)
    needs_review = forms.BooleanField(label="Needs review only", required=False)


def match_filters(query: Any) -> tuple[MatchFilterForm, Any]:
    """The matches list's filters from a query string (the page and its file share them)."""
    from alongside.matches.selectors import StaffFilters

    form = MatchFilterForm(query or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, StaffFilters(
        status=data.get("status") or "", needs_review=bool(data.get("needs_review"))
    )


class WeightsForm(forms.Form):
    """One number per similarity criterion; zero switches a criterion off."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in CRITERIA:
            self.fields[name] = forms.FloatField(
                label=CRITERION_LABELS.get(name, name),
                min_value=0,
                max_value=100,
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
                error_messages={
                    "required": "Enter a number (0 or more).",
                    "invalid": "Enter a number (0 or more).",
                    "min_value": "A weight cannot be negative.",
                },
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if all(name in data for name in CRITERIA) and not any(data[n] > 0 for n in CRITERIA):
            raise forms.ValidationError("At least one weight must be more than 0.")
        return data

    def values(self) -> dict[str, float]:
        return {name: float(self.cleaned_data[name]) for name in CRITERIA}


class PreviewPatientForm(forms.Form):
    patient = forms.TypedChoiceField(label="Sample patient", coerce=int, required=False)

    def __init__(self, *args: Any, patients: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["patient"]).choices = [
            (p.pk, f"{p.full_name} (#{p.pk})") for p in patients
        ]


class BatchPublishForm(forms.Form):
    """The pairs the therapist kept ticked, each as "patient id:mentor id"."""

    pair = forms.MultipleChoiceField(
        label="Proposals to publish",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one proposal to publish."},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["pair"]).choices = choices

    def pairs(self) -> list[tuple[int, int]]:
        result = []
        for value in self.cleaned_data["pair"]:
            patient_id, _, mentor_id = value.partition(":")
            result.append((int(patient_id), int(mentor_id)))
        return result
