"""Forms of the patient pathway: they parse input; the services decide."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, ClassVar, cast

from django import forms
from django.urls import reverse

from alongside.core import text_limits
from alongside.core.codes import classification
from alongside.core.injury_details import DETAIL_FIELDS
from alongside.organisations.models import Service
from alongside.patients import importing
from alongside.patients.models import (
    Capacity,
    CapacityCertificate,
    ConsentKind,
    ConsentMethod,
    ContactMode,
    EligibilityRules,
    EmployerContact,
    Gender,
    Goal,
    GoalStatus,
    HoldReason,
    InjuryCategory,
    Patient,
    PatientStatus,
    PhasedReturnStep,
    WorkStatus,
    WorkStatusKind,
)
from alongside.patients.services import (
    INJURY_FIELDS,
    PERSON_FIELDS,
    PREFERENCE_FIELDS,
    REFERRER_FIELDS,
    RETURN_TO_WORK,
    WORK_FIELDS,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ListField(forms.CharField):
    """Several values in one box, separated by commas or semicolons."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", text_limits.LIST_TEXT)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        # Checked on the text: the length validator would otherwise count the values.
        if self.max_length is not None and len(text) > self.max_length:
            raise forms.ValidationError(
                f"Keep this to {self.max_length:,} characters (it has {len(text):,}).",
                code="max_length",
            )
        return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value


def _code_lookups(form: forms.BaseForm, service: Service | None = None) -> None:
    """Mark the code boxes for static/alongside/combobox.js: with JavaScript they
    offer matching codes as you type (WAI-ARIA combobox); without, they stay plain
    text boxes and the service checks what is typed."""
    lookups = {
        "occupation_code": "patients:occupation_lookup",
        "icd10_codes": "patients:icd10_lookup",
    }
    for name, url in lookups.items():
        field = form.fields.get(name)
        if field is None:
            continue
        attrs = {"data-lookup": reverse(url), "autocomplete": "off", "spellcheck": "false"}
        if name == "icd10_codes":
            attrs["data-lookup-multiple"] = "true"
        if service is not None:
            attrs["data-lookup-service"] = str(service.pk)
        field.widget.attrs.update(attrs)


def _injury_details(form: forms.BaseForm) -> None:
    """Tag each detail field with the kind of injury it describes, for
    static/alongside/injury-fields.js to show only those of the chosen kind. The
    service clears the others whatever is sent (core.injury_details)."""
    if "injury_category" in form.fields:
        form.fields["injury_category"].widget.attrs["data-injury-category"] = "true"
    for kind, names in DETAIL_FIELDS.items():
        for name in names:
            if name in form.fields:
                form.fields[name].widget.attrs["data-shown-for"] = kind


INJURY_LABELS = {
    "injury_category": "Injury type",
    "sci_level": "SCI neurological level",
    "asia_grade": "ASIA Impairment Scale",
    "tbi_severity": "TBI severity",
    "gcs": "Glasgow Coma Scale (lowest)",
    "pta_days": "Post-traumatic amnesia (days)",
    "amputation_site": "Amputation site",
    "amputation_laterality": "Amputation side",
    "iss": "Injury Severity Score (1–75)",
}


def _dates(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.DateField):
            field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReferralForm(forms.ModelForm):
    service = forms.ModelChoiceField(queryset=Service.objects.none(), empty_label=None)
    icd10_codes = ListField(
        required=False,
        label="ICD-10 codes",
        help_text="Separate codes with commas, for example S14.1, S22.0",
    )
    languages = ListField(required=False, help_text="Separate with commas")

    class Meta:
        model = Patient
        fields = [
            "given_name",
            "family_name",
            "date_of_birth",
            "gender",
            "languages",
            "phone",
            "email",
            "postcode",
            "hospital_number",
            "referral_source",
            "referrer_name",
            "date_of_injury",
            "date_of_admission",
            "date_of_referral",
            "injury_category",
            "icd10_codes",
            *(name for names in DETAIL_FIELDS.values() for name in names),
            "employment_type",
            "occupation_code",
            "employer",
        ]
        labels = {
            "hospital_number": "Hospital (UR/MRN) number",
            "employment_type": "Work or study at injury",
            "occupation_code": "Occupation code",
            **INJURY_LABELS,
        }

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["service"]).queryset = services
        first_two = list(services[:2])
        only = first_two[0] if len(first_two) == 1 else None
        if only is not None:
            self.fields["service"].widget = forms.HiddenInput()
            self.fields["service"].initial = only
        self.order_fields(["service"])
        _dates(self)
        # With several services the look-up reads the chosen one from the form.
        _code_lookups(self, only)
        _injury_details(self)
        self.fields[
            "occupation_code"
        ].help_text = "Type the job or the code, for example electrician, and choose from the list"

    def _post_clean(self) -> None:
        # Model validation happens in services.referral_create, with the service known.
        pass

    def referral_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "service"}


