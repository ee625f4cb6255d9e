"""The CSP middleware builds its headers once, and gives every response what django-csp would."""

from __future__ import annotations

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE, SELF
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from trainer import csp
from trainer.csp import CSPMiddleware

factory = RequestFactory()


def directives(header: str) -> dict[str, str]:
    """A policy as {directive: sources}: django-csp's order of directives varies by process."""
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def headers_from(middleware_class, path: str = "/", status: int = 200, **on_response):
    request = factory.get(path)
    middleware = middleware_class(lambda request: HttpResponse(status=status))
    middleware.process_request(request)
    response = HttpResponse(status=status)
    for name, value in on_response.items():
        setattr(response, name, value)
    middleware.process_response(request, response)
    return {
        name: directives(response[name])
        for name in (HEADER, HEADER_REPORT_ONLY)
        if name in response
    }


REPORT_ONLY = {"DIRECTIVES": {"default-src": [SELF], "report-uri": "/csp-reports/"}}


@pytest.mark.parametrize(
    ("path", "status", "on_response"),
    [
        ("/", 200, {}),
        ("/play/x/answer/", 422, {}),
        ("/admin/login/", 200, {}),
        ("/", 200, {"_csp_exempt": True}),
        ("/", 200, {"_csp_update": {"img-src": ["https://maps.example.org"]}}),
        ("/", 200, {"_csp_replace": {"script-src": None}}),
    ],
)
@pytest.mark.parametrize("report_only", [None, REPORT_ONLY])
def test_every_response_gets_the_headers_django_csp_gives_it(
    path, status, on_response, report_only
):
    with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=report_only):
        ours = headers_from(CSPMiddleware, path, status, **on_response)
        theirs = headers_from(DjangoCSPMiddleware, path, status, **on_response)
    assert ours == theirs
    if path == "/" and not on_response:
        assert ours[HEADER]["script-src"] == "'self'"
        assert (HEADER_REPORT_ONLY in ours) == bool(report_only)


def test_excluded_paths_get_no_header_as_with_django_csp():
    policy = {"EXCLUDE_URL_PREFIXES": ["/legacy/"], "DIRECTIVES": {"default-src": [SELF]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        assert headers_from(CSPMiddleware, "/legacy/page/") == {}
        assert headers_from(DjangoCSPMiddleware, "/legacy/page/") == {}
        assert HEADER in headers_from(CSPMiddleware, "/elsewhere/")


def test_the_headers_are_built_once_and_again_when_the_settings_change(monkeypatch):
    built = []
    real = csp.build_policy
    monkeypatch.setattr(csp, "build_policy", lambda **kw: built.append(kw) or real(**kw))
    csp._headers.cache_clear()
    for _ in range(3):
        headers_from(CSPMiddleware)
    assert len(built) == 2  # the policy and the report-only policy, once each

    policy = {"DIRECTIVES": {"default-src": [SELF], "img-src": [SELF, "https:"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        assert headers_from(CSPMiddleware)[HEADER]["img-src"] == "'self' https:"
    assert headers_from(CSPMiddleware)[HEADER]["img-src"] == "'self' data:"


@override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": [SELF, NONCE]}})
def test_a_page_that_used_a_nonce_gets_it_in_its_header():
    request = factory.get("/")
    middleware = CSPMiddleware(lambda request: HttpResponse())
    middleware.process_request(request)
    nonce = str(request.csp_nonce)
    response = middleware.process_response(request, HttpResponse())
    assert f"'nonce-{nonce}'" in response[HEADER]


@override_settings(DEBUG=True)
def test_debug_error_pages_are_left_alone_as_django_csp_leaves_them():
    assert headers_from(CSPMiddleware, status=404) == {}
    assert headers_from(CSPMiddleware, status=500) == {}
    assert HEADER in headers_from(CSPMiddleware, status=403)
