"""The dashboard's period and comparison, chosen in the page's GET form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from alongside.reports.periods import Period, default_period

COMPARE_CHOICES = [
    ("", "Nothing"),
    ("previous", "The period just before"),
    ("period", "Another period"),
    ("service", "Another service, same period"),
]


class PeriodForm(forms.Form):
    start = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    end = forms.DateField(
        label="To", widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    compare = forms.ChoiceField(label="Compare with", choices=COMPARE_CHOICES, required=False)
    compare_start = forms.DateField(
        label="Other period from", widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    compare_end = forms.DateField(
        label="Other period to", widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    compare_service = forms.CharField(
        label="Other service", required=False, widget=forms.Select, max_length=60
    )

    def __init__(
        self, data: Any, *, today: dt.date, services: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.today = today
        # A slug the person may not see is answered 404 by the view, never "invalid choice".
        self.fields["compare_service"].widget.choices = [("", "Choose a service"), *services]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        fallback = default_period(self.today)
        start, end = data.get("start") or fallback.start, data.get("end") or fallback.end
        if end < start:
            self.add_error("end", "The period must end on or after the day it starts.")
            return data
        data["period"] = Period(start, end)
        compare = data.get("compare")
        data["other_period"] = None
        if compare == "previous":
            data["other_period"] = data["period"].previous()
        elif compare == "period":
            other_start, other_end = data.get("compare_start"), data.get("compare_end")
            if not other_start:
                self.add_error("compare_start", "Enter the day the other period starts.")
            if not other_end:
                self.add_error("compare_end", "Enter the day the other period ends.")
            if other_start and other_end:
                if other_end < other_start:
                    self.add_error(
                        "compare_end", "The other period must end on or after the day it starts."
                    )
                else:
                    data["other_period"] = Period(other_start, other_end)
        elif compare == "service" and not data.get("compare_service"):
            self.add_error("compare_service", "Choose the service to compare with.")
        return data


def period_query(request_get: Any) -> str:
    """The form's part of a query string, to carry the period into chart and file links."""
    keep = ("start", "end", "compare", "compare_start", "compare_end", "compare_service")
    parts = request_get.copy()
    for key in list(parts.keys()):
        if key not in keep:
            del parts[key]
    return parts.urlencode()
