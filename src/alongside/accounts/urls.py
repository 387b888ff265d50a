from collections.abc import Callable
from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpResponseBase
from django.urls import URLPattern, URLResolver, include, path, reverse_lazy
from django.views import View

from alongside.accounts import views
from alongside.accounts.forms import SignInForm

app_name = "accounts"


def _page(
    view: type[View[Any]], template: str, **options: object
) -> Callable[..., HttpResponseBase]:
    """One of Django's sign-in and password views, drawn with our template of that name."""
    return view.as_view(template_name=f"accounts/{template}.html", **options)


# Forgotten password: ask, "sent", the link from the e-mail, done.
reset_urlpatterns = [
    path("", views.password_reset, name="password_reset"),
    path(
        "sent/",
        _page(auth_views.PasswordResetDoneView, "password_reset_done"),
        name="password_reset_done",
    ),
    path(
        "<uidb64>/<token>/",
        _page(
            auth_views.PasswordResetConfirmView,
            "password_reset_confirm",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "complete/",
        _page(auth_views.PasswordResetCompleteView, "password_reset_complete"),
        name="password_reset_complete",
    ),
]

account_urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "login/",
        _page(
            auth_views.LoginView,
            "login",
            authentication_form=SignInForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        _page(
            auth_views.PasswordChangeView,
            "password_change",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        _page(auth_views.PasswordChangeDoneView, "password_change_done"),
        name="password_change_done",
    ),
    path("password/reset/", include(reset_urlpatterns)),
    path("2fa/setup/", views.second_factor_setup, name="2fa_setup"),
    path("2fa/verify/", views.second_factor_verify, name="2fa_verify"),
    path("tokens/", views.api_tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.api_token_revoke, name="token_revoke"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("accounts/", include(account_urlpatterns)),
    path("services/<slug:slug>/people/", views.people, name="people"),
    path(
        "services/<slug:slug>/people/<int:membership_id>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
]
