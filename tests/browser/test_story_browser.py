"""A story whose early choice comes back, in real Chromium: the decision that shows an
earlier choice's paragraph, a hard call's feedback, a rule stop's, the debrief with its
ending and "Where reasonable leaders differ"; then the presenter's screens for the same
story in a room. Every page gets an axe audit, and screenshots go to /work/shots/ (and
test-results/) for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from tests.browser.conftest import audit, screenshot
from trainer.workshops.models import Workshop

pytestmark = pytest.mark.browser
SHOTS = Path("/work/shots")


def _shot(page: Page, name: str) -> None:
    screenshot(page, name)
    if SHOTS.is_dir():
        page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def _choose(page: Page, readiness: str, action: str) -> None:
    page.get_by_label(re.compile(rf"^{readiness} ·")).check()
    page.get_by_label(action).check()
    page.get_by_role("button", name="Submit my answer").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("^Feedback"))).to_be_focused()


def _continue(page: Page) -> None:
    page.get_by_role(
        "button", name=re.compile("^(Continue to the next decision|See your debrief)")
    ).click()


@pytest.mark.django_db(transaction=True)
def test_a_story_that_carries_an_early_choice(page: Page, story_scenario) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/scenarios/{story_scenario.slug}/")
    page.get_by_role("button", name="Start the scenario").click()
    _choose(page, "R1", "Let the duty officer handle the radio as he sees fit.")
    _continue(page)

    expect(page.get_by_role("heading", name="The team for this task")).to_be_visible()
    audit(page)  # a decision with a mixed team
    _choose(
        page, "R1", "Give the new drivers the route and every checkpoint, and put Lina at the head."
    )
    expect(page.get_by_role("heading", name="Who needed what")).to_be_visible()
    audit(page)
    _continue(page)

    consequence = page.locator(".consequence")
    expect(consequence).to_contain_text("Because of an earlier choice")
    expect(consequence).to_contain_text("still being argued over in the corridor")
    expect(page.get_by_text("Someone asks out loud who is really in charge.")).to_be_visible()
    audit(page)  # the decision with a consequence of an earlier choice
    _shot(page, "rt-decision-if-set")

    _choose(page, "R2", "Ask them to draft the routine themselves and back what they choose.")
    hard_call = page.locator(".fb-hard-call")
    expect(hard_call).to_contain_text("Reasonable leaders differ here")
    audit(page)  # the feedback of a hard call
    hard_call.scroll_into_view_if_needed()
    _shot(page, "rt-feedback-hard-call")
    _continue(page)

    _choose(page, "R4", "Let them finish and send it, and read it afterwards.")
    expect(page.locator(".fb-rule-stop")).to_contain_text("the best fit is S3 Supporting")
    audit(page)  # the feedback of a rule stop
    _shot(page, "rt-feedback-rule-stop")
    _continue(page)

    expect(page.get_by_role("heading", level=2, name="Two voices at dawn")).to_be_visible()
    expect(page.get_by_role("heading", name="What carried through")).to_be_visible()
    expect(page.get_by_role("heading", name="Where reasonable leaders differ")).to_be_visible()
    audit(page)  # the debrief
    _shot(page, "rt-debrief")
    if SHOTS.is_dir():  # the two new sections, at a size a person can read
        page.locator(".debrief-ending").screenshot(path=SHOTS / "rt-debrief-ending.png")
        page.locator(".debrief-differ").screenshot(path=SHOTS / "rt-debrief-differ.png")


@pytest.mark.django_db(transaction=True)
def test_the_presenter_shows_the_rooms_consequence_and_the_hard_call(
    new_context, live_server, facilitator, story_scenario
) -> None:
    workshop = Workshop.create(scenario=story_scenario, facilitator=facilitator)
    host = Client()
    host.force_login(facilitator)
    phone = Client()
    phone.post(f"/join/{workshop.code}/", {"display_name": "Ana"})

    def act(action: str) -> None:
        step = Workshop.objects.select_related("current_step").get(pk=workshop.pk).step_number
        host.post(f"/workshops/{workshop.pk}/", {"action": action, "step": step})

    def send(style: str, diagnosis: str) -> None:
        point = Workshop.objects.get(pk=workshop.pk).current_step.decision_point
        option = point.options.get(style=style)
        phone.post(
            workshop.room_path, {"point": point.pk, "diagnosis": diagnosis, "option": option.pk}
        )

    for style in ("S4", "S1"):  # radio: two voices; convoy: the route to the regroup
        act("open")
        send(style, "R1")
        act("reveal")
    act("open")

    laptop = new_context(viewport={"width": 1280, "height": 800})
    cookie = host.cookies["sessionid"]
    laptop.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    presenter = laptop.new_page()
    presenter.goto(f"/workshops/{workshop.pk}/present/")
    expect(presenter.locator(".consequence")).to_contain_text("Because of an earlier choice")
    audit(presenter)
    send("S3", "R2")
    act("reveal")
    presenter.reload()
    expect(presenter.get_by_role("heading", name=re.compile("^A hard call"))).to_be_visible()
    audit(presenter)
    _shot(presenter, "rt-presenter-hard-call")
    act("end")
    presenter.reload()
    expect(presenter.get_by_role("heading", name="Two voices at dawn")).to_be_visible()
    audit(presenter)
