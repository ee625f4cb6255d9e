"""Accounts: /accounts/login/, /accounts/signup/ and /accounts/logout/ (POST).

The names are global ("login", "signup", "logout") because ``settings.LOGIN_URL`` is
"login", the name ``login_required`` sends people to. The same routes are also reachable
under the "accounts" namespace ("accounts:login"), for templates that prefer it.
"""

from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from trainer.accounts import views

account_patterns = [
    path("accounts/login/", views.login, name="login"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/logout/", views.logout, name="logout"),
    path("accounts/email/", views.email, name="email"),
    path("language/", views.language, name="language"),
]

# Django's own password reset: a link by email, valid for PASSWORD_RESET_TIMEOUT.
password_patterns = [
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(
            success_url=reverse_lazy("password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    *account_patterns,
    *password_patterns,
    path("", include((account_patterns, "accounts"))),
]
