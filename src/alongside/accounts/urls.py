from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from alongside.accounts import views
from alongside.accounts.forms import SignInForm

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=SignInForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("accounts/password/reset/", views.password_reset, name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("accounts/2fa/setup/", views.second_factor_setup, name="2fa_setup"),
    path("accounts/2fa/verify/", views.second_factor_verify, name="2fa_verify"),
    path("accounts/tokens/", views.api_tokens, name="tokens"),
    path("services/<slug:slug>/people/", views.people, name="people"),
    path(
        "services/<slug:slug>/people/<int:membership_id>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("accounts/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="token_revoke"),
]
