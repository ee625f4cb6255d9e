"""A database outage, as a person and a proxy see it: a 503 with a plain message.

The outage is staged with ``connection.execute_wrapper``: every query (or only the answer's
INSERT) raises the error a dropped PostgreSQL connection raises, while the test database
itself keeps working, so the tests can check afterwards what was stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from django.db import IntegrityError, InterfaceError, OperationalError, connection
from django.test import Client

from tests.test_play_support import answer_data, start
from trainer.play.models import Answer

HX = {"HX-Request": "true"}


def failing(error: Exception, when: Callable[[str], bool] = lambda sql: True):
    """An execute wrapper that raises ``error`` for the statements ``when`` picks."""

    def wrapper(execute, sql, params, many, context):
        if when(sql):
            raise error
        return execute(sql, params, many, context)

    return wrapper


def answer_insert(sql: str) -> bool:
    return sql.startswith('INSERT INTO "play_answer"')


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error",
    [
        OperationalError("connection to server failed: Connection refused"),
        InterfaceError("connection already closed"),
    ],
)
def test_a_page_answers_503_and_asks_to_try_again(bundled_scenarios, caplog, error):
    with connection.execute_wrapper(failing(error)):
        response = Client().get("/?page=1")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert "Content-Security-Policy" in response  # still served through the whole stack
    page = response.content.decode()
    assert page.startswith("<!doctype html>")
    assert "<h1>Briefly unavailable</h1>" in page
    assert "Golden Hour is briefly unavailable. Please try again in a moment." in page
    assert '<a href="/?page=1">Try again</a>' in page
    assert "not recorded" not in page  # a GET sent nothing that could be lost
    assert "<style" not in page and "<script" not in page  # the strict CSP allows neither
    [record] = [r for r in caplog.records if r.name == "trainer.middleware"]
    assert record.levelno == logging.ERROR
    assert record.getMessage() == (
        f"database unavailable, answered 503 to GET /: {type(error).__name__}: {error}"
    )


@pytest.mark.django_db
def test_an_htmx_answer_that_cannot_be_saved_gets_a_503_fragment_and_is_not_stored(
    small_scenario,
):
    guest = Client()
    attempt = start(guest, small_scenario)
    data = answer_data(small_scenario, "alarm", "S1", "R1", reason="Clear orders first")
    url = f"/play/{attempt.pk}/answer/"

    with connection.execute_wrapper(failing(OperationalError("server closed"), answer_insert)):
        response = guest.post(url, data, headers=HX)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    fragment = response.content.decode()
    assert fragment == (
        '<p class="message message-error" role="alert">Golden Hour is briefly unavailable. '
        "What you just sent, such as an answer, was not recorded. "
        "Please try again in a moment.</p>"
    )
    assert "HX-Request" in response["Vary"]
    assert not Answer.objects.exists()

    # Once the database answers again, sending the same answer records it, once.
    again = guest.post(url, data, headers=HX)
    assert again.status_code == 200
    assert 'id="feedback-heading"' in again.content.decode()
    stored = Answer.objects.get()
    assert (stored.attempt_id, stored.reason) == (attempt.pk, "Clear orders first")


@pytest.mark.django_db
def test_a_plain_answer_post_gets_a_page_that_says_it_was_not_recorded(small_scenario):
    guest = Client()
    attempt = start(guest, small_scenario)
    data = answer_data(small_scenario, "alarm", "S1", "R1")
    with connection.execute_wrapper(failing(OperationalError("server closed"), answer_insert)):
        response = guest.post(f"/play/{attempt.pk}/answer/", data)
    assert response.status_code == 503
    page = response.content.decode()
    assert page.startswith("<!doctype html>")
    assert "What you just sent, such as an answer, was not recorded." in page
    assert "Go back and send it again in a moment." in page
    assert not Answer.objects.exists()


@pytest.mark.django_db
def test_other_database_errors_are_still_server_errors(bundled_scenarios):
    """Only an unreachable database is "briefly unavailable"; a broken rule is a bug."""
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(failing(IntegrityError("duplicate key"))):
        response = client.get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.mark.django_db
def test_with_debug_on_the_error_reaches_the_technical_page(bundled_scenarios, settings):
    settings.DEBUG = True
    with (
        connection.execute_wrapper(failing(OperationalError("no such table: x"))),
        pytest.raises(OperationalError, match="no such table"),
    ):
        Client().get("/")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/me/", "/me/export/answers.csv", "/workshops/"])
def test_pages_for_someone_logged_in_are_never_stored(client, trainee, path) -> None:
    client.force_login(trainee)
    cache = client.get(path)["Cache-Control"]
    assert "private" in cache and "no-store" in cache


@pytest.mark.django_db
def test_the_catalogue_for_a_visitor_may_be_cached(client, small_scenario) -> None:
    assert "no-store" not in client.get("/").get("Cache-Control", "")
