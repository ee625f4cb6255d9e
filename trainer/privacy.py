"""Pages shown to someone logged in carry their own data (progress, cohorts, workshop
results and exports): no shared cache and no disk cache may keep them."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 304 or response.status_code >= 500:
            # "Nothing changed" and "unavailable" carry no data; a room's polls stay one query.
            return response
        # Only a page that read the session can show who is logged in, and reading it again
        # here costs nothing then; a page that never read it is left alone, with no query.
        session = getattr(request, "session", None)
        if session is not None and session.accessed and SESSION_KEY in session:
            patch_cache_control(response, private=True, no_store=True)
        return response
