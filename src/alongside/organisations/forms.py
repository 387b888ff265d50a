from functools import cache

from django import forms

from alongside.core.eligibility import PRESETS
from alongside.core.targets import holiday_countries
from alongside.organisations.models import (
    Icd10Modification,
    OccupationClassification,
    Service,
    country_name,
)


@cache
def country_choices() -> list[tuple[str, str]]:
    """The countries a service can be in, by their English names (CLDR, through Babel)."""
    return sorted(((c, country_name(c)) for c in holiday_countries()), key=lambda c: c[1])


def _country_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Country",
        choices=lambda: [("", "Choose the country"), *country_choices()],
        help_text="Its public holidays are left out when targets count working days.",
        error_messages={"required": "Choose the service's country."},
    )


class ServiceSettingsForm(forms.ModelForm):
    country = _country_field()

    class Meta:
        model = Service
        fields = [
            "name",
            "country",
            "subdivision",
            "occupation_classification",
            "icd10_modification",
            "time_zone",
            "first_therapist_contact_days",
            "mentor_introduced_days",
            "mentor_clock_start",
            "supervision_grace_days",
            "emergency_number",
            "crisis_line",
            "duty_phone",
            "support_resources",
            "crisis_escalation_minutes",
            "import_day_first",
        ]
        labels = {
            "name": "Service name",
            "country": "Country",
            "subdivision": "State or nation",
            "occupation_classification": "Occupation classification",
            "icd10_modification": "ICD-10 edition",
            "time_zone": "Time zone",
            "first_therapist_contact_days": "First therapist contact within (working days)",
            "mentor_introduced_days": "Peer mentor introduced within (days)",
            "mentor_clock_start": "Mentor-introduction clock starts at",
            "supervision_grace_days": "Supervision may be overdue by (days)",
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

    def clean_subdivision(self) -> str:
        from alongside.core.targets import validate_holiday_calendar

        country = (self.cleaned_data.get("country") or "").upper()
        subdivision = self.cleaned_data["subdivision"].strip().upper()
        if country and subdivision:
            try:
                validate_holiday_calendar(country, subdivision)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
        return subdivision


class ServiceCreateForm(forms.Form):
    """A superuser's form for a new service; service_create checks every value."""

    name = forms.CharField(label="Service name", max_length=200)
    slug = forms.CharField(
        label="Short name", max_length=60, help_text="In addresses: letters, numbers, hyphens"
    )
    time_zone = forms.CharField(label="Time zone", max_length=64, help_text="e.g. Europe/London")
    country = _country_field()
    subdivision = forms.CharField(
        label="State or nation",
        max_length=10,
        required=False,
        help_text="For public holidays, e.g. ENG, SCT, VIC, NSW",
    )
    classification = forms.ChoiceField(
        label="Occupation classification", choices=OccupationClassification.choices
    )
    icd10_modification = forms.ChoiceField(
        label="ICD-10 edition",
        choices=[("", "Default for the country"), *Icd10Modification.choices],
        required=False,
    )
    eligibility_preset = forms.ChoiceField(
        label="Eligibility rules to start from",
        choices=[("", "Default for the country")] + [(p.id, p.label) for p in PRESETS.values()],
        required=False,
    )
    manager_email = forms.EmailField(label="First manager's e-mail", max_length=254)
    manager_name = forms.CharField(
        label="First manager's full name", required=False, max_length=200
    )


class ClosureDaysForm(forms.Form):
    first_day = forms.DateField(
        label="First closed day",
        help_text="For example, 2026-12-24",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the first closed day.",
            "invalid": "Enter the first closed day as a date, for example 2026-12-24.",
        },
    )
    last_day = forms.DateField(
        label="Last closed day",
        required=False,
        help_text="Leave empty to close one day",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": "Enter the last closed day as a date, for example 2027-01-01.",
        },
    )
    reason = forms.CharField(
        label="Reason", max_length=100, required=False, help_text="For example, Christmas closure"
    )
