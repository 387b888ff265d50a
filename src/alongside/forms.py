"""Form helpers shared by every app's views."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

from alongside.core import person_details


class FormRenderer(TemplatesSetting):
    """The one way a form is drawn: ``{{ form }}`` is ``templates/_form.html`` (the error
    summary, then each field with its label, hint and errors), and widgets use the
    project's templates (``templates/django/forms/``)."""

    form_template_name = "_form.html"


def service_errors_to_form(
    form: Any, error: ValidationError, aliases: Mapping[str, str] | None = None
) -> None:
    """Show a service's ValidationError on the form that fed it.

    Services name model fields; ``aliases`` maps those to form fields where
    they differ. Errors for fields the form lacks go to the top of the form.
    """
    if not hasattr(error, "error_dict"):
        for problem in error.messages:
            form.add_error(None, problem)
        return
    for field, problems in error.message_dict.items():
        name = (aliases or {}).get(field, field)
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


def validate_person_name(value: str) -> None:
    """Form-field validator for a person's name (alongside.core.person_details)."""
    try:
        person_details.person_name(value)
    except ValueError as error:
        raise ValidationError(str(error), code="invisible_character") from None
