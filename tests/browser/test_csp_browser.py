"""The CSP watcher must catch a violation, or the journeys' CSP checks prove nothing."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.urls import path

from trainer.urls import urlpatterns as site_urls

pytestmark = pytest.mark.browser


def _inline_script(request):
    return HttpResponse("<!doctype html><title>x</title><script>document.title = 'ran'</script>")


urlpatterns = [path("csp-probe/", _inline_script), *site_urls]


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.browser.test_csp_browser")
def test_an_inline_script_is_blocked_and_reported(browser, live_server) -> None:
    context = browser.new_context(base_url=live_server.url)
    messages: list[str] = []
    page = context.new_page()
    page.on("console", lambda message: messages.append(message.text))
    page.goto("/csp-probe/")
    assert page.title() == "x"  # the inline script did not run
    assert any("Content Security Policy" in text for text in messages)
    context.close()
