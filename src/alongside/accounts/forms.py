from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from alongside.accounts.identity import normalise_email
from alongside.accounts.models import TOKEN_DAYS_DEFAULT, Role
from alongside.accounts.scopes import SCOPES
from alongside.forms import validate_person_name


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="E-mail",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": (
            "That e-mail and password do not match an account. Check both and try again."
        ),
        "inactive": "This account has been switched off. Ask your service manager.",
    }

    def clean_username(self) -> str:
        # The same spelling the lockout counts (AXES_USERNAME_CALLABLE).
        return normalise_email(self.cleaned_data.get("username"))


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label="E-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data.get("email"))


class TokenCodeForm(forms.Form):
    token = forms.CharField(
        label="6-digit code from your authenticator app",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordRecheckForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PersonInviteForm(forms.Form):
    email = forms.EmailField(label="E-mail")
    full_name = forms.CharField(
        label="Full name", max_length=200, validators=[validate_person_name]
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label="What is this token for?", max_length=100)
    days = forms.TypedChoiceField(
        label="Stops working after",
        coerce=int,
        choices=[
            (7, "7 days"),
            (30, "30 days"),
            (90, "90 days"),
            (180, "180 days"),
            (365, "1 year"),
        ],
        initial=TOKEN_DAYS_DEFAULT,
        help_text="Choose the shortest time your script needs; you can make a new token later.",
    )
    scopes = forms.MultipleChoiceField(
        label="What may it do?",
        choices=[(name, f"{text} ({name})") for name, text in SCOPES.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick only what your script needs. It can never do more than you can.",
        error_messages={"required": "Tick at least one thing the token may do."},
    )

    def __init__(self, *args: Any, usable: Iterable[str] | None = None, **kwargs: Any) -> None:
        """``usable`` (``scopes.usable_scopes``): offer only those; None offers every scope."""
        super().__init__(*args, **kwargs)
        if usable is not None:
            field = cast(forms.MultipleChoiceField, self.fields["scopes"])
            keep = set(usable)
            offered = cast(list[tuple[str, str]], field.choices)
            field.choices = [(name, label) for name, label in offered if name in keep]