class DeclineForm(forms.Form):
    reason = forms.CharField(
        max_length=text_limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason for declining",
        help_text="Kept with the record for reporting",
    )


class AcceptAnywayForm(forms.Form):
    override_reason = forms.CharField(
        max_length=text_limits.REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Clinical reason for accepting anyway",
        help_text="Kept with the record and in the audit log",
    )


class AllocateForm(forms.Form):
    therapist = forms.TypedChoiceField(coerce=int, label="Allocated therapist")

    def __init__(self, *args: Any, therapists: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["therapist"]).choices = therapists


class DateForm(forms.Form):
    on = forms.DateField(label="Date of first contact", widget=DATE)


class HoldForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why the case is on hold", choices=[("", "Choose a reason"), *HoldReason.choices]
    )
    review_on = forms.DateField(label="Review on", widget=DATE)
    note = forms.CharField(label="Note (optional)", max_length=300, required=False)


class StatusForm(forms.Form):
    """Starts empty, so no status is one accidental click. "Returned to work" is an
    outcome measure: it asks for the date and hours, and is recorded on the work-status
    timeline, which moves the case (the case status follows the timeline)."""

    RETURNED = {
        "returned_phased": WorkStatusKind.PHASED_RETURN,
        "returned_full": WorkStatusKind.FULL_RETURN,
        "returned_new_job": WorkStatusKind.NEW_JOB,
    }

    status = forms.ChoiceField(
        choices=[
            ("", "Choose the new status"),
            ("returned_phased", "Returned to work: phased return"),
            ("returned_full", "Returned to work: full return"),
            ("returned_new_job", "Returned to work: new job"),
            (PatientStatus.DISCHARGED.value, PatientStatus.DISCHARGED.label),
            (PatientStatus.ACTIVE.value, "Re-open as active"),
        ],
        label="Move the case to",
        error_messages={
            "required": "Choose the case's new status.",
            # A page open while someone else moved the case offers a move gone since.
            "invalid_choice": "That move is no longer open to this case: choose one offered.",
        },
    )
    returned_on = forms.DateField(
        label="Back at work from",
        required=False,
        widget=DATE,
        help_text="Only for returned to work",
        error_messages={"invalid": "Enter the date back at work, for example 2026-11-30."},
    )
    hours_per_week = forms.DecimalField(
        label="Hours a week",
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=1,
        help_text="Only for returned to work",
        error_messages={"invalid": "Enter the hours a week as a number, for example 16."},
    )

    def __init__(self, *args: Any, moves: Collection[str] | None = None, **kwargs: Any) -> None:
        """``moves`` (from ``services.status_moves``): offer only those; None offers all."""
        super().__init__(*args, **kwargs)
        if moves is not None:
            field = cast(forms.ChoiceField, self.fields["status"])
            field.choices = [
                (value, label)
                for value, label in cast(list[tuple[str, str]], field.choices)
                if not value
                or value in moves
                or (value in self.RETURNED and RETURN_TO_WORK in moves)
            ]

    @property
    def offers_a_move(self) -> bool:
        choices = cast(forms.ChoiceField, self.fields["status"]).choices
        return len(cast(list[tuple[str, str]], choices)) > 1

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") in self.RETURNED:
            if not data.get("returned_on"):
                self.add_error("returned_on", "Enter the date the patient went back to work.")
            if data.get("hours_per_week") is None:
                self.add_error("hours_per_week", "Enter the hours a week the patient works.")
        return data


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(choices=ConsentKind.choices, label="Consent to")
    given_on = forms.DateField(label="Date given", widget=DATE)
    how_given = forms.ChoiceField(choices=ConsentMethod.choices, label="How it was given")
    note = forms.CharField(required=False, max_length=300)


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Patient's e-mail address",
        max_length=254,
        help_text="They sign in with this address.",
    )
    channel = forms.ChoiceField(
        choices=[("email", "By e-mail"), ("sms", "By text message (SMS)")],
        initial="email",
        required=False,  # e-mail unless the therapist chooses a text message
        widget=forms.RadioSelect,
        label="Send the link that works once, to choose a password",
    )

    def clean_channel(self) -> str:
        return self.cleaned_data.get("channel") or "email"

    def __init__(self, *args: Any, phone: str | None = None, **kwargs: Any) -> None:
        """``phone``: the record's number, named beside the SMS choice ("" for none)."""
        super().__init__(*args, **kwargs)
        if phone is None:
            return
        if phone:
            cast(forms.ChoiceField, self.fields["channel"]).choices = [
                ("email", "By e-mail"),
                ("sms", f"By text message (SMS) to {phone}"),
            ]
        else:
            self.fields[
                "channel"
            ].help_text = "A text message needs a mobile number on the record (Contact details)."


