"""Golden Hour in real Chromium: read the situation, turn to the choices, race the clock.

With JavaScript the choices swap in place (htmx) and the focus moves to them; without it the
same button is a plain form that lands on the choices. Each page passed gets an axe audit.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, audit, screenshot
from trainer.play.models import Answer, Attempt

pytestmark = pytest.mark.browser

ALARM_ACTION = "Give three short orders and ask for a report in ten minutes."


def _start_timed(page: Page, slug: str) -> None:
    page.goto(f"/scenarios/{slug}/")
    expect(page.get_by_text("the clock starts when you turn to the choices")).to_be_visible()
    page.get_by_label(re.compile("^Golden Hour")).check()
    page.get_by_role("button", name="Start the scenario").click()


def _choose(page: Page, readiness: str, action: str) -> None:
    page.get_by_label(re.compile(rf"^{readiness} ·")).check()
    page.get_by_label(action).check()


@pytest.mark.django_db(transaction=True)
def test_turn_to_the_choices_with_javascript(page: Page, small_scenario) -> None:
    page.set_viewport_size({"width": 1100, "height": 900})
    _start_timed(page, small_scenario.slug)

    # Reading: the situation and the budget, no choices, no clock running.
    expect(page.get_by_text("Shots were heard near a residence.")).to_be_visible()
    expect(page.locator(".countdown")).to_contain_text("Not started")
    expect(page.get_by_role("button", name="Submit my answer")).to_have_count(0)
    page.wait_for_timeout(1200)  # reading takes what it takes: the budget does not move
    expect(page.locator(".countdown-value")).to_have_text("1:00")
    attempt = Attempt.objects.get()
    assert attempt.current_served_at is None
    audit(page)
    screenshot(page, "timed-situation")
    address = page.url

    page.get_by_role("button", name="Turn to the choices").click()
    expect(page.get_by_role("heading", name="Your decision")).to_be_focused()
    assert page.url == address  # swapped in place, no page load
    clock = page.locator(".countdown[data-countdown]")
    expect(clock.locator("[data-countdown-value]")).to_have_text(re.compile(r"^0:5\d$"))
    expect(clock).to_be_in_viewport()  # pinned at the top beside the choices
    attempt.refresh_from_db()
    started = attempt.current_served_at
    assert started is not None
    audit(page)
    page.screenshot(path=_path("timed-choices"))

    # A reload does not restart it: it picks up the server's start.
    page.reload()
    expect(page.get_by_role("button", name="Turn to the choices")).to_have_count(0)
    attempt.refresh_from_db()
    assert attempt.current_served_at == started

    # Run over the budget on the server's clock, and answer late.
    Attempt.objects.filter(pk=attempt.pk).update(
        current_served_at=timezone.now() - timedelta(seconds=70)
    )
    page.reload()
    expect(clock.locator("[data-countdown-unit]")).to_contain_text("over the 1 minute budget")
    _choose(page, "R1", ALARM_ACTION)
    page.get_by_role("button", name="Submit my answer").click()
    expect(page.get_by_role("heading", name=re.compile("^Late:"))).to_be_visible()
    expect(page.get_by_text("What the delay cost:")).to_be_visible()
    cost = page.get_by_text("Your choice is worth +2 points; late, it earns +1 point.")
    expect(cost).to_be_visible()
    assert Answer.objects.get().points == 1
    audit(page)
    page.locator(".feedback").screenshot(path=_path("timed-late-feedback"))

    page.get_by_role("button", name="Continue to the next decision").click()
    page.get_by_role("button", name="Turn to the choices").click()
    _choose(page, "R4", "Agree the aims and let them run their sections.")
    page.get_by_role("button", name="Submit my answer").click()
    expect(page.get_by_role("heading", name="In time")).to_be_visible()
    page.get_by_role("button", name="See your debrief").click()
    table = page.locator(".debrief-time")
    expect(table.get_by_role("heading", name="Against the clock")).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr.is-late")).to_have_count(1)
    audit(page)
    table.screenshot(path=_path("timed-debrief"))


@pytest.mark.django_db(transaction=True)
def test_turn_to_the_choices_without_javascript(page_no_js: Page, small_scenario) -> None:
    page = page_no_js
    _start_timed(page, small_scenario.slug)
    expect(page.locator(".countdown")).to_contain_text("Not started")
    page.get_by_role("button", name="Turn to the choices").click()
    expect(page).to_have_url(re.compile(r"/play/[0-9a-f-]+/#answer-heading$"))
    expect(page.get_by_role("heading", name="Your decision")).to_be_in_viewport()
    expect(page.locator(".countdown")).to_contain_text("left of 1 minute")
    assert Attempt.objects.get().current_served_at is not None
    _choose(page, "R1", ALARM_ACTION)
    page.get_by_role("button", name="Submit my answer").click()
    expect(page.get_by_role("heading", name="In time")).to_be_visible()
    assert Answer.objects.get().points == 2


def _path(name: str):
    """Where ``screenshot`` puts its files, for a screenshot of part of a page."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"
