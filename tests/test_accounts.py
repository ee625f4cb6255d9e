"""Sign up, log in, log out, and a guest's attempts following them into an account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.test_play_support import answer, proceed, start
from trainer.accounts import idle
from trainer.play.guests import SESSION_KEY
from trainer.play.models import Attempt

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "amber-radio-dawn-2008"


def text(response) -> str:
    return response.content.decode()


def test_the_login_url_names_resolve():
    assert reverse("login") == "/accounts/login/" == reverse("accounts:login")
    assert reverse("signup") == "/accounts/signup/" == reverse("accounts:signup")
    assert reverse("logout") == "/accounts/logout/"


def test_login_required_pages_send_people_to_the_login_page():
    view = login_required(lambda request: None)
    request = RequestFactory().get("/me/")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    response = view(request)
    assert response["Location"] == "/accounts/login/?next=/me/"


def test_signup_page_has_the_form_and_the_guest_way_out():
    page = text(Client().get("/accounts/signup/?next=/scenarios/test-small/"))
    for name in ("username", "password1", "password2"):
        assert f'name="{name}"' in page
    assert 'autocomplete="new-password"' in page
    assert "Continue without an account" in page
    assert 'href="/scenarios/test-small/"' in page  # back where they came from
    assert '<input type="hidden" name="next" value="/scenarios/test-small/">' in page


def test_signup_creates_the_account_and_logs_in():
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {"username": "carla", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/"
    user = get_user_model().objects.get(username="carla")
    assert int(client.session["_auth_user_id"]) == user.pk
    page = text(client.get("/"))
    assert "Log out carla" in page and "Your account is ready" in page


def test_signup_goes_back_to_a_safe_next_only():
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "username": "dina",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    ("password1", "password2", "message"),
    [
        ("password", "password", "This password is too common."),
        ("12345678901", "12345678901", "This password is entirely numeric."),
        ("short", "short", "This password is too short."),
        ("amber-dawn1", "amber-dawn1", "at least 12 characters"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "The two password fields didn"),
    ],
)
def test_signup_applies_the_password_validators(password1, password2, message):
    response = Client().post(
        "/accounts/signup/", {"username": "eva", "password1": password1, "password2": password2}
    )
    assert response.status_code == 422
    assert message in text(response)
    assert "Please correct the highlighted field" in text(response)
    assert not get_user_model().objects.filter(username="eva").exists()


def test_signup_refuses_a_taken_username(trainee):
    response = Client().post(
        "/accounts/signup/",
        {"username": "ana", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 422 and "already exists" in text(response)


def test_login_and_next(trainee):
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"username": "ana", "password": PASSWORD, "next": "/scenarios/test-small/"},
    )
    assert response.status_code == 302 and response["Location"] == "/scenarios/test-small/"
    assert int(client.session["_auth_user_id"]) == trainee.pk


def test_a_wrong_password_gets_a_clear_message(trainee):
    response = Client().post("/accounts/login/", {"username": "ana", "password": "nope"})
    assert response.status_code == 422
    assert "Please enter a correct username and password" in text(response)


def test_logged_in_people_skip_the_forms(trainee):
    client = Client()
    client.force_login(trainee)
    assert client.get("/accounts/login/")["Location"] == "/"
    assert client.get("/accounts/signup/?next=/me/")["Location"] == "/me/"


def test_logout_is_a_post(trainee):
    client = Client()
    client.force_login(trainee)
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_account_forms_need_a_csrf_token(csrf_client, trainee):
    response = csrf_client.post("/accounts/login/", {"username": "ana", "password": PASSWORD})
    assert response.status_code == 403
    response = csrf_client.post(
        "/accounts/signup/",
        {"username": "fred", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 403
    assert not get_user_model().objects.filter(username="fred").exists()


def test_the_guest_way_out_only_returns_to_pages_guests_can_use():
    page = text(Client().get("/accounts/login/?next=/me/"))
    assert 'class="button button-secondary" href="/"' in page


# --- Guests become account holders -------------------------------------------------------


def test_a_guest_who_signs_up_keeps_their_attempts(small_scenario):
    browser = Client()
    attempt = start(browser, small_scenario)
    answer(browser, attempt, "alarm", "S3")
    proceed(browser, attempt, "alarm")
    assert browser.session[SESSION_KEY] == attempt.guest_token

    browser.post(
        "/accounts/signup/",
        {"username": "gia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    attempt.refresh_from_db()
    assert attempt.user.username == "gia" and attempt.guest_token == ""
    assert SESSION_KEY not in browser.session
    # It resumes where it stopped, now as theirs, and on any device they log in on.
    other_device = Client()
    other_device.post("/accounts/login/", {"username": "gia", "password": NEW_PASSWORD})
    page = text(other_device.get(f"/scenarios/{small_scenario.slug}/"))
    assert "Resume at decision 2" in page
    assert other_device.get(f"/play/{attempt.pk}/").status_code == 200


def test_a_guest_who_logs_in_keeps_their_attempts(small_scenario, trainee):
    browser = Client()
    attempt = start(browser, small_scenario, mode="timed")
    browser.post("/accounts/login/", {"username": "ana", "password": PASSWORD})
    attempt.refresh_from_db()
    assert attempt.user == trainee
    assert browser.get(f"/play/{attempt.pk}/").status_code == 200


def test_logging_in_claims_only_this_browsers_guest_attempts(small_scenario, trainee):
    mine, someone_else = Client(), Client()
    kept = start(mine, small_scenario)
    left = start(someone_else, small_scenario)
    mine.post("/accounts/login/", {"username": "ana", "password": PASSWORD})
    assert Attempt.objects.get(pk=kept.pk).user == trainee
    assert Attempt.objects.get(pk=left.pk).user is None
    assert someone_else.get(f"/play/{left.pk}/").status_code == 200


def test_after_logout_the_attempts_stay_with_the_account(small_scenario, trainee):
    browser = Client()
    browser.post("/accounts/login/", {"username": "ana", "password": PASSWORD})
    attempt = start(browser, small_scenario)
    browser.post("/accounts/logout/")
    assert browser.get(f"/play/{attempt.pk}/").status_code == 404
    assert Attempt.objects.get(pk=attempt.pk).user == trainee


def test_look_alike_usernames_are_refused():
    response = Client().post(
        "/accounts/signup/",
        {"username": "f\u0430cA", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 422
    assert "no two names look alike" in text(response)


def test_a_name_taken_a_moment_ago_is_a_clear_message_not_an_error(monkeypatch):
    from django.db import IntegrityError

    from trainer.accounts.forms import SignupForm

    def taken(self, commit=True):
        raise IntegrityError("UNIQUE constraint failed: auth_user.username")

    monkeypatch.setattr(SignupForm, "save", taken)
    response = Client().post(
        "/accounts/signup/",
        {"username": "gil", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 422
    assert "A user with that username already exists." in text(response)


def test_a_logged_in_session_ends_when_left_unused(trainee, settings):
    client = Client()
    client.post("/accounts/login/", {"username": "ana", "password": PASSWORD})
    response = client.get("/me/")
    cookie = (
        response.cookies.get(settings.SESSION_COOKIE_NAME)
        or client.cookies[settings.SESSION_COOKIE_NAME]
    )
    assert int(cookie["max-age"]) == settings.SESSION_IDLE_TIMEOUT
    # Unused past the timeout, the session is gone: the next page asks to log in.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/me/").status_code == 302


def test_using_the_session_renews_it_without_a_write_per_request(trainee, settings):
    client = Client()
    client.post("/accounts/login/", {"username": "ana", "password": PASSWORD})
    soon = timezone.now() + timedelta(hours=1)
    Session.objects.update(expire_date=soon)
    client.get("/me/")  # renewed a moment ago at log-in: nothing written
    assert Session.objects.get().expire_date == soon
    session = client.session
    session[idle.RENEWED] = 0  # as if the last renewal were long ago
    session.save()
    Session.objects.update(expire_date=soon)
    client.get("/me/")
    renewed = timezone.now() + timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 60)
    assert Session.objects.get().expire_date > renewed


def test_a_guest_keeps_the_long_session(client, small_scenario, settings):
    client.post(f"/scenarios/{small_scenario.slug}/start/", {"mode": "reflective"})
    expiry = Session.objects.get().expire_date
    assert expiry > timezone.now() + timedelta(seconds=settings.SESSION_IDLE_TIMEOUT * 2)


def test_someone_who_runs_workshops_lands_on_them_after_log_in(facilitator, small_scenario):
    from trainer.workshops.models import Workshop

    client = Client()
    response = client.post(
        "/accounts/login/", {"username": facilitator.username, "password": PASSWORD}
    )
    assert response["Location"] == "/"  # no workshop yet: the scenarios
    client.post("/accounts/logout/")
    Workshop.create(scenario=small_scenario, facilitator=facilitator)
    response = client.post(
        "/accounts/login/", {"username": facilitator.username, "password": PASSWORD}
    )
    assert response["Location"] == "/workshops/"
