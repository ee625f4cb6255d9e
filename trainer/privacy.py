"""Pages shown to someone logged in carry their own data (progress, cohorts, workshop
results and exports): no shared cache and no disk cache may keep them."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


def account_session(request: HttpRequest, response: HttpResponse) -> SessionBase | None:
    """The session of a logged-in account, when the page already read it; else None.

    Only a page that read the session can show who is logged in, and reading it again then
    costs nothing; a page that never read it (a 304 poll) is left alone, with no query, and
    so is an error page, whose session may be what failed."""
    if response.status_code == 304 or response.status_code >= 500:
        return None
    session = getattr(request, "session", None)
    if session is not None and session.accessed and SESSION_KEY in session:
        return session
    return None


class PrivatePagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if account_session(request, response) is not None:
            patch_cache_control(response, private=True, no_store=True)
        return response
