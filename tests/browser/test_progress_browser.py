"""A learner's progress page and a lead's cohort dashboard in real Chromium, with axe audits."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import audit, screenshot
from tests.test_progress_support import BEST_RUN, POOR_RUN, join, make_cohort, play

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(context: BrowserContext, user, live_server) -> None:
    """Give the browser the session cookie of a logged-in test client."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def _history(user, scenario) -> None:
    start = timezone.now() - timedelta(days=20)
    for day, run in enumerate([POOR_RUN, POOR_RUN, BEST_RUN, POOR_RUN, BEST_RUN, BEST_RUN]):
        play(user, scenario, run, at=start + timedelta(days=3 * day))
    play(user, scenario, [("R1", "S2")], finish=False)


def test_a_learner_reads_their_progress(new_context, live_server, trainee, small_scenario):
    _history(trainee, small_scenario)
    for name, options in (("desktop", {}), ("phone", {"viewport": {"width": 390, "height": 844}})):
        context = new_context(**options)
        log_in(context, trainee, live_server)
        page = context.new_page()
        page.goto("/me/")
        expect(page.get_by_role("heading", level=1, name="My progress")).to_be_visible()
        expect(
            page.get_by_role("img", name=re.compile("Adaptability of each finished"))
        ).to_be_visible()
        expect(page.get_by_role("link", name=re.compile("^Resume"))).to_be_visible()
        page.get_by_text("Adaptability over time as a table").click()
        expect(page.get_by_role("table", name=re.compile("Finished attempts"))).to_be_visible()
        audit(page)
        screenshot(page, f"progress-me-{name}")
    # The confirmation page, audited with JavaScript on (axe needs it).
    page.get_by_role("link", name="Delete my data…").click()
    expect(page.get_by_role("checkbox", name=re.compile("I understand"))).to_be_visible()
    audit(page)


def test_a_learner_deletes_their_data_without_javascript(
    page_no_js: Page, live_server, trainee, small_scenario
):
    play(trainee, small_scenario, BEST_RUN)
    log_in(page_no_js.context, trainee, live_server)
    page_no_js.goto("/me/")
    page_no_js.get_by_role("link", name="Delete my data…").click()
    expect(page_no_js.get_by_role("heading", level=1, name="Delete my data")).to_be_visible()
    page_no_js.get_by_role("button", name="Delete my data").click()
    expect(page_no_js.get_by_text("Tick the box to confirm")).to_be_visible()
    page_no_js.get_by_label(re.compile("I understand")).check()
    page_no_js.get_by_role("button", name="Delete my data").click()
    expect(page_no_js).to_have_url(re.compile("/me/$"))
    expect(page_no_js.get_by_text("Deleted 1 attempt and 2 answers")).to_be_visible()
    expect(page_no_js.get_by_text("Nothing here yet")).to_be_visible()


def _cohort_with_members(facilitator, scenario, django_user_model, count: int = 28):
    cohort = make_cohort(facilitator)
    start = timezone.now() - timedelta(days=30)
    for index in range(count):
        user = django_user_model.objects.create_user(f"learner{index:02d}")
        join(cohort, user)
        runs = [BEST_RUN, POOR_RUN] if index % 3 else [POOR_RUN]
        for offset, run in enumerate(runs):
            play(user, scenario, run, at=start + timedelta(days=index % 20 + offset))
    return cohort


def test_a_lead_reads_and_filters_the_dashboard(
    new_context, live_server, facilitator, small_scenario, django_user_model
):
    cohort = _cohort_with_members(facilitator, small_scenario, django_user_model)
    for name, options in (("desktop", {}), ("phone", {"viewport": {"width": 390, "height": 844}})):
        context = new_context(**options)
        log_in(context, facilitator, live_server)
        page = context.new_page()
        page.goto(f"/cohorts/{cohort.pk}/")
        expect(page.get_by_role("heading", level=1, name=cohort.name)).to_be_visible()
        expect(page.get_by_role("heading", name="Hardest decisions")).to_be_visible()
        expect(page.get_by_role("img", name=re.compile("leadership style"))).to_be_visible()
        expect(page.get_by_text("Page 1 of 2", exact=True)).to_be_visible()
        # The page fits the phone's width, and the invitation copies in one tap.
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
        copy = page.locator('[data-copy="#invite-url"]')
        copy.click()
        expect(copy).to_have_text("Copied")
        audit(page)
        screenshot(page, f"progress-cohort-{name}")

    # With JavaScript: the filters and the pager swap the results in place.
    twelve_days_ago = (timezone.now() - timedelta(days=12)).date().isoformat()
    page.get_by_label("From", exact=True).fill(twelve_days_ago)
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"start="))
    expect(page.get_by_text(re.compile(r"answers from \d"))).to_be_visible()
    page.get_by_role("link", name="Next →").click()
    expect(page.get_by_text("Page 2 of 2", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"page=2"))
    page.get_by_role("link", name="learner27").click()
    expect(page.get_by_role("heading", level=1, name="learner27")).to_be_visible()
    audit(page)


def test_the_dashboard_filters_work_without_javascript(
    page_no_js: Page, live_server, facilitator, small_scenario, django_user_model
):
    cohort = _cohort_with_members(facilitator, small_scenario, django_user_model, count=4)
    log_in(page_no_js.context, facilitator, live_server)
    page_no_js.goto(f"/cohorts/{cohort.pk}/")
    expect(
        page_no_js.locator('[data-copy="#invite-url"]')
    ).to_be_hidden()  # the field is there to select
    page_no_js.get_by_label("From", exact=True).fill("2026-05-10")
    page_no_js.get_by_label("To", exact=True).fill("2026-05-01")
    page_no_js.get_by_role("button", name="Apply").click()
    expect(page_no_js.get_by_text("The start date is after the end date")).to_be_visible()
    page_no_js.get_by_label("Scenario", exact=True).select_option(label=small_scenario.title)
    page_no_js.get_by_label("To", exact=True).fill("")
    page_no_js.get_by_label("From", exact=True).fill("")
    page_no_js.get_by_role("button", name="Apply").click()
    expect(page_no_js.get_by_text(f"Showing {small_scenario.title}")).to_be_visible()


def test_a_learner_joins_by_the_invitation_link(
    new_context, live_server, facilitator, trainee, small_scenario
):
    cohort = make_cohort(facilitator)
    context = new_context()
    log_in(context, trainee, live_server)
    page = context.new_page()
    page.goto(cohort.invite_path())
    expect(page.get_by_role("heading", level=1, name=f"Join “{cohort.name}”")).to_be_visible()
    audit(page)
    page.get_by_role("button", name="Join the cohort").click()
    expect(page).to_have_url(re.compile("/me/$"))
    expect(page.get_by_text(f"You joined “{cohort.name}”")).to_be_visible()
    page.goto(cohort.invite_path()[:-6] + "broken/")
    expect(page.get_by_text("This invitation link is not valid")).to_be_visible()
    audit(page)