class OwnConsentForm(forms.Form):
    kind = forms.ChoiceField(choices=ConsentKind.choices)


class _ProfileForm(forms.ModelForm):
    def _post_clean(self) -> None:
        pass  # services.patient_update validates against the whole record

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _dates(self)

    def changes(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class InjuryForm(_ProfileForm):
    icd10_codes = ListField(
        required=False,
        label="ICD-10 codes",
        help_text="Separate codes with commas, for example S06.5, S82.2",
    )

    class Meta:
        model = Patient
        fields = list(INJURY_FIELDS)  # the fields the injury service updates, in order
        labels = INJURY_LABELS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _code_lookups(self, self.instance.service)
        _injury_details(self)


class WorkForm(_ProfileForm):
    class Meta:
        model = Patient
        fields = list(WORK_FIELDS)  # the fields the work service updates, in order
        labels = {
            "employment_type": "Work or study at injury",
            "hours_per_week": "Hours per week before injury",
            "job_held_open": "Job held open by the employer",
        }
        widgets = {
            "job_held_open": forms.Select(
                choices=[(None, "Not known"), (True, "Yes"), (False, "No")]
            )
        }

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scheme = classification(service.occupation_classification)
        example = scheme.search("electrician", 1) or [(*scheme.list_codes()[0], "")]
        self.fields["occupation_code"].help_text = (
            f"{scheme.name}: type the job or the code, for example {example[0][1].lower()} "
            f"({example[0][0]}), and choose from the list"
        )
        _code_lookups(self, service)


class DetailsForm(_ProfileForm):
    languages = ListField(required=False, help_text="Separate with commas")
    availability = ListField(required=False, help_text='Weekly slots such as "mon-am, wed-pm"')
    contact_modes = forms.MultipleChoiceField(
        choices=ContactMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Ways the patient is happy to meet a mentor",
    )
    preferred_mentor_gender = forms.ChoiceField(
        choices=[("", "No preference"), *Gender.choices],
        required=False,
    )

    class Meta:
        model = Patient
        fields = [*PERSON_FIELDS, *REFERRER_FIELDS, "date_of_referral", *PREFERENCE_FIELDS]


class PlanRowForm(forms.ModelForm):
    """A form on the case page that adds one row to the return-to-work plan. Its fields
    carry its ``prefix`` on the page and in the POST; ``added`` is what the therapist is
    told after, and ``section`` the part of the case page they are taken back to."""

    added: ClassVar[str]
    section: ClassVar[str]


class GoalForm(PlanRowForm):
    prefix = "goal"
    added = "Goal added."
    section = "#goals"

    class Meta:
        model = Goal
        fields = ["text", "target_on", "shared_with_patient"]
        labels = {
            "text": "Goal",
            "target_on": "Target date",
            "shared_with_patient": "Show this goal to the patient",
        }
        widgets = {"target_on": DATE}


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(choices=GoalStatus.choices, label="Goal status")


class EmployerContactForm(PlanRowForm):
    prefix = "employer"
    added = "Employer contact logged."
    section = "#employer"

    class Meta:
        model = EmployerContact
        fields = ["on", "who", "summary", "agreed"]
        labels = {"on": "Date", "who": "Who (name and role)"}
        widgets = {
            "on": DATE,
            "summary": forms.Textarea(attrs={"rows": 2}),
            "agreed": forms.Textarea(attrs={"rows": 2}),
        }


class CertificateForm(PlanRowForm):
    prefix = "certificate"
    added = "Certificate recorded."
    section = "#certificates"

    capacity = forms.ChoiceField(choices=Capacity.choices)

    class Meta:
        model = CapacityCertificate
        fields = ["from_date", "to_date", "capacity", "hours_per_week", "issued_by", "notes"]
        labels = {"from_date": "From", "to_date": "To"}
        # One line, as before the notes were encrypted (an encrypted field is a TextField).
        widgets = {"from_date": DATE, "to_date": DATE, "notes": forms.TextInput()}


class PhasedStepForm(PlanRowForm):
    prefix = "phased"
    added = "Phased-return week added."
    section = "#phased"

    class Meta:
        model = PhasedReturnStep
        fields = ["week_starting", "hours", "duties"]
        labels = {"hours": "Hours that week"}
        widgets = {"week_starting": DATE}


class WorkStatusForm(PlanRowForm):
    prefix = "work"
    added = "Work status added."
    section = "#work-status"

    class Meta:
        model = WorkStatus
        fields = ["from_date", "status", "hours_per_week", "note"]
        labels = {"from_date": "From", "status": "Work status"}
        widgets = {"from_date": DATE, "note": forms.TextInput()}


class ImportForm(forms.Form):
    service = forms.ModelChoiceField(queryset=Service.objects.none(), empty_label=None)
    file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8 CSV, {importing.LIMITS_LABEL}, with the template's header",
    )
    valid_rows_only = forms.BooleanField(
        required=False,
        label="Import the valid rows even if some rows have problems",
    )

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["service"]).queryset = services
        if services.count() == 1:
            self.fields["service"].widget = forms.HiddenInput()
            self.fields["service"].initial = services.first()


