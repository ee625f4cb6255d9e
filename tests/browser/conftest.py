"""The browser-test harness: Debian's Chromium driven by Playwright, against live_server.

``page`` is a fresh browser context per test (JavaScript on); ``page_no_js`` the same with
JavaScript off; ``new_context`` makes more (one per workshop participant, say).
``audit(page)`` runs axe and fails on serious or critical violations.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not at {CHROMIUM}: `make test` installs Debian's chromium package, "
            "or set CHROMIUM to another build."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser, live_server) -> Iterator[Callable[..., BrowserContext]]:
    """Make browser contexts; any Content-Security-Policy violation fails the test."""
    contexts: list[BrowserContext] = []
    violations: list[str] = []

    def watch(page: Page) -> None:
        def on_console(message) -> None:
            if "Content Security Policy" in message.text:
                violations.append(f"{page.url}: {message.text}")

        page.on("console", on_console)

    def make(**options) -> BrowserContext:
        options.setdefault("base_url", live_server.url)
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.on("page", watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))


@pytest.fixture
def page(new_context) -> Page:
    return new_context().new_page()


@pytest.fixture
def page_no_js(new_context) -> Page:
    return new_context(java_script_enabled=False).new_page()


@pytest.fixture
def phone_page(new_context) -> Page:
    return new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()


_axe = Axe()


def audit(page: Page) -> None:
    """Fail on any serious or critical accessibility violation on the page as it is now."""
    results = _axe.run(page)
    bad = [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in {"serious", "critical"}
    ]
    if bad:
        lines = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:3])
            for v in bad
        ]
        pytest.fail(f"axe found problems on {page.url}:\n" + "\n".join(lines))


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
