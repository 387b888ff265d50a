"""Forms for contacts. The log form is built for a phone: big choices, few taps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms

from alongside.contacts.models import (
    MAX_DURATION_MINUTES,
    ConcernKind,
    ConcernStatus,
    LoggedContactMode,
)
from alongside.core import text_limits

DURATION_PICKS = [(str(m), f"{m} min") for m in (10, 20, 30, 45, 60, 90)]


class ContactForm(forms.Form):
    contact_date = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    contact_time = forms.TimeField(
        label="Time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    mode = forms.ChoiceField(
        label="How were you in touch?", choices=LoggedContactMode.choices, widget=forms.RadioSelect
    )
    duration_pick = forms.ChoiceField(
        label="How long?", choices=DURATION_PICKS, widget=forms.RadioSelect, required=False
    )
    duration_other = forms.IntegerField(
        label="Or type the minutes",
        required=False,
        min_value=1,
        max_value=MAX_DURATION_MINUTES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "min_value": "The duration must be at least 1 minute.",
            "max_value": "The duration must be 12 hours (720 minutes) or less.",
        },
    )
    topics = forms.MultipleChoiceField(
        label="What did you talk about?", required=False, widget=forms.CheckboxSelectMultiple
    )
    reflection = forms.CharField(
        label="Your reflection (optional)",
        required=False,
        max_length=text_limits.NARRATIVE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only you and your supervisor can read this. Your mentee never sees it.",
    )
    concern_kind = forms.ChoiceField(
        label="What kind of concern?",
        choices=ConcernKind.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    concern_description = forms.CharField(
        label="Describe the concern",
        required=False,
        max_length=text_limits.NARRATIVE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Your supervising therapist is told straight away.",
    )

    def __init__(
        self,
        *args: Any,
        topics: list[str],
        time_zone: str = "UTC",
        with_concern: bool = True,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(time_zone)
        cast(forms.ChoiceField, self.fields["topics"]).choices = [(t, t) for t in topics]
        if not with_concern:
            del self.fields["concern_kind"]
            del self.fields["concern_description"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        other, pick = data.get("duration_other"), data.get("duration_pick")
        if other is None and not pick and "duration_other" not in self.errors:
            self.add_error("duration_pick", "Choose or type how long the contact lasted.")
        data["duration_minutes"] = other if other is not None else (int(pick) if pick else None)
        kind = data.get("concern_kind")
        if "concern_kind" in self.fields:
            description = (data.get("concern_description") or "").strip()
            if kind and not description:
                self.add_error(
                    "concern_description",
                    "Describe the concern: what happened and what you noticed.",
                )
            if description and not kind:
                self.add_error("concern_kind", "Choose what kind of concern this is.")
        date, time = data.get("contact_date"), data.get("contact_time")
        if date and time:
            # The mentor types the time where the service is.
            data["contact_at"] = dt.datetime.combine(date, time, tzinfo=self.zone)
        return data


class ConcernAcknowledgeForm(forms.Form):
    debrief_on = forms.DateField(
        label="Book a debrief on (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ConcernCloseForm(forms.Form):
    action_taken = forms.CharField(
        label="What was done?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=text_limits.NARRATIVE,
    )


class EngagementSettingsForm(forms.Form):
    first_contact_days = forms.IntegerField(
        label="First contact expected within (days)", min_value=1, max_value=365
    )
    check_in_after_days = forms.IntegerField(
        label="Check in with a pair after (days without contact)", min_value=1, max_value=365
    )
    quiet_after_days = forms.IntegerField(
        label="A pair is quiet after (days without contact)", min_value=1, max_value=365
    )
    topics = forms.CharField(
        label="Contact topics",
        max_length=text_limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="One topic per line.",
    )


YES_NO = [("yes", "Yes"), ("no", "No")]


class SurveyForm(forms.Form):
    usefulness = forms.TypedChoiceField(
        label="How useful was the mentoring? (1 not at all, 5 very)",
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    would_recommend = forms.TypedChoiceField(
        label="Would you recommend peer mentoring to someone in your place?",
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    what_helped = forms.CharField(
        label="What helped? (optional)",
        required=False,
        max_length=text_limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    could_be_better = forms.CharField(
        label="What could be better? (optional)",
        required=False,
        max_length=text_limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@dataclass(frozen=True)
class PairFilters:
    """The pairs page's filters (the page and its file share them)."""

    state: str = ""
    mine_only: bool = False
    needs_attention: bool = False


def pair_filters(query: Any) -> PairFilters:
    from alongside.core.engagement import EngagementState

    state = query.get("state", "")
    return PairFilters(
        state=state if state in EngagementState._value2member_map_ else "",
        mine_only=query.get("mine") == "1",
        needs_attention=query.get("attention") == "1",
    )


def concern_status_filter(query: Any) -> str:
    """The concerns inbox's status filter; anything unknown shows every concern."""
    status = query.get("status", "")
    return status if status in ConcernStatus.values else ""
