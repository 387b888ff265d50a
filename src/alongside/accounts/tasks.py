"""Background tasks for accounts: e-mail is sent by the worker, never in the request."""

from __future__ import annotations

from django_tasks import task

from alongside.accounts.policy import SYSTEM


@task()
def password_reset_send(*, email: str, domain: str, use_https: bool) -> int:
    """Send the reset link if the address has an account; looked up here, in the worker.

    The web request only queues this task, so it does the same work and takes
    the same time whether or not the account exists.
    """
    from django.contrib.auth.forms import PasswordResetForm

    from alongside.audit.services import audit_record

    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    users = list(form.get_users(form.cleaned_data["email"]))
    form.save(
        domain_override=domain,
        use_https=use_https,
        subject_template_name="accounts/password_reset_subject.txt",
        email_template_name="accounts/password_reset_email.txt",
    )
    for user in users:
        audit_record(actor=SYSTEM, action="auth.password_reset_sent", target=user)
    return len(users)