class EligibilityPresetForm(forms.Form):
    preset = forms.ChoiceField(
        label="Rules to apply",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the rules to apply."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from alongside.core.eligibility import PRESETS

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["preset"]).choices = [
            (p.id, p.label) for p in PRESETS.values()
        ]


class EligibilityRulesForm(forms.ModelForm):
    allowed_categories = forms.MultipleChoiceField(
        choices=InjuryCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Injury types the service takes",
    )

    class Meta:
        model = EligibilityRules
        fields = [
            "min_age",
            "max_age",
            "require_working_or_studying",
            "allowed_categories",
            "max_weeks_since_injury",
            "weeks_counted_from",
            "min_iss",
            "paid_work_only",
            "allow_clinical_override",
        ]
        labels = {
            "min_age": "Youngest age at injury",
            "max_age": "Oldest age at injury",
            "require_working_or_studying": "Must have been working or studying when injured",
            "max_weeks_since_injury": "Referred within (weeks)",
            "weeks_counted_from": "Weeks counted from",
            "min_iss": "Minimum Injury Severity Score",
            "paid_work_only": "Only paid work counts",
        }


def caseload_filters(query: Any) -> Any:
    """The caseload's filters from a query string (the page and its file share them)."""
    from alongside.patients.selectors import CaseloadFilters

    status = query.get("status", "")
    return CaseloadFilters(
        status=status if status in PatientStatus.values else "",
        therapist=query.get("therapist", ""),
        overdue=query.get("overdue") == "1",
        q=query.get("q", "")[:100],
    )
