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
from django.http import HttpRequest, HttpResponse

from trainer.privacy import account_session

RENEW_EVERY = 300
RENEWED = "idle_renewed_at"  # our own key in the session: when its expiry was last renewed


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = account_session(request, response)
        now = int(time.time())
        if session is not None and now - session.get(RENEWED, 0) >= RENEW_EVERY:
            session[RENEWED] = now
            session.set_expiry(settings.SESSION_IDLE_TIMEOUT)
        return response
