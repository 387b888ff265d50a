from __future__ import annotations

import zoneinfo

from django import forms

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _zones() -> list[tuple[str, str]]:
    return [("", "The time zone of my service")] + [
        (zone, zone.replace("_", " ")) for zone in sorted(zoneinfo.available_timezones())
    ]


class PreferenceForm(forms.Form):
    opt_out_non_essential = forms.BooleanField(
        required=False,
        label="Keep reminders and nudges in the app only",
        help_text="Messages about someone's safety are still e-mailed.",
    )
    email_enabled = forms.BooleanField(required=False, label="Send me e-mails")
    sms_enabled = forms.BooleanField(required=False, label="Send me text messages")
    phone = forms.CharField(
        required=False,
        max_length=40,
        label="Mobile number for text messages",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    quiet_hours_start = forms.TimeField(
        required=False,
        widget=TIME,
        label="Quiet hours start",
        help_text="No reminders are sent between the start and the end, e.g. 21:00 to 08:00.",
    )
    quiet_hours_end = forms.TimeField(required=False, widget=TIME, label="Quiet hours end")
    time_zone = forms.ChoiceField(required=False, choices=_zones, label="Time zone")
