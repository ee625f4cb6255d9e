"""A whole live workshop in real Chromium: one facilitator, a projector, three phones.

Every screen updates by polling, so nothing here reloads a page by hand except the
participant without JavaScript, who uses the Refresh link.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

from scenarios.models import Scenario
from tests.browser.conftest import audit, screenshot
from trainer.workshops.models import Status, Workshop

pytestmark = pytest.mark.browser
WAIT = 12_000  # a few poll intervals
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _log_in(context: BrowserContext, user, base_url: str) -> None:
    """Give a browser context the user's session, as if they had logged in."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def _join(page: Page, code: str, name: str, *, first: bool = False) -> None:
    page.goto("/join/")
    if first:
        audit(page)
        screenshot(page, "workshop-join-code-phone")
    page.get_by_label("Workshop code").fill(code.lower()[:3] + " " + code.lower()[3:])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Your name in this workshop")).to_be_visible()
    if first:
        audit(page)
    page.get_by_label("Your name in this workshop").fill(name)
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", name="You're in")).to_be_visible()


def _answer(page: Page, diagnosis: str, action: str, reason: str = "") -> None:
    expect(page.get_by_role("button", name="Send my answer")).to_be_visible(timeout=WAIT)
    page.locator(f'input[name="diagnosis"][value="{diagnosis}"]').check()
    page.get_by_role("radio", name=re.compile(re.escape(action))).check()
    if reason:
        page.get_by_label(re.compile("Why")).fill(reason)
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", name="Answer received")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_whole_workshop_with_a_branch_and_the_reveal(
    new_context, live_server, facilitator, small_scenario
):
    # The facilitator creates the workshop on their laptop.
    laptop = new_context(viewport={"width": 1280, "height": 900})
    _log_in(laptop, facilitator, live_server.url)
    control = laptop.new_page()
    posts: list[tuple[str, str | None]] = []
    control.on(
        "request",
        lambda r: (
            posts.append((r.url, r.headers.get("hx-request"))) if r.method == "POST" else None
        ),
    )
    control.goto("/workshops/")
    control.get_by_role("link", name="New workshop").click()
    control.get_by_role("radio", name=re.compile("A small test scenario")).check()
    control.get_by_label(re.compile("Title for this session")).fill("Induction, Dili")
    control.get_by_role("button", name="Create workshop").click()
    expect(control.get_by_role("heading", level=1, name="Induction, Dili")).to_be_visible()
    workshop = Workshop.objects.get()
    audit(control)
    screenshot(control, "workshop-control-lobby")

    # The projector shows the code and the QR code.
    projector_context = new_context(viewport={"width": 1920, "height": 1080})
    _log_in(projector_context, facilitator, live_server.url)
    projector = projector_context.new_page()
    poll_statuses: list[int] = []
    projector.on(
        "response",
        lambda r: (
            poll_statuses.append(r.status)
            if "/present/" in r.url and r.request.headers.get("hx-request")
            else None
        ),
    )
    projector.goto(f"/workshops/{workshop.pk}/present/")
    expect(projector.get_by_text(workshop.code_grouped, exact=True)).to_be_visible()
    expect(projector.get_by_role("img", name=re.compile("QR code for http"))).to_be_visible()
    audit(projector)

    # Three people join on their phones; the projector counts them without a reload.
    phones = [new_context(**PHONE).new_page() for _ in range(3)]
    names = ["Ana", "Bruno", "Carla"]
    for index, (phone, name) in enumerate(zip(phones, names, strict=True)):
        _join(phone, workshop.code, name, first=index == 0)
    audit(phones[0])
    screenshot(phones[0], "workshop-participant-waiting-phone")
    expect(projector.get_by_text("3 people have joined")).to_be_visible(timeout=WAIT)
    expect(projector.locator(".name-cloud")).to_contain_text("Carla")
    screenshot(projector, "workshop-presenter-lobby")

    # N opens the first decision; every phone shows it by itself.
    control.keyboard.press("n")
    expect(control.get_by_text("Decision 1 is open")).to_be_visible()
    for phone in phones:
        expect(phone.get_by_role("button", name="Send my answer")).to_be_visible(timeout=WAIT)
    expect(projector.get_by_text("The radio room calls")).to_be_visible(timeout=WAIT)
    audit(phones[0])
    screenshot(phones[0], "workshop-participant-decision-phone")

    # Two of them leave it to the team (that branch leads to chaos), one gives orders.
    _answer(phones[0], "R1", "Give three short orders", "They are frightened")
    _answer(phones[1], "R3", "Ask the team how they would like", "They know the job")
    _answer(phones[2], "R2", "Ask the team how they would like")
    screenshot(phones[0], "workshop-participant-received-phone")
    expect(projector.locator(".count-number")).to_contain_text("3 of 3", timeout=WAIT)
    expect(control.locator(".answer-count")).to_contain_text("3 of 3", timeout=WAIT)
    audit(projector)
    screenshot(projector, "workshop-presenter-decision")

    # L locks, R reveals.
    control.keyboard.press("l")
    expect(control.get_by_text("Answers are locked.")).to_be_visible()
    control.keyboard.press("r")
    expect(control.get_by_role("heading", name="The room's answers")).to_be_visible()
    expect(projector.get_by_role("heading", name="What the room decided")).to_be_visible(
        timeout=WAIT
    )
    expect(
        projector.get_by_role("heading", name=re.compile(r"Best fit: [A-D], S1 Directing"))
    ).to_be_visible()
    expect(projector.get_by_text("They know the job")).to_be_visible()
    expect(projector.locator("main")).not_to_contain_text("Bruno")
    audit(projector)
    screenshot(projector, "workshop-presenter-reveal")
    audit(control)
    screenshot(control, "workshop-control-reveal")

    # Each phone shows its own feedback, as a trainee playing alone would read it.
    expect(phones[0].get_by_role("heading", name="Your action: S1 Directing")).to_be_visible(
        timeout=WAIT
    )
    expect(phones[1].get_by_role("heading", name="Your action: S3 Supporting")).to_be_visible(
        timeout=WAIT
    )
    expect(phones[1].get_by_role("heading", name="The best fit: S1 Directing")).to_be_visible()
    expect(phones[1].locator("main")).not_to_contain_text("Ana")
    audit(phones[1])
    screenshot(phones[1], "workshop-participant-feedback-phone")

    # The facilitator tries their own pick, then goes back to the room's majority: chaos.
    branches = control.locator(".branch")
    expect(branches.filter(has_text="most chosen").locator(".badge")).to_have_text("Following")
    branches.filter(has_text="Give three short orders").get_by_role("button").click()
    notice = control.locator("#control-notice")
    expect(notice).to_have_text("Branch set to your pick.")
    branches.filter(has_text="most chosen").get_by_role("button").click()
    expect(notice).to_have_text("Branch set back to the room's most chosen action.")
    control.keyboard.press("n")
    expect(control.get_by_text("Decision 2 is open")).to_be_visible()
    for phone in phones:
        # The story sits folded on a phone (it is on the big screen); the actions show.
        expect(phone.get_by_role("radio", name=re.compile("Let each unit decide"))).to_be_visible(
            timeout=WAIT
        )

    # Two answer; the facilitator reveals before Carla does.
    _answer(phones[0], "R1", "Take the radio")
    _answer(phones[1], "R1", "Gather the team")
    expect(control.locator(".answer-count")).to_contain_text("2 of 3", timeout=WAIT)
    control.keyboard.press("r")
    expect(phones[2].get_by_text("You did not answer this one")).to_be_visible(timeout=WAIT)
    expect(projector.get_by_text("2 answers")).to_be_visible(timeout=WAIT)

    # After the detour every action leads back to the main line: the calm morning.
    expect(control.get_by_text("Every action leads on to the same decision")).to_be_visible()
    control.keyboard.press("n")
    expect(control.get_by_text("Decision 3 is open")).to_be_visible()
    for phone in phones:
        expect(phone.get_by_role("radio", name=re.compile("Agree the aims"))).to_be_visible(
            timeout=WAIT
        )
    for phone in phones:
        _answer(phone, "R4", "Agree the aims")
    control.keyboard.press("r")
    expect(
        projector.get_by_role("heading", name=re.compile(r"Best fit: [A-D], S4 Delegating"))
    ).to_be_visible(timeout=WAIT)

    # The scenario ends here: the control offers the summary.
    control.once("dialog", lambda dialog: dialog.accept())
    control.get_by_role("button", name="End and show the summary").click()
    expect(control.get_by_role("heading", name="This workshop has ended")).to_be_visible()
    expect(projector.get_by_role("heading", name="Thank you")).to_be_visible(timeout=WAIT)
    expect(projector.get_by_role("img", name=re.compile("style"))).to_be_visible()
    expect(projector.get_by_role("heading", name="The hardest decisions")).to_be_visible()
    audit(projector)
    screenshot(projector, "workshop-presenter-summary")
    for phone, name in zip(phones, names, strict=True):
        expect(phone.get_by_role("heading", name=f"Thank you, {name}")).to_be_visible(timeout=WAIT)
    audit(phones[0])
    screenshot(phones[0], "workshop-participant-ended-phone")
    assert Workshop.objects.get().status == Status.ENDED

    # No action fell back to a full page load: htmx carried every one.
    actions = [hx for url, hx in posts if url.endswith(f"/workshops/{workshop.pk}/")]
    assert len(actions) == 10  # open, lock, reveal, two picks, open, reveal, open, reveal, end
    assert all(actions)
    # Polling stopped, and while it ran an unchanged projector got 304s.
    assert 304 in poll_statuses
    settled = len(poll_statuses)
    projector.wait_for_timeout(4500)
    assert len(poll_statuses) == settled

    # The results page and the export.
    control.goto(f"/workshops/{workshop.pk}/results/")
    expect(control.get_by_role("table", name=re.compile("same figures"))).to_be_visible()
    audit(control)
    screenshot(control, "workshop-results")
    with control.expect_download() as download:
        control.get_by_role("link", name="Export CSV").first.click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.count("\n") == 1 + 3 * 3  # the header, then 3 people x 3 decisions
    assert "They know the job" in text

    # The People page: who came, and what each answered.
    control.goto(f"/workshops/{workshop.pk}/people/")
    expect(control.get_by_role("heading", name="People in the room")).to_be_visible()
    audit(control)


