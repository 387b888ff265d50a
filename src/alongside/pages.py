"""The shapes every app's pages share, written once: render a page or its htmx
fragment, post a small form to a service, show a service's refusal as messages.

Views stay thin (parse → selector/service → render); these three functions are that
sentence, so a fix to how a refusal is shown or a fragment is chosen lands everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from alongside.forms import service_errors_to_form

FormT = TypeVar("FormT", bound=BaseForm)


def render_page(
    request: HttpRequest,
    page: str,
    fragment: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    """The whole page, or only the fragment it swaps when htmx asks for it."""
    template = fragment if getattr(request, "htmx", False) else page
    return render(request, template, dict(context), status=status)


def error_words(error: ValidationError) -> str:
    """A service's refusal as one sentence (every problem, field-bound or not)."""
    return " ".join(error.messages)


def messages_error(request: HttpRequest, error: ValidationError) -> None:
    """A service's refusal shown at the top of the next page, one message a problem."""
    for problem in error.messages:
        messages.error(request, problem)


def form_post(
    request: HttpRequest,
    form: FormT,
    write: Callable[[dict[str, Any]], object],
    *,
    done: str,
    success_url: str,
    reshow: Callable[[FormT], HttpResponse],
    aliases: Mapping[str, str] | None = None,
) -> HttpResponse:
    """Validate ``form``, hand its values to the service, then say ``done`` and redirect.

    A form that does not parse, or a service that refuses (``ValidationError``), comes
    back through ``reshow(form)`` with the errors beside their fields (``aliases`` maps
    the service's field names to the form's). A GET only shows the form.
    """
    if request.method == "POST" and form.is_valid():
        try:
            write(form.cleaned_data)
        except ValidationError as error:
            service_errors_to_form(form, error, aliases)
        else:
            messages.success(request, done)
            return redirect(success_url)
    return reshow(form)
