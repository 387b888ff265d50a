"""Forms of the mentor programme. Rules are checked by ``services``; forms map
their refusals onto the fields so the page names the field at fault."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from alongside.core import FieldProblem, text_limits
from alongside.core import mentor_programme as rules
from alongside.core.codes import AMPUTATION_SITES, ASIA_GRADES, SCI_LEVELS, TBI_SEVERITIES
from alongside.core.vocabulary import AVAILABILITY_SLOTS, slot_words
from alongside.mentors import services
from alongside.mentors.models import (
    CheckKind,
    CheckOutcome,
    ContactMode,
    CriterionKind,
    ExpenseStatus,
    InjuryCategory,
    Mentor,
    MentorStatus,
    SelectionCriterion,
    SupervisionKind,
    TrainingModule,
)
from alongside.organisations.models import Service

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("yes", "Yes"), ("no", "No")]
SLOT_CHOICES = [(slot, slot_words(slot)) for slot in AVAILABILITY_SLOTS]


def _blank(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


class CommaListField(forms.CharField):
    """A list typed as words separated by commas (ICD-10 codes, languages)."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = cast(str, super().to_python(value))  # never None: empty_value is ""
        # Checked on the text: the length validator would otherwise count the values.
        if self.max_length is not None and len(text) > self.max_length:
            raise forms.ValidationError(
                f"Keep this to {self.max_length:,} characters (it has {len(text):,}).",
                code="max_length",
            )
        return [part.strip() for part in text.split(",") if part.strip()]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(value)
        return value


class MentorForm(forms.ModelForm):
    icd10_codes = CommaListField(
        required=False,
        max_length=text_limits.LIST_TEXT,
        label="ICD-10 codes",
        help_text="Separate codes with commas, for example S14.1, S06.2",
    )
    languages = CommaListField(
        required=False,
        max_length=text_limits.LIST_TEXT,
        help_text="Separate languages with commas, for example English, Greek",
    )
    sci_level = forms.ChoiceField(
        required=False,
        label="Spinal cord injury: neurological level",
        choices=_blank([(v, v) for v in SCI_LEVELS]),
    )
    asia_grade = forms.ChoiceField(
        required=False,
        label="Spinal cord injury: ASIA grade",
        choices=_blank([(v, v) for v in ASIA_GRADES]),
    )
    tbi_severity = forms.ChoiceField(
        required=False,
        label="Brain injury: severity",
        choices=_blank([(v, v.capitalize()) for v in TBI_SEVERITIES]),
    )
    amputation_site = forms.ChoiceField(
        required=False,
        label="Amputation: site",
        choices=_blank([(s.id, s.title) for s in AMPUTATION_SITES]),
    )
    topics_to_avoid = CommaListField(
        required=False,
        max_length=text_limits.LIST_TEXT,
        label="Topics they prefer not to discuss",
        help_text="Separate topics with commas, for example the crash itself, compensation claims",
    )
    contact_modes = forms.MultipleChoiceField(
        required=False,
        choices=ContactMode.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Ways of meeting offered",
    )
    availability = forms.MultipleChoiceField(
        required=False,
        choices=SLOT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        label="Usually available",
    )
    willing_categories = forms.MultipleChoiceField(
        required=False,
        choices=InjuryCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Willing to mentor people with",
    )
    capacity = forms.IntegerField(
        label="Capacity (most mentees at once)",
        help_text="From 0 to 20",
    )

    class Meta:
        model = Mentor
        fields = list(services.PROFILE_FIELDS)
        labels = {
            "email": "E-mail",
            "date_of_injury": "Date of injury",
            "occupation_code": "Occupation code",
            "returned_to_work_on": "Returned to work on",
            "rtw_story": "How they returned to work",
            "travel_radius_km": "Will travel (km)",
            "supervision_every_weeks": "Supervision every (weeks)",
            "birth_year": "Year of birth",
            "amputation_laterality": "Amputation: side",
            "rtw_occupation_code": "Job after injury (occupation code)",
            "rtw_employer": "Went back to",
            "rtw_adjustments": "Adjustments at work",
        }
        widgets = {"date_of_injury": DATE, "returned_to_work_on": DATE}

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        from alongside.mentors.selectors import supervisors_for

        supervisor = cast(forms.ModelChoiceField, self.fields["supervisor"])
        supervisor.queryset = supervisors_for(service.pk)
        self.fields[
            "occupation_code"
        ].help_text = f"A code from {service.get_occupation_classification_display()}"
        self.fields["rtw_occupation_code"].help_text = (
            "The job they went back to, a code from "
            f"{service.get_occupation_classification_display()}"
        )
        self.fields["latitude"].required = False
        self.fields["longitude"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = {k: data.get(k) for k in services.PROFILE_FIELDS if k in data}
        try:
            data.update(services.validate_profile(service=self.service, values=values))
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        return data

    def profile_values(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k) for k in services.PROFILE_FIELDS}


class NewMentorServiceForm(forms.Form):
    service = forms.ModelChoiceField(queryset=Service.objects.none(), empty_label=None)


class StatusForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=text_limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason",
    )


class CriterionResultForm(forms.Form):
    criterion = forms.ModelChoiceField(queryset=SelectionCriterion.objects.none(), empty_label=None)
    met = forms.ChoiceField(choices=[("yes", "Met"), ("no", "Not met")], widget=forms.RadioSelect)
    notes = forms.CharField(
        required=False, max_length=text_limits.NOTE, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, mentor: Mentor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        criterion = cast(forms.ModelChoiceField, self.fields["criterion"])
        criterion.queryset = SelectionCriterion.objects.filter(
            service_id=mentor.service_id, kind=CriterionKind.RECORDED
        )
        self.auto_id = "criterion_%s"


class CheckForm(forms.Form):
    kind = forms.ChoiceField(choices=CheckKind.choices, label="Check")
    outcome = forms.ChoiceField(choices=CheckOutcome.choices)
    issued_on = forms.DateField(widget=DATE, label="Issued on")
    expires_on = forms.DateField(
        widget=DATE,
        required=False,
        label="Expires on",
        help_text=(
            "Leave empty when the certificate carries no expiry date (a DBS certificate has "
            "none): the service's re-check period for this kind of check then applies"
        ),
    )
    reference = forms.CharField(
        required=False,
        max_length=120,
        label="Certificate number, or the referee's name",
        help_text="Each referee's reference is kept as its own record",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.auto_id = "check_%s"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("issued_on"):
            try:
                rules.validate_check_dates(
                    data["issued_on"], data.get("expires_on"), timezone.localdate()
                )
            except FieldProblem as problem:
                self.add_error(problem.field, problem.message)
        return data


class TrainingCompletionForm(forms.Form):
    module = forms.ModelChoiceField(
        queryset=TrainingModule.objects.none(), empty_label=None, label="Training module"
    )
    completed_on = forms.DateField(widget=DATE, label="Completed on")

    def __init__(self, *args: Any, mentor: Mentor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        module = cast(forms.ModelChoiceField, self.fields["module"])
        module.queryset = TrainingModule.objects.filter(service_id=mentor.service_id)
        self.auto_id = "training_%s"


class SupervisionForm(forms.Form):
    held_on = forms.DateField(widget=DATE, label="Held on")
    kind = forms.ChoiceField(choices=SupervisionKind.choices, label="Type")
    topics = forms.CharField(
        required=False, max_length=text_limits.NARRATIVE, widget=forms.Textarea(attrs={"rows": 2})
    )
    actions = forms.CharField(
        required=False, max_length=text_limits.NARRATIVE, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_due_on = forms.DateField(
        widget=DATE,
        required=False,
        label="Next session due",
        help_text="Leave empty to use the mentor's usual cadence",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.auto_id = "supervision_%s"


class SelectionCriterionForm(forms.ModelForm):
    class Meta:
        model = SelectionCriterion
        fields = ["name", "description", "required", "kind", "min_months", "order"]
        labels = {
            "name": "Name",
            "description": "Description",
            "kind": "How it is checked",
            "required": "Required before a mentor can be active",
            "min_months": "Least months since injury",
            "order": "Order on the checklist",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == CriterionKind.MONTHS_SINCE_INJURY and not data.get("min_months"):
            self.add_error("min_months", "Give the least number of months since injury.")
        return data


class TrainingModuleForm(forms.ModelForm):
    class Meta:
        model = TrainingModule
        fields = ["title", "description", "required", "recertify_months", "required_from", "order"]
        labels = {
            "title": "Title",
            "description": "Description",
            "required": "Required before a mentor can be active or matched",
            "recertify_months": "Redo every (months)",
            "required_from": "Required for new matches from",
            "order": "Order on the list",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "required_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class CheckInForm(forms.Form):
    score = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        choices=[
            (5, "5 — going really well"),
            (4, "4 — going well"),
            (3, "3 — okay"),
            (2, "2 — finding it hard"),
            (1, "1 — finding it very hard"),
        ],
        label="How are you finding mentoring at the moment?",
    )
    affecting_me = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        label="Is mentoring affecting you in a way that worries you?",
    )
    wants_to_talk = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        label="Would you like to talk to your supervisor?",
    )
    comment = forms.CharField(
        required=False,
        max_length=text_limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Anything else you want to tell us",
        help_text="Optional",
    )


class OwnProfileForm(forms.Form):
    """What a mentor keeps current themself (core.mentor_programme.OWN_PROFILE_FIELDS)."""

    availability = forms.MultipleChoiceField(
        required=False,
        choices=SLOT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        label="When are you usually available?",
        help_text="Tick every time of the week that usually suits you.",
    )
    contact_modes = forms.MultipleChoiceField(
        required=False,
        choices=ContactMode.choices,
        widget=forms.CheckboxSelectMultiple,
        label="How can you meet?",
    )
    travel_radius_km = forms.IntegerField(
        min_value=0,
        max_value=300,
        label="How far will you travel to meet someone (km)?",
        help_text="From 0 to 300 kilometres",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter how far you will travel, from 0 to 300 km.",
            "invalid": "Enter how far you will travel as a whole number of kilometres.",
            "min_value": "Enter how far you will travel, from 0 to 300 km.",
            "max_value": "Enter how far you will travel, from 0 to 300 km.",
        },
    )
    rtw_story = forms.CharField(
        required=False,
        max_length=text_limits.NARRATIVE,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Your story of getting back to work",
        help_text="What you would like a new mentee to know. Your supervisor can read it.",
    )
    topics_to_avoid = CommaListField(
        required=False,
        max_length=text_limits.LIST_TEXT,
        label="Topics you prefer not to discuss",
        help_text="Separate topics with commas, for example the crash itself, compensation claims",
    )

    @classmethod
    def for_mentor(cls, mentor: Mentor, data: Any = None) -> OwnProfileForm:
        initial = {name: getattr(mentor, name) for name in cls.base_fields}
        return cls(data, initial=initial)


class ExpenseClaimForm(forms.Form):
    spent_on = forms.DateField(widget=DATE, label="Date spent")
    purpose = forms.CharField(
        max_length=200, label="What was it for?", help_text="For example: parking at the hospital"
    )
    amount = forms.DecimalField(max_digits=8, decimal_places=2, min_value=0.01, label="Amount")
    receipt = forms.FileField(
        required=False,
        label="Receipt",
        help_text="A photo (JPEG, PNG, GIF or WebP) or a PDF, up to 5 MB",
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    def clean_spent_on(self) -> dt.date:
        spent_on: dt.date = self.cleaned_data["spent_on"]
        if spent_on > timezone.localdate():
            raise ValidationError("The date spent cannot be in the future.")
        return spent_on

    def clean_receipt(self) -> Any:
        upload = self.cleaned_data.get("receipt")
        if upload:
            try:
                services.receipt_content_type(upload)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["receipt"]) from None
        return upload


class ExpenseDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")], widget=forms.RadioSelect
    )
    note = forms.CharField(
        required=False, max_length=500, label="Note", help_text="Needed when rejecting"
    )


class CheckInAcknowledgeForm(forms.Form):
    debrief_on = forms.DateField(
        widget=DATE, required=False, label="Book a debrief on", help_text="Optional"
    )


class DebriefBookForm(forms.Form):
    booked_on = forms.DateField(widget=DATE, label="Debrief on")


def expense_status_filter(query: Any) -> str:
    """The expenses list's status filter (claims waiting for a decision unless asked;
    empty means every status); the page and its file share it."""
    status = str(query.get("status", ExpenseStatus.SUBMITTED))
    return status if status in ExpenseStatus.values or status == "" else ExpenseStatus.SUBMITTED


def mentor_filters(query: Any) -> tuple[MentorFilterForm, Any]:
    """The mentors list's filters from a query string (the page and its file share them)."""
    from alongside.mentors.selectors import MentorFilters

    form = MentorFilterForm(query or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, MentorFilters(
        status=data.get("status") or "",
        injury_category=data.get("injury_category") or "",
        capacity_left=data.get("capacity_left"),
        supervision=data.get("supervision") or "",
        checks=data.get("checks") or "",
        q=data.get("q") or "",
    )


class MentorFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=text_limits.SEARCH, label="Name")
    status = forms.ChoiceField(required=False, choices=_blank(MentorStatus.choices))
    injury_category = forms.ChoiceField(
        required=False, choices=_blank(InjuryCategory.choices), label="Injury"
    )
    capacity_left = forms.IntegerField(
        required=False, min_value=0, max_value=rules.MAX_CAPACITY, label="Places free (at least)"
    )
    supervision = forms.ChoiceField(
        required=False,
        label="Supervision",
        choices=[("", "—"), ("due", "Due within a week"), ("overdue", "Overdue")],
    )
    checks = forms.ChoiceField(
        required=False,
        label="Checks",
        choices=[("", "—"), ("expiring", "Expiring within 30 days or expired")],
    )


class CheckRenewalForm(forms.Form):
    """How often each kind of check is redone; empty keeps the programme's default."""

    def __init__(self, *args: Any, current: dict[str, int], **kwargs: Any) -> None:
        from alongside.core.mentor_programme import DEFAULT_RENEWAL_MONTHS
        from alongside.core.vocabulary import CheckKind

        super().__init__(*args, **kwargs)
        for kind in CheckKind:
            default = DEFAULT_RENEWAL_MONTHS.get(kind.value)
            self.fields[kind.value] = forms.IntegerField(
                label=f"{kind.label}: redo every (months)",
                required=False,
                min_value=1,
                max_value=120,
                initial=current.get(kind.value),
                help_text=f"Leave empty for the default of {default} months. "
                "Used when the check carries no expiry date.",
                error_messages={
                    "min_value": f"Enter at least 1 month for the {kind.label.lower()}.",
                    "max_value": f"Enter at most 120 months for the {kind.label.lower()}.",
                    "invalid": f"Enter a whole number of months for the {kind.label.lower()}.",
                },
            )
