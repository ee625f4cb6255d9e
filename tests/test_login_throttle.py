"""Repeated failed log-ins pause further attempts, per account and per address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD
from trainer.accounts import throttle
from trainer.accounts.models import FailedLogin


def _login(client, username: str, password: str, address: str = "10.9.8.7"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


@pytest.mark.django_db
def test_five_wrong_passwords_pause_the_account(client, trainee) -> None:
    for _ in range(throttle.PER_ACCOUNT):
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
    earlier = timezone.now() - throttle.WINDOW - timedelta(seconds=1)
    FailedLogin.objects.bulk_create(
        FailedLogin(address="10.9.8.7", username="ana", at=earlier)
        for _ in range(throttle.PER_ACCOUNT)
    )
    assert _login(client, "ana", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_many_usernames_from_one_address_are_paused(client) -> None:
    for index in range(throttle.PER_ADDRESS):
        _login(client, f"guess{index}", "wrong")
    assert _login(client, "someone-new", "wrong").status_code == 429


@pytest.mark.django_db
def test_a_successful_login_clears_the_account_failures(client, trainee) -> None:
    for _ in range(throttle.PER_ACCOUNT - 1):
        _login(client, "ana", "wrong")
    assert _login(client, "ana", PASSWORD).status_code == 302
    assert not FailedLogin.objects.filter(username="ana").exists()


@pytest.mark.django_db
def test_the_admin_has_no_log_in_of_its_own(client, staff) -> None:
    response = client.post("/admin/login/?next=/admin/", {"username": "x", "password": "y"})
    assert response.status_code in (301, 302)
    assert response["Location"] == "/accounts/login/?next=/admin/"
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.get(response["Location"])["Location"].startswith("/accounts/login/")
