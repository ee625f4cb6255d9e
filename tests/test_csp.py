"""Every response carries the strict Content-Security-Policy (django-csp's middleware):
pages, htmx fragments, the admin, error pages and refused requests alike."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

HEADER = "Content-Security-Policy"
STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def directives(header: str) -> dict[str, str]:
    """A policy as {directive: sources}: django-csp's order of directives varies by process."""
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def assert_strict(response) -> None:
    assert HEADER in response, f"{response.status_code} without a policy"
    policy = directives(response[HEADER])
    assert {name: policy.get(name) for name in STRICT} == STRICT
    assert "unsafe-inline" not in response[HEADER] and "unsafe-eval" not in response[HEADER]


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/", {}, 200),
        ("/", {"HX-Request": "true"}, 200),
        ("/accounts/login/", {}, 200),
        ("/admin/login/", {}, 302),
        ("/no-such-page/", {}, 404),
    ],
)
def test_every_page_and_fragment_carries_the_strict_policy(
    bundled_scenarios, path, headers, status
):
    response = Client().get(path, headers=headers)
    assert response.status_code == status
    assert_strict(response)


def test_a_refused_post_carries_it_too(small_scenario):
    response = Client(enforce_csrf_checks=True).post(
        f"/scenarios/{small_scenario.slug}/start/", {"mode": "reflective"}
    )
    assert response.status_code == 403
    assert_strict(response)


def test_the_admin_behind_its_login_carries_it(admin_client):
    response = admin_client.get("/admin/scenarios/scenario/")
    assert response.status_code == 200
    assert_strict(response)
