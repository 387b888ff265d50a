from __future__ import annotations

from django import forms

from alongside.privacy.models import RETENTION_LIMITS, RetentionSettings, SubjectType


class RetentionForm(forms.ModelForm[RetentionSettings]):
    class Meta:
        model = RetentionSettings
        fields = ["patient_years", "child_until_age", "mentor_years"]
        labels = {
            "patient_years": "Years to keep an adult patient's record after discharge",
            "child_until_age": "Keep a child's record at least until this birthday",
            "mentor_years": "Years to keep a mentor's record after they retire or are declined",
        }
        help_texts = {
            "patient_years": "Whole years, from 1 to 100. Many services keep adults' "
            "records for 7 years.",
            "child_until_age": "For someone under 18 when discharged: an age from 18 to 100, "
            "for example 25. The adult period above applies too, whichever ends later.",
            "mentor_years": "Whole years, from 1 to 100.",
        }
        error_messages = {
            name: {"required": "Enter a number.", "invalid": "Enter a whole number."}
            for name in ("patient_years", "child_until_age", "mentor_years")
        }

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        for name, (low, high, message) in RETENTION_LIMITS.items():
            value = data.get(name)
            if isinstance(value, int) and not low <= value <= high:
                self.add_error(name, message)
        return data


class ErasureRequestForm(forms.Form):
    subject_type = forms.ChoiceField(
        label="Whose records", choices=SubjectType.choices, widget=forms.RadioSelect
    )
    subject_id = forms.IntegerField(
        label="Record number",
        min_value=1,
        help_text="The number at the end of the person's page address, e.g. 42 in /patients/42/",
    )
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: asked by letter of 2 March; identity checked.",
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("erase", "Erase"), ("keep", "Keep")], widget=forms.HiddenInput
    )
    confirm = forms.BooleanField(
        required=False,
        label="I understand this cannot be undone",
    )
    keep_reason = forms.CharField(required=False, max_length=200, label="Why keep these records")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("decision") == "erase" and not data.get("confirm"):
            self.add_error("confirm", "Tick the box to confirm that you understand.")
        if data.get("decision") == "keep" and not str(data.get("keep_reason") or "").strip():
            self.add_error("keep_reason", "Say why these records are kept.")
        return data


class SubjectAccessForm(forms.Form):
    who = forms.CharField(
        label="Whose information",
        max_length=254,
        help_text="Their e-mail address, or patient:42 / mentor:7 for someone without one",
    )
