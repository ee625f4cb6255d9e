"""A database outage answers 503 with a plain message, not a server error page.

When PostgreSQL restarts or fails over, or SQLite stays locked past its busy timeout, a
view raises ``OperationalError`` or ``InterfaceError``, and the transaction it was in is
rolled back. So the honest answer is "briefly unavailable, not recorded, try again": a 503
with ``Retry-After`` that a proxy, a monitor and a person all understand. (If the database
committed and only its reply was lost, sending the answer again is still safe: a second
answer to a decision is never stored, and the first one is shown.) The page is built here without
templates or context processors, because those would ask the database again (who is
logged in, are they a facilitator) and fail the same way.

With ``DEBUG`` on, the error goes through to Django's technical page instead: on a laptop
an ``OperationalError`` is more often a missing migration than an outage.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.html import format_html

from trainer.htmx import HtmxHttpRequest, wants_fragment

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

UNAVAILABLE = "Golden Hour is briefly unavailable."
NOT_RECORDED = "What you just sent, such as an answer, was not recorded."
TRY_AGAIN = "Please try again in a moment."

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Briefly unavailable · Golden Hour</title>
  <link rel="stylesheet" href="{stylesheet}">
</head>
<body>
  <main id="main" class="wrap">
    <h1>Briefly unavailable</h1>
    <p class="message message-error" role="alert">{message}</p>
    <p>{next_step}</p>
  </main>
</body>
</html>
"""


def _message(request: HttpRequest) -> str:
    if request.method in SAFE_METHODS:
        return f"{UNAVAILABLE} {TRY_AGAIN}"
    return f"{UNAVAILABLE} {NOT_RECORDED} {TRY_AGAIN}"


def unavailable_response(request: HtmxHttpRequest) -> HttpResponse:
    """The 503 for a request the database could not serve: a fragment for htmx, else a page."""
    message = _message(request)
    if wants_fragment(request):
        body = format_html('<p class="message message-error" role="alert">{}</p>', message)
    else:
        if request.method in SAFE_METHODS:
            next_step = format_html('<a href="{}">Try again</a>', request.get_full_path())
        else:
            next_step = "Go back and send it again in a moment."
        body = format_html(
            _PAGE,
            stylesheet=static("css/golden-hour.css"),
            message=message,
            next_step=next_step,
        )
    response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # A proxy must not keep this answer for later visitors once the database is back.
    add_never_cache_headers(response)
    patch_vary_headers(response, ["HX-Request"])
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 when a view cannot reach the database (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HtmxHttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if settings.DEBUG or not isinstance(exception, OperationalError | InterfaceError):
            return None
        # One line per request, without the traceback: an outage fails every request the
        # same way. The error's own words still tell an outage ("connection refused") from
        # a bug that SQLite also reports as OperationalError ("no such table").
        logger.error(
            "database unavailable, answered 503 to %s %s: %s: %s",
            request.method,
            request.path,
            type(exception).__name__,
            str(exception).strip(),
        )
        return unavailable_response(request)
