"""The model page and the facilitator guides in real Chromium: readable on a phone, clean
for axe, and each guide's sheet printed to PDF fits on one A4 page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

from scenarios.validation import bundled_files
from tests.browser.conftest import audit, screenshot

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# Chromium writes one "/Type /Page" object per page (and one "/Type /Pages" for the tree).
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def _log_in(context: BrowserContext, user, base_url: str) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def _pages(pdf: bytes) -> int:
    return len(_PAGE.findall(pdf))


@pytest.mark.django_db(transaction=True)
def test_the_model_page_reads_on_a_desktop_and_a_phone(page: Page, new_context) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/model/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Situational leadership")
    toc = page.get_by_role("navigation", name="On this page")
    toc.get_by_role("link", name="What the evidence says").click()
    expect(page).to_have_url(re.compile(r"/model/#evidence$"))
    audit(page)
    screenshot(page, "guide-model-desktop")
    phone = new_context(**PHONE).new_page()
    phone.goto("/model/")
    # Nothing wider than the screen: the tables stack their cells on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    audit(phone)
    screenshot(phone, "guide-model-phone")


@pytest.mark.django_db(transaction=True)
def test_a_facilitator_opens_the_guide_from_the_scenario_page(
    new_context, live_server, facilitator, bundled_scenarios
) -> None:
    context = new_context()
    _log_in(context, facilitator, live_server.url)
    page = context.new_page()
    page.goto("/scenarios/the-first-days/")
    page.get_by_role("link", name="the facilitator guide").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The first days: facilitator guide")
    expect(page.get_by_role("heading", name="90 minutes")).to_be_visible()
    audit(page)
    screenshot(page, "guide-page")
    phone = new_context(**PHONE)
    _log_in(phone, facilitator, live_server.url)
    small = phone.new_page()
    small.goto("/scenarios/the-first-days/guide/")
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    audit(small)


@pytest.mark.django_db(transaction=True)
def test_each_guide_sheet_prints_on_one_a4_page(
    new_context, live_server, facilitator, bundled_scenarios
) -> None:
    context = new_context()
    _log_in(context, facilitator, live_server.url)
    page = context.new_page()
    # The count can fail: the long model page prints on several pages.
    page.goto("/model/")
    assert _pages(page.pdf(format="A4")) > 1
    for path in bundled_files():
        page.goto(f"/scenarios/{path.stem}/guide/print/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        assert _pages(pdf) == 1, f"{path.stem}: the sheet takes {_pages(pdf)} pages"
    audit(page)
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    screenshot(page, "guide-print")
