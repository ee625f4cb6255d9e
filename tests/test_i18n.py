"""The interface in two languages: how a language is chosen, kept and shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client

from tests.conftest import PASSWORD
from trainer.accounts.models import Profile, language_of

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ja" / "LC_MESSAGES" / "django.po"
COOKIE = settings.LANGUAGE_COOKIE_NAME


def _messages():
    with CATALOGUE.open("rb") as handle:
        return [message for message in read_po(handle, locale="ja") if message.id]


def test_every_message_is_translated_and_none_is_fuzzy():
    untranslated = [m.id for m in _messages() if not m.string or not all(m.string)]
    fuzzy = [m.id for m in _messages() if m.fuzzy]
    assert not untranslated, untranslated[:20]
    assert not fuzzy, fuzzy[:20]


def test_translations_keep_their_placeholders():
    """A msgstr that drops or renames a %(name)s would break the page at render time."""
    import re

    placeholder = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")
    for message in _messages():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = sorted(set(placeholder.findall(ids[-1])))
        for string in strings:
            assert sorted(set(placeholder.findall(string))) == wanted, message.id


@pytest.mark.django_db
def test_the_browser_decides_the_first_visit():
    page = Client().get("/", HTTP_ACCEPT_LANGUAGE="ja,en;q=0.5")
    assert '<html lang="ja">' in page.content.decode()
    assert "本文へ移動" in page.content.decode()
    english = Client().get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert '<html lang="en">' in english.content.decode()
    assert "Skip to content" in english.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cookie", "header"),
    [("xx", ""), ("", "tlh, zz-ZZ;q=0.9"), ("../../etc", "\x00garbage"), ("ja\n", "")],
)
def test_an_unknown_language_falls_back_to_english(cookie, header):
    client = Client()
    if cookie:
        client.cookies[COOKIE] = cookie
    page = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert page.status_code == 200
    assert '<html lang="en">' in page.content.decode()


@pytest.mark.django_db
def test_the_switcher_keeps_the_choice_in_a_cookie_and_goes_back():
    client = Client()
    response = client.post("/language/", {"language": "ja", "next": "/join/"})
    assert response.status_code == 302
    assert response["Location"] == "/join/"
    assert response.cookies[COOKIE].value == "ja"
    assert '<html lang="ja">' in client.get("/join/").content.decode()
    # The cookie beats the browser's header from then on.
    assert '<html lang="ja">' in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.django_db
def test_the_switcher_refuses_an_unknown_code_and_an_outside_next():
    client = Client()
    response = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil" not in response["Location"]
    assert COOKIE not in response.cookies


@pytest.mark.django_db
def test_every_page_offers_the_other_language(trainee):
    client = Client()
    page = client.get("/").content.decode()
    assert 'value="ja" lang="ja"' in page
    client.cookies[COOKIE] = "ja"
    page = client.get("/").content.decode()
    assert 'value="en" lang="en"' in page


@pytest.mark.django_db
def test_an_account_keeps_its_language_and_gets_it_back_at_log_in(trainee):
    client = Client()
    client.force_login(trainee)
    client.post("/language/", {"language": "ja", "next": "/"})
    assert language_of(trainee) == "ja"
    fresh = Client()  # another browser, with no cookie
    response = fresh.post("/accounts/login/", {"username": trainee.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "ja"


@pytest.mark.django_db
def test_a_guest_who_signs_up_keeps_the_language_they_chose():
    client = Client()
    client.cookies[COOKIE] = "ja"
    response = client.post(
        "/accounts/signup/",
        {
            "username": "akiko",
            "password1": "a long enough pass phrase",
            "password2": "a long enough pass phrase",
        },
    )
    assert response.status_code == 302
    assert Profile.objects.get(user__username="akiko").language == "ja"


@pytest.mark.django_db
def test_a_language_django_knows_but_the_site_does_not_offer_changes_no_profile(trainee):
    """French has Django's own catalogue, so Django would take it; the site offers en and ja."""
    client = Client()
    client.force_login(trainee)
    response = client.post("/language/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert language_of(trainee) == ""
    assert '<html lang="en">' in client.get("/").content.decode()
