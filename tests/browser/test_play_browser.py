"""The self-paced journey in real Chromium: with JavaScript, without it, resumed, on a phone.

Each screen the trainee passes gets an axe audit (catalog, overview, decision, feedback,
debrief), and the browser fixtures fail the test on any Content-Security-Policy violation.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import audit, screenshot
from trainer.play.models import Answer, Attempt

pytestmark = pytest.mark.browser

PASSWORD = "amber-radio-dawn-2008"
ALARM_MOMENT = "11 Feb 2008, shortly after 06:00"
CALM_MOMENT = "12 Feb 2008, morning"


def _choose(page: Page, readiness: str, action: str) -> None:
    page.get_by_label(re.compile(rf"^{readiness} ·")).check()
    page.get_by_label(action).check()


def _decision_heading(page: Page, moment: str):
    return page.get_by_role("heading", level=1, name=re.compile(re.escape(moment)))


@pytest.mark.django_db(transaction=True)
def test_a_new_trainee_plays_to_the_debrief_with_javascript(page: Page, small_scenario) -> None:
    page.goto("/")
    audit(page)  # the catalog
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("nadia")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    audit(page)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Your account is ready")).to_be_visible()

    page.get_by_role("link", name="A small test scenario").click()
    expect(page.get_by_text("playing as a guest")).to_have_count(0)
    audit(page)  # the overview with its Start panel
    page.get_by_role("button", name="Start the scenario").click()

    expect(_decision_heading(page, ALARM_MOMENT)).to_be_visible()
    expect(page.get_by_text("Acting head of mission")).to_be_visible()
    expect(page.get_by_text("They keep asking what to do.")).to_be_visible()
    audit(page)  # the decision
    screenshot(page, "play-decision")

    _choose(page, "R2", "Give three short orders and ask for a report in ten minutes.")
    page.get_by_label("Confidence (optional)").select_option("4")
    page.get_by_label("Why? One line (optional)").fill("Frightened people need short orders")
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("button", name="Submit my answer").click()

    heading = page.get_by_role("heading", level=2, name=re.compile("^Feedback"))
    expect(heading).to_be_focused()
    expect(heading).to_have_text("Feedback: readiness one level off, best fit action (+2 points)")
    assert page.evaluate("window.stillTheSamePage === true")  # swapped in place, not reloaded
    region = page.locator("#answer-region")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region.get_by_text("What the cues said:")).to_be_visible()
    expect(region.get_by_text("Frightened people need short orders")).to_be_visible()
    expect(region.get_by_text("Documented fact")).to_be_visible()
    expect(page.locator("input[name=diagnosis]")).to_have_count(0)
    audit(page)  # the feedback
    screenshot(page, "play-feedback")

    # Reload: the same feedback, no second answer.
    page.reload()
    expect(page.get_by_role("heading", name=re.compile("^Feedback"))).to_be_visible()
    assert Answer.objects.count() == 1

    page.get_by_role("button", name="Continue to the next decision").click()
    expect(_decision_heading(page, CALM_MOMENT)).to_be_visible()  # directing led to calm
    _choose(page, "R4", "Agree the aims and let them run their sections.")
    page.get_by_role("button", name="Submit my answer").click()
    page.get_by_role("button", name="See your debrief").click()

    expect(page).to_have_url(re.compile(r"/play/[0-9a-f-]+/debrief/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("your debrief")
    expect(page.get_by_text("+4").first).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Style arc"))).to_be_visible()
    expect(page.get_by_role("table", name="The style arc as a table")).to_be_visible()
    expect(page.get_by_text("“Frightened people need short orders”")).to_be_visible()
    expect(page.get_by_text("Which routine mechanism helped")).to_be_visible()
    audit(page)  # the debrief
    screenshot(page, "play-debrief")

    page.set_viewport_size({"width": 1920, "height": 1080})  # a projector
    screenshot(page, "play-debrief-projector")

    page.get_by_role("link", name="Printable view").click()
    expect(page.get_by_role("button", name="Print this page")).to_be_visible()
    audit(page)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    page.emulate_media(media="screen")

    page.goto("/")
    page.get_by_role("link", name="A small test scenario").click()
    expect(page.get_by_role("link", name=re.compile("^Debrief of"))).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_the_same_journey_without_javascript(page_no_js: Page, small_scenario) -> None:
    page = page_no_js
    page.goto("/")
    page.get_by_role("link", name="A small test scenario").click()
    expect(page.get_by_text("playing as a guest")).to_be_visible()
    page.get_by_label(re.compile("^Golden Hour")).check()
    page.get_by_role("button", name="Start the scenario").click()

    expect(_decision_heading(page, ALARM_MOMENT)).to_be_visible()
    expect(page.locator(".countdown")).to_contain_text("Not started")
    page.get_by_role("button", name="Turn to the choices").click()  # Golden Hour: read first
    expect(page.locator(".countdown")).to_contain_text("left of 1 minute")
    # Submitting without a diagnosis: the browser's own check keeps the form from going.
    page.get_by_label("Leave it to the duty officer.").check()
    page.get_by_role("button", name="Submit my answer").click()
    expect(_decision_heading(page, ALARM_MOMENT)).to_be_visible()
    assert not Answer.objects.exists()

    _choose(page, "R1", "Leave it to the duty officer.")  # delegating leads to chaos
    page.get_by_role("button", name="Submit my answer").click()
    expect(page.get_by_role("heading", name=re.compile("^Feedback"))).to_be_visible()
    expect(page.get_by_text("The best fit: S1 Directing")).to_be_visible()
    expect(page.locator(".countdown")).to_contain_text("Answered in")
    page.get_by_role("button", name="Continue to the next decision").click()

    expect(_decision_heading(page, "11 Feb 2008, about 06:45")).to_be_visible()
    page.get_by_role("button", name="Turn to the choices").click()
    _choose(page, "R1", "Take the radio and give one set of instructions.")
    page.get_by_role("button", name="Submit my answer").click()
    page.get_by_role("button", name="Continue to the next decision").click()

    expect(_decision_heading(page, CALM_MOMENT)).to_be_visible()
    page.get_by_role("button", name="Turn to the choices").click()
    _choose(page, "R4", "Agree the aims and let them run their sections.")
    page.get_by_role("button", name="Submit my answer").click()
    page.get_by_role("button", name="See your debrief").click()

    expect(page).to_have_url(re.compile(r"/debrief/$"))
    expect(page.get_by_role("heading", name="Against the clock")).to_be_visible()
    expect(page.get_by_role("heading", name="Decision by decision")).to_be_visible()
    expect(page.locator(".review-item")).to_have_count(3)
    # (No axe audit here: axe is a script, and this browser runs none. The journey with
    # JavaScript audits the same pages.)
    page.get_by_role("button", name="Replay this scenario").click()
    expect(_decision_heading(page, ALARM_MOMENT)).to_be_visible()
    assert Attempt.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_resume_after_closing_the_page(new_context, small_scenario) -> None:
    context = new_context()
    page = context.new_page()
    page.goto(f"/scenarios/{small_scenario.slug}/")
    page.get_by_role("button", name="Start the scenario").click()
    _choose(page, "R3", "Ask the team how they would like to handle it.")  # leads to chaos
    page.get_by_role("button", name="Submit my answer").click()
    page.get_by_role("button", name="Continue to the next decision").click()
    expect(_decision_heading(page, "11 Feb 2008, about 06:45")).to_be_visible()
    page.close()

    page = context.new_page()
    page.goto("/")
    page.get_by_role("link", name="A small test scenario").click()
    expect(page.get_by_role("heading", name="Pick up where you stopped")).to_be_visible()
    page.get_by_role("link", name="Resume at decision 2").click()
    expect(_decision_heading(page, "11 Feb 2008, about 06:45")).to_be_visible()

    # Close again between the answer and Continue: back on the same feedback.
    _choose(page, "R1", "Take the radio and give one set of instructions.")
    page.get_by_role("button", name="Submit my answer").click()
    expect(page.get_by_role("heading", name=re.compile("^Feedback"))).to_be_visible()
    page.close()
    page = context.new_page()
    page.goto(f"/scenarios/{small_scenario.slug}/")
    page.get_by_role("link", name="Resume at decision 2").click()
    expect(page.get_by_role("heading", name=re.compile("^Feedback"))).to_be_visible()
    page.go_back()
    page.go_forward()
    expect(page.get_by_role("button", name="Continue to the next decision")).to_be_visible()
    assert Answer.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_golden_hour_clock_on_a_phone(phone_page: Page, small_scenario) -> None:
    page = phone_page
    page.goto(f"/scenarios/{small_scenario.slug}/")
    page.get_by_label(re.compile("^Golden Hour")).check()
    page.get_by_role("button", name="Start the scenario").click()
    page.get_by_role("button", name="Turn to the choices").click()
    clock = page.locator(".countdown")
    expect(clock).to_be_visible()
    expect(clock.locator("[data-countdown-value]")).to_have_text(re.compile(r"^0:(5\d|60)$"))
    audit(page)
    screenshot(page, "play-phone-decision")

    # The clock runs on the server: make 47 of the 60 seconds gone, and reload.
    attempt = Attempt.objects.get()
    Attempt.objects.filter(pk=attempt.pk).update(
        current_served_at=timezone.now() - timedelta(seconds=47)
    )
    page.reload()
    announce = page.locator("[data-countdown-announce]")
    expect(announce).to_have_text("10 seconds left.", timeout=6_000)
    expect(clock).to_have_class(re.compile("is-low"))

    Attempt.objects.filter(pk=attempt.pk).update(
        current_served_at=timezone.now() - timedelta(seconds=57)
    )
    page.reload()
    expect(announce).to_have_text(re.compile("^Time is up"), timeout=6_000)
    expect(clock.locator("[data-countdown-unit]")).to_contain_text("over the 1 minute budget")

    Attempt.objects.filter(pk=attempt.pk).update(
        current_served_at=timezone.now() - timedelta(seconds=90)
    )
    _choose(page, "R1", "Give three short orders and ask for a report in ten minutes.")
    page.get_by_role("button", name="Submit my answer").click()
    expect(page.get_by_role("heading", name=re.compile("^Late:"))).to_be_visible()
    expect(clock).to_have_class(re.compile("is-done"))
    expect(clock).to_contain_text("late")
    assert Answer.objects.get().late
    audit(page)
    screenshot(page, "play-phone-feedback")

    page.get_by_role("button", name="Continue to the next decision").click()
    page.get_by_role("button", name="Turn to the choices").click()
    _choose(page, "R4", "Agree the aims and let them run their sections.")
    page.get_by_role("button", name="Submit my answer").click()
    page.get_by_role("button", name="See your debrief").click()
    expect(page.get_by_text("Late answers")).to_be_visible()
    audit(page)
    screenshot(page, "play-phone-debrief")


@pytest.mark.django_db(transaction=True)
def test_keyboard_only_play(page: Page, small_scenario) -> None:
    page.goto(f"/scenarios/{small_scenario.slug}/")
    page.get_by_role("button", name="Start the scenario").focus()
    page.keyboard.press("Enter")
    expect(_decision_heading(page, ALARM_MOMENT)).to_be_visible()

    page.locator("input[name=diagnosis]").first.focus()
    page.keyboard.press("Space")  # R1
    page.keyboard.press("Tab")  # into step 2: the first action, in this attempt's order
    page.keyboard.press("Space")
    directing = page.get_by_label("Give three short orders and ask for a report in ten minutes.")
    for _ in range(3):  # the arrows walk the actions, wherever the draw put directing
        if directing.is_checked():
            break
        page.keyboard.press("ArrowDown")
    expect(directing).to_be_checked()
    expect(page.locator("input[name=option]:checked")).to_have_count(1)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("Short orders first")
    page.keyboard.press("Enter")  # submits the form

    expect(page.get_by_role("heading", name=re.compile("^Feedback"))).to_be_focused()
    continue_button = page.get_by_role("button", name="Continue to the next decision")
    for _ in range(12):
        page.keyboard.press("Tab")
        if continue_button.evaluate("button => button === document.activeElement"):
            break
    expect(continue_button).to_be_focused()
    page.keyboard.press("Enter")
    expect(_decision_heading(page, CALM_MOMENT)).to_be_visible()
    assert Answer.objects.get().reason == "Short orders first"