@pytest.mark.django_db(transaction=True)
def test_a_participant_without_javascript_can_take_part(
    page_no_js, live_server, facilitator, small_scenario
):
    workshop = Workshop.create(scenario=small_scenario, facilitator=facilitator)
    page = page_no_js
    page.goto(f"/join/{workshop.code}/")
    page.get_by_label("Your name in this workshop").fill("Dina")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", name="You're in")).to_be_visible()
    refresh = page.get_by_role("link", name="Refresh")
    expect(refresh).to_be_visible()

    workshop.open_next()
    refresh.click()
    page.locator('input[name="diagnosis"][value="R1"]').check()
    page.get_by_role("radio", name=re.compile("Give three short orders")).check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", name="Answer received")).to_be_visible()
    # (axe needs JavaScript; the same screens are audited in the test above.)

    workshop.reveal()
    page.get_by_role("link", name="Refresh").click()
    expect(page.get_by_role("heading", name="Your action: S1 Directing")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_shortcuts_do_nothing_while_typing_or_when_out_of_turn(
    new_context, live_server, facilitator, small_scenario
):
    workshop = Workshop.create(scenario=small_scenario, facilitator=facilitator)
    context = new_context()
    _log_in(context, facilitator, live_server.url)
    page = context.new_page()
    page.goto(f"/workshops/{workshop.pk}/")
    page.keyboard.press("r")  # nothing is open: Reveal is disabled
    page.keyboard.press("l")
    page.wait_for_timeout(500)
    assert Workshop.objects.get().status == Status.LOBBY
    expect(page.get_by_role("button", name=re.compile("Reveal answers"))).to_be_disabled()
    page.keyboard.press("n")
    expect(page.get_by_text("Decision 1 is open")).to_be_visible()
    assert Workshop.objects.get().status == Status.OPEN


@pytest.mark.django_db(transaction=True)
def test_the_presenter_fits_one_projector_screen_with_real_content(
    new_context, live_server, facilitator, bundled_scenarios
):
    """The first decision of the bundled first hour has one of the longest narratives and
    notes; at 1920x1080 the open decision and its reveal must not need scrolling."""
    scenario = Scenario.objects.get(slug="the-first-hour")
    workshop = Workshop.create(scenario=scenario, facilitator=facilitator, title="Induction")
    people = [workshop.join(display_name=f"Person {n}") for n in range(10)]
    workshop.open_next()
    point = scenario.first_point()
    options = list(point.options.all())
    for index, person in enumerate(people[:8]):
        person.answer(
            point=point,
            option=options[index % len(options)],
            diagnosis=["R1", "R2", "R3"][index % 3],
            reason=f"A reason of a usual length, number {index}, given by someone in the room.",
        )
    context = new_context(viewport={"width": 1920, "height": 1080})
    _log_in(context, facilitator, live_server.url)
    page = context.new_page()
    page.goto(f"/workshops/{workshop.pk}/present/")
    expect(page.get_by_text("8", exact=True)).to_be_visible()
    # Two screens, a page-down apart: the story, then the lettered choices, each whole.
    story_end = page.evaluate(
        "document.querySelector('.live-decision').getBoundingClientRect().bottom"
    )
    assert story_end <= 1080
    choices = page.evaluate("document.querySelector('#choices').scrollHeight")
    assert choices <= 1080, choices
    workshop.reveal()
    page.reload()
    expect(page.get_by_role("heading", name="What the room decided")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    screenshot(page, "workshop-presenter-reveal-real-content")
