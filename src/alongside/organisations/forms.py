from django import forms

from alongside.organisations.models import Service


class ServiceSettingsForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = [
            "name",
            "country",
            "occupation_classification",
            "time_zone",
            "first_therapist_contact_days",
            "mentor_introduced_days",
            "supervision_grace_days",
            "emergency_number",
            "crisis_line",
            "duty_phone",
            "support_resources",
            "crisis_escalation_minutes",
            "import_day_first",
        ]
        labels = {
            "emergency_number": "Emergency number",
            "crisis_line": "Crisis line",
            "duty_phone": "Supervising therapists' phone",
            "support_resources": "Support for mentors",
            "crisis_escalation_minutes": "Tell managers after (minutes)",
            "import_day_first": "Referral lists use day/month/year",
        }

    def clean_time_zone(self) -> str:
        import zoneinfo

        value = self.cleaned_data["time_zone"]
        if value not in zoneinfo.available_timezones():
            raise forms.ValidationError(
                "Use a time zone name such as Australia/Melbourne or Europe/London."
            )
        return value

    def clean_country(self) -> str:
        value = self.cleaned_data["country"].upper()
        if len(value) != 2 or not value.isalpha():
            raise forms.ValidationError("Use the two-letter country code, such as AU or GB.")
        return value
