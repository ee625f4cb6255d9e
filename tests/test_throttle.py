"""One throttle for every credential: log-ins per account and address, sign-ups, join codes
and room joins; counted in one step, by the address a trusted proxy saw."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory, override_settings
from django.utils import timezone

from tests.conftest import PASSWORD
from trainer.throttle import limits


def _login(client, username: str, password: str, address: str = "10.9.8.7"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


@pytest.mark.django_db
def test_five_wrong_passwords_pause_the_account(client, trainee) -> None:
    for _ in range(limits.LOGIN_ACCOUNT.tries):
        assert _login(client, "ana", "wrong").status_code == 422
    response = _login(client, "ana", PASSWORD)  # even the right password waits
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session
    # Another account from another address is not affected.
    assert _login(client, "bruno", "wrong", address="10.1.1.1").status_code == 422


@pytest.mark.django_db
def test_the_pause_ends_after_the_window(client, trainee) -> None:
    earlier = timezone.now() - limits.LOGIN_ACCOUNT.window - timedelta(seconds=1)
    for _ in range(limits.LOGIN_ACCOUNT.tries):
        assert not limits.take((limits.LOGIN_ACCOUNT, "ana"), now=earlier)
    assert limits.take((limits.LOGIN_ACCOUNT, "ana"), now=earlier + timedelta(seconds=1))
    assert _login(client, "ana", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_many_usernames_from_one_address_are_paused(client) -> None:
    for index in range(limits.LOGIN_ADDRESS.tries):
        _login(client, f"guess{index}", "wrong")
    assert _login(client, "someone-new", "wrong").status_code == 429


@pytest.mark.django_db
def test_a_successful_login_clears_the_account_failures(client, trainee) -> None:
    for _ in range(limits.LOGIN_ACCOUNT.tries - 1):
        _login(client, "ana", "wrong")
    assert _login(client, "ana", PASSWORD).status_code == 302
    assert limits.count(limits.LOGIN_ACCOUNT, "ana") == 0
    # The right password's own try is handed back to the address too.
    assert limits.count(limits.LOGIN_ADDRESS, "10.9.8.7") == limits.LOGIN_ACCOUNT.tries - 1


@pytest.mark.django_db
def test_the_admin_has_no_log_in_of_its_own(client, staff) -> None:
    response = client.post("/admin/login/?next=/admin/", {"username": "x", "password": "y"})
    assert response.status_code in (301, 302)
    assert response["Location"] == "/accounts/login/?next=/admin/"
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.get(response["Location"])["Location"].startswith("/accounts/login/")


# Counting in one step ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_parallel_tries_never_pass_the_limit() -> None:
    """Thirty tries at once against a limit of five: exactly five are counted."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads need a database file or a server (CI runs this on PostgreSQL)")

    def one(_):
        try:
            return not limits.take((limits.LOGIN_ACCOUNT, "ana"))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        counted = sum(pool.map(one, range(30)))
    assert counted == limits.LOGIN_ACCOUNT.tries
    assert limits.count(limits.LOGIN_ACCOUNT, "ana") == limits.LOGIN_ACCOUNT.tries


@pytest.mark.django_db
def test_a_try_is_counted_against_every_key_or_none() -> None:
    for _ in range(limits.LOGIN_ACCOUNT.tries):
        limits.take((limits.LOGIN_ACCOUNT, "ana"), (limits.LOGIN_ADDRESS, "10.0.0.1"))
    paused = limits.take((limits.LOGIN_ACCOUNT, "ana"), (limits.LOGIN_ADDRESS, "10.0.0.1"))
    assert paused and paused.wait > 0
    # The refused try did not count against the address either.
    assert limits.count(limits.LOGIN_ADDRESS, "10.0.0.1") == limits.LOGIN_ACCOUNT.tries


# Behind a proxy --------------------------------------------------------------------------------


def _request(**meta):
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_connection_decides() -> None:
    request = _request(REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert limits.client_address(request) == "10.0.0.9"


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_one_trusted_proxy_gives_the_address_it_saw() -> None:
    # The client claims 6.6.6.6; the proxy appends what it really saw.
    request = _request(REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert limits.client_address(request) == "203.0.113.7"
    # A request that skipped the proxy has no header to trust: its connection counts.
    assert limits.client_address(_request(REMOTE_ADDR="10.0.0.9")) == "10.0.0.9"


@override_settings(TRUSTED_PROXY_HOPS=2)
def test_two_trusted_proxies_count_from_the_right() -> None:
    request = _request(
        REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4, 10.0.0.2"
    )
    assert limits.client_address(request) == "198.51.100.4"


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_HOPS=1)
def test_behind_a_proxy_one_address_cannot_pause_the_building(client, trainee) -> None:
    for _ in range(limits.LOGIN_ADDRESS.tries):
        client.post(
            "/accounts/login/",
            {"username": "guess", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.4",
        )
    response = client.post(
        "/accounts/login/",
        {"username": "ana", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert response.status_code == 302


# Sign-ups --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_ups_from_one_address_are_limited(client) -> None:
    password = "a long enough passphrase"
    mistake = {"username": "new", "password1": password, "password2": "another one"}
    assert client.post("/accounts/signup/", mistake, REMOTE_ADDR="10.4.4.4").status_code == 422
    assert limits.count(limits.SIGNUP_ADDRESS, "10.4.4.4") == 0  # a mistake uses no place
    for index in range(limits.SIGNUP_ADDRESS.tries):
        response = client.post(
            "/accounts/signup/",
            {"username": f"new{index}", "password1": password, "password2": password},
            REMOTE_ADDR="10.4.4.4",
        )
        assert response.status_code == 302
        client.post("/accounts/logout/")
    assert limits.count(limits.SIGNUP_ADDRESS, "10.4.4.4") == limits.SIGNUP_ADDRESS.tries
    response = client.post(
        "/accounts/signup/",
        {"username": "one-more", "password1": password, "password2": password},
        REMOTE_ADDR="10.4.4.4",
    )
    assert response.status_code == 429
    assert "Many accounts were made from your network" in response.content.decode()
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_the_window_slides_and_old_rows_are_cleared() -> None:
    now = timezone.now()
    for second in range(limits.JOIN_ADDRESS.tries):
        assert not limits.take(
            (limits.JOIN_ADDRESS, "10.0.0.1"), now=now + timedelta(seconds=second)
        )
    paused = limits.take((limits.JOIN_ADDRESS, "10.0.0.1"), now=now + timedelta(seconds=30))
    assert 1 <= paused.wait <= 30  # until the first of them is a minute old
    assert not limits.take((limits.JOIN_ADDRESS, "10.0.0.2"), now=now)  # another address
    assert not limits.take((limits.JOIN_ADDRESS, "10.0.0.1"), now=now + timedelta(seconds=61))
    # Once every try of a key has left its window, a later try elsewhere clears the row.
    limits.take((limits.JOIN_ADDRESS, "10.0.0.3"), now=now + timedelta(minutes=5))
    assert limits.count(limits.JOIN_ADDRESS, "10.0.0.1", now=now) == 0
