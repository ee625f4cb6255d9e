"""Accounts: /accounts/login/, /accounts/signup/ and /accounts/logout/ (POST).

The names are global ("login", "signup", "logout") because ``settings.LOGIN_URL`` is
"login", the name ``login_required`` sends people to. The same routes are also reachable
under the "accounts" namespace ("accounts:login"), for templates that prefer it.
"""

from django.urls import include, path

from trainer.accounts import views

account_patterns = [
    path("accounts/login/", views.login, name="login"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/logout/", views.logout, name="logout"),
]

urlpatterns = [*account_patterns, path("", include((account_patterns, "accounts")))]
