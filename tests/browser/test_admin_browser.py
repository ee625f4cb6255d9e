"""The admin under the site's strict Content-Security-Policy: its pages and widgets work,
and the browser reports no violation (the ``new_context`` fixture fails the test on any)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_the_admin_works_under_the_content_security_policy(new_context, staff, small_scenario):
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    # Staff log in through the site's throttled form, which hands them on to the admin.
    response = page.goto("/admin/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.get_by_label("Username").fill(staff.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    # Every list, and the first change form of each, as an author would open them.
    lists = page.eval_on_selector_all(
        "#content-main table a[href$='/']:not([href$='/add/'])",
        "links => links.map(link => link.getAttribute('href'))",
    )
    assert "/admin/scenarios/scenario/" in lists
    for url in lists:
        assert page.goto(url).status == 200, url
        first = page.locator("#result_list tbody th a").first
        if first.count():
            first.click()
            expect(page.locator("#content-main form")).to_be_visible()

    # The scripted widgets: a new inline row, the sidebar filter, a date picker.
    page.goto(f"/admin/scenarios/scenario/{small_scenario.pk}/change/")
    rows = page.locator("#decision_points-group tbody tr.form-row:not(.empty-form)")
    before = rows.count()
    page.get_by_role("button", name="Add another Decision point").click()
    expect(rows).to_have_count(before + 1)
    page.get_by_placeholder("Start typing to filter…").fill("point")
    sidebar = page.locator("#nav-sidebar")
    expect(sidebar.get_by_role("link", name="Users", exact=True)).to_be_hidden()
    expect(sidebar.get_by_role("link", name="Decision points")).to_be_visible()
    page.goto(f"/admin/auth/user/{staff.pk}/change/")
    page.locator(".datetimeshortcuts").get_by_role("link", name="Choose a Date").first.click()
    expect(page.locator(".calendarbox").first).to_be_visible()
