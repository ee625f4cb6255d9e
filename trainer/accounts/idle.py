"""A logged-in session ends after ``SESSION_IDLE_TIMEOUT`` seconds without use.

Guests keep the full ``SESSION_COOKIE_AGE``: their session is what ties them to their
attempts and their workshop seat. An account's session instead gets the idle timeout as
its expiry, renewed at most every ``RENEW_EVERY`` seconds of use, so a page seen is one
session write in five minutes, not one per request (a live screen polls every 2 s).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse

RENEW_EVERY = 300
_SEEN = "_idle_renewed"


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session the page already read: no extra query, and none during an outage.
        if response.status_code >= 500 or session is None or not session.accessed:
            return response
        if SESSION_KEY not in session:
            return response
        now = int(time.time())
        if now - session.get(_SEEN, 0) >= RENEW_EVERY:
            session[_SEEN] = now
            session.set_expiry(settings.SESSION_IDLE_TIMEOUT)
        return response
