"""Accounts people can keep: an optional email, and a password reset by email."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

pytestmark = pytest.mark.django_db


def test_sign_up_with_an_email_then_reset_a_forgotten_password(client) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "username": "maria",
            "email": "maria@example.org",
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
        },
    )
    assert response.status_code == 302
    client.post("/accounts/logout/")
    assert "Forgot your password?" in client.get("/accounts/login/").content.decode()
    response = client.post("/accounts/password/reset/", {"email": "maria@example.org"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    (message,) = mail.outbox
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", message.body).group(1)
    page = client.get(link, follow=True)
    assert "Set a new password" in page.content.decode()
    response = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"new_password1": "another pass phrase 7", "new_password2": "another pass phrase 7"},
    )
    assert response.status_code == 302
    assert client.login(username="maria", password="another pass phrase 7")


def test_sign_up_without_an_email_and_add_one_later(client) -> None:
    client.post(
        "/accounts/signup/",
        {
            "username": "bento",
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
        },
    )
    user = get_user_model().objects.get(username="bento")
    assert user.email == ""
    assert "cannot be reset" in client.get("/me/").content.decode()
    response = client.post("/accounts/email/", {"email": "not an address"})
    assert response.status_code == 422
    user.refresh_from_db()
    assert user.email == ""
    client.post("/accounts/email/", {"email": "bento@example.org"})
    user.refresh_from_db()
    assert user.email == "bento@example.org"


def test_an_unknown_address_sends_nothing_and_says_the_same(client) -> None:
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []
