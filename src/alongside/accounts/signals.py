"""Sign-in, sign-in failure, lockout and sign-out are audited.

Django and django-axes announce these only through signals, so this is the
one place where signals are used: to record, never to decide.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from alongside.accounts.policy import SYSTEM
from alongside.audit.services import audit_record


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.sign_in", target=user)
    if request is not None and hasattr(request, "session"):
        from alongside.config.middleware import mark_session_fresh, remember_time_zone

        remember_time_zone(request.session, user)  # pages after sign-in spend no query on it
        mark_session_fresh(request.session)  # sign-in saves it: no second write a moment later


@receiver(user_logged_out)
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="auth.sign_out", target=user)


def _account_for(credentials: dict[str, Any]) -> Any:
    email = (credentials or {}).get("username") or (credentials or {}).get("email") or ""
    return get_user_model().objects.filter(email__iexact=email).first()


@receiver(user_login_failed)
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any
) -> None:
    account = _account_for(credentials)
    # The typed e-mail is not stored when no such account exists: it may be a
    # password typed into the wrong box.
    audit_record(
        actor=SYSTEM,
        action="auth.sign_in_failed",
        object_type="accounts.user" if account else "",
        object_id=account.pk if account else "",
    )


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any, username: str, ip_address: str, **kw: Any) -> None:
    account = _account_for({"username": username})
    audit_record(
        actor=SYSTEM,
        action="auth.locked_out",
        object_type="accounts.user" if account else "",
        object_id=account.pk if account else "",
    )
