"""The follower's seat: a scenario where the trainee is led says so in its questions."""

from __future__ import annotations

import pytest
from django.test import Client

from scenarios.loading import scenario_document
from scenarios.models import Scenario
from scenarios.validation import CONTENT_DIR, validate_text
from tests.test_play_support import start

pytestmark = pytest.mark.django_db


def test_a_follower_seat_asks_about_your_own_readiness_and_what_you_ask_for(bundled_scenarios):
    led = Scenario.objects.get(seat="follower")
    client = Client()
    page = client.get(f"/play/{start(client, led).pk}/").content.decode()
    assert "Who leads you here" in page
    assert "How ready are you for this task?" in page
    assert "What do you ask your chief for?" in page
    leader = Scenario.objects.get(slug="the-first-hour")
    page = client.get(f"/play/{start(client, leader).pk}/").content.decode()
    assert "Who you lead here" in page and "How ready are they for this task?" in page
    assert "Who leads you here" not in page


def test_the_seat_loads_exports_and_refuses_an_unknown_one(bundled_scenarios):
    led = Scenario.objects.get(seat="follower")
    assert scenario_document(led)["seat"] == "follower"
    assert "seat" not in scenario_document(Scenario.objects.get(slug="the-first-hour"))
    text = (CONTENT_DIR / "leading-from-below.yaml").read_text(encoding="utf-8")
    spec, errors = validate_text(text.replace("seat: follower", "seat: boss"), "led.yaml")
    assert spec is None
    assert any(
        "unknown seat 'boss'" in error and error.startswith("led.yaml:4:") for error in errors
    )
