"""Room mode: a workshop served from a laptop to the phones on the room's network."""

from __future__ import annotations

import ipaddress
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from trainer.workshops.management.commands import room
from trainer.workshops.management.commands.demo_facilitator import PASSWORD, USERNAME
from trainer.workshops.models import Workshop


def test_the_network_address_is_never_loopback() -> None:
    address = room.network_address()
    if address is not None:
        assert not ipaddress.ip_address(address).is_loopback


@pytest.mark.django_db
def test_join_links_and_qr_codes_use_the_site_url(settings, small_scenario, facilitator, client):
    settings.SITE_URL = "http://192.168.1.20:8000"
    client.force_login(facilitator)
    workshop = Workshop.create(scenario=small_scenario, facilitator=facilitator)
    text = client.get(f"/workshops/{workshop.pk}/present/").content.decode()
    assert f"http://192.168.1.20:8000/join/{workshop.code}/" in text
    assert 'aria-label="QR code for http://192.168.1.20:8000/join/' in text
    assert "testserver" not in text


class Started(Exception):
    """Raised by the stand-in for exec, so the command stops where it would start gunicorn."""


@pytest.fixture
def launched(monkeypatch):
    """What the command would run: the collectstatic call and the exec of gunicorn."""
    seen: dict = {}

    def run(args, **kwargs):
        seen["collect"] = (args, kwargs["env"])

        class Done:
            returncode = 0

        return Done()

    def execvpe(file, args, env):
        seen["exec"] = (args, env)
        raise Started

    monkeypatch.setattr(room.subprocess, "run", run)
    monkeypatch.setattr(room.os, "execvpe", execvpe)
    return seen


@pytest.mark.django_db
def test_room_mode_serves_production_settings_on_the_network(launched, capsys, settings) -> None:
    settings.DEBUG = True  # as on a laptop; the test runner turns it off
    call_command("demo_facilitator")
    with pytest.raises(Started):
        call_command("room", host="10.1.2.3", port=8123)
    args, env = launched["exec"]
    assert args[1:4] == ["-m", "gunicorn", "trainer.wsgi:application"]
    assert args[args.index("--bind") + 1] == "0.0.0.0:8123"
    assert env["DEBUG"] == "0"
    assert env["SITE_URL"] == "http://10.1.2.3:8123"
    assert env["ALLOWED_HOSTS"].split(",")[0] == "10.1.2.3"
    assert env["CSRF_TRUSTED_ORIGINS"] == "http://10.1.2.3:8123"
    assert env["SECURE_SSL_REDIRECT"] == "0" and env["SECURE_HSTS_SECONDS"] == "0"
    assert env["SECRET_KEY"]
    assert launched["collect"][1]["DEBUG"] == "0"  # the manifest of static files
    out = capsys.readouterr().out
    assert "Phones join at http://10.1.2.3:8123/join/" in out
    # The published demo password does not reach the room's network.
    user = get_user_model().objects.get(username=USERNAME)
    assert not user.check_password(PASSWORD)
    printed = out.split("new password for room mode: ")[1].split()[0]
    assert user.check_password(printed)
    call_command("demo_facilitator")  # make run gives it back
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_room_mode_without_a_network_says_how_to_name_the_address(launched, monkeypatch):
    monkeypatch.setattr(room, "network_address", lambda: None)
    with pytest.raises(CommandError, match=re.escape("HOST=192.168.1.20 make room")):
        call_command("room", host="")
    assert "exec" not in launched


@pytest.mark.django_db
def test_a_mistyped_address_gets_a_plain_page_when_debug_is_off(client, settings) -> None:
    settings.DEBUG = False
    response = client.get("/workshop/nope/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "There is no page here" in text and 'href="/join/"' in text
    assert "URLconf" not in text  # Django's technical page lists every route
