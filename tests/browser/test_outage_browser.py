"""When the server cannot take an answer, the trainee is told so and keeps their choices.

The real outage is tested with real processes in tests/processes; here the browser gets the
app's own 503 fragment (or no answer at all) in place of the server's reply, to check what
the trainee sees: the server's message in view, the form still filled in, nothing stored,
and the message gone once an answer goes through.
"""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import ARTIFACTS, audit
from trainer.middleware import unavailable_response
from trainer.play.models import Answer

pytestmark = pytest.mark.browser

ACTION = "Give three short orders and ask for a report in ten minutes."


def _unavailable(route: Route) -> None:
    request = RequestFactory().post("/play/x/answer/", headers={"HX-Request": "true"})
    request.htmx = HtmxDetails(request)
    response = unavailable_response(request)
    route.fulfill(
        status=503,
        body=response.content,
        headers={"Content-Type": response["Content-Type"], "Retry-After": "5"},
    )


def _start_and_choose(page: Page) -> None:
    page.goto("/scenarios/test-small/")
    page.get_by_role("button", name="Start the scenario").click()
    page.get_by_label(re.compile(r"^R1 ·")).check()
    page.get_by_label(ACTION).check()


@pytest.mark.django_db(transaction=True)
def test_an_answer_refused_with_503_says_so_and_keeps_the_form(page: Page, small_scenario):
    _start_and_choose(page)
    page.route("**/answer/", _unavailable)
    page.get_by_role("button", name="Submit my answer").click()

    status = page.locator("#connection-status")
    expect(status).to_be_visible()
    expect(status).to_have_attribute("role", "alert")
    expect(status).to_contain_text("briefly unavailable")
    expect(status).to_contain_text("was not recorded")
    expect(page.get_by_label(ACTION)).to_be_checked()  # nothing to choose again
    assert Answer.objects.count() == 0
    audit(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "play-answer-refused.png")  # the viewport, as seen

    page.unroute("**/answer/")
    page.get_by_role("button", name="Submit my answer").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("^Feedback"))).to_be_visible()
    expect(status).to_be_hidden()
    assert Answer.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_answer_that_never_reaches_the_server_says_so(page: Page, small_scenario):
    _start_and_choose(page)
    page.route("**/answer/", lambda route: route.abort("connectionrefused"))
    page.get_by_role("button", name="Submit my answer").click()
    status = page.locator("#connection-status")
    expect(status).to_contain_text("could not be reached")
    expect(page.get_by_label(ACTION)).to_be_checked()
    assert Answer.objects.count() == 0
