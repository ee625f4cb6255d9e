"""The catalog and a scenario overview, in real Chromium, with an accessibility audit."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import audit, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_catalog_and_overview(page: Page, small_scenario) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    link = page.get_by_role("link", name="A small test scenario")
    expect(link).to_be_visible()
    audit(page)
    link.click()
    expect(page).to_have_url(f"/scenarios/{small_scenario.slug}/")
    expect(page.get_by_role("heading", level=1, name="A small test scenario")).to_be_visible()
    # What it trains would give the answers away; the debrief says it instead.
    expect(page.get_by_text("Judging readiness and choosing a style")).to_have_count(0)
    audit(page)
    screenshot(page, "overview")


@pytest.mark.django_db(transaction=True)
def test_skip_link_reaches_the_content(page: Page, small_scenario) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url("/#main")
