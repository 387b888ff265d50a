"""One form for any instrument, built from its definition."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from alongside.core import text_limits
from alongside.core.instruments import Instrument, Item


def _field(item: Item, number: int, required: bool) -> forms.Field:
    responses = item.responses
    label = f"{number}. {item.text}"
    if responses.kind == "choice":
        return forms.TypedChoiceField(
            label=label,
            choices=[(o.value, o.label) for o in responses.options],
            coerce=int,
            empty_value=None,
            required=required,
            widget=forms.RadioSelect,
        )
    if responses.kind == "scale":
        low, high = responses.lowest, responses.highest
        ends = ""
        if responses.minimum_label or responses.maximum_label:
            ends = f"{low} = {responses.minimum_label}, {high} = {responses.maximum_label}"
        return forms.TypedChoiceField(
            label=label,
            help_text=ends or (responses.unit and f"In {responses.unit}") or "",
            choices=[(value, str(value)) for value in range(low, high + 1)],
            coerce=int,
            empty_value=None,
            required=required,
            widget=forms.RadioSelect,
        )
    if responses.kind == "date":
        return forms.DateField(
            label=label,
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}),
        )
    return forms.CharField(
        label=label,
        required=False,
        max_length=min(responses.max_length, text_limits.NOTE),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswersForm(forms.Form):
    """Fields ``item_<id>`` in item order; ``answers()`` gives the list the scorer takes."""

    def __init__(self, instrument: Instrument, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for number, item in enumerate(instrument.items, start=1):
            if (
                item.responses.kind == "scale"
                and item.responses.highest - item.responses.lowest > 10
            ):
                # Hours a week and the like: a number box, not a hundred radio buttons.
                self.fields[f"item_{item.id}"] = forms.IntegerField(
                    label=f"{number}. {item.text}",
                    min_value=item.responses.lowest,
                    max_value=item.responses.highest,
                    required=False,
                    help_text=item.responses.unit and f"In {item.responses.unit}",
                )
            else:
                # A scored item may be left out: the missing-item rule decides what that
                # means. An unscored questionnaire's own required items must be answered.
                required = instrument.total is None and not item.optional
                self.fields[f"item_{item.id}"] = _field(item, number, required)

    def answers(self) -> list[Any]:
        values = []
        for item in self.instrument.items:
            value: Any = self.cleaned_data.get(f"item_{item.id}")
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            values.append(None if value == "" else value)
        return values


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label="Why are the answers being corrected?",
        max_length=text_limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LicenceForm(forms.Form):
    licence = forms.CharField(
        label="Licence",
        max_length=text_limits.REASON,
        help_text="Who granted it, its reference and its terms (e.g. “University of Warwick, "
        "licence 12345, non-commercial use until 2028”).",
    )
    item_texts = forms.CharField(
        label="The items, one per line, in order, from your licensed form",
        max_length=text_limits.LIST_TEXT * 4,
        widget=forms.Textarea(attrs={"rows": 14}),
    )

    def texts(self) -> list[str]:
        return self.cleaned_data["item_texts"].splitlines()


class TimePointForm(forms.Form):
    instruments = forms.MultipleChoiceField(
        label="Questionnaires asked", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, choices: list[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["instruments"]).choices = choices


class SustainedForm(forms.Form):
    sustained_weeks = forms.IntegerField(label="Weeks in a row at work", min_value=1, max_value=52)
    sustained_percent = forms.IntegerField(
        label="At least this share of the hours worked before the injury (%)",
        min_value=1,
        max_value=100,
    )
