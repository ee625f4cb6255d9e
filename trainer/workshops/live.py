"""Polling live screens cheaply: ETags, 304s and the htmx attributes that ask for them.

A live screen is a page with a small poller element inside it. Every two seconds htmx
asks the same URL for the screen's fragment and sends, through ``hx-headers``, the ETag
of what it is showing as ``If-None-Match``. When the workshop has not changed, the view
answers 304 after one query (the workshop's counters), and ``static/js/workshops.js``
tells htmx not to swap anything on a 304. When it has changed, the new fragment carries
a new poller with the new ETag.

The ETag is an HMAC of the screen, the workshop, its counter and the viewer's session
cookie. Nobody can forge one, so answering 304 before checking who is asking only ever
tells a viewer "what you were allowed to see has not changed".
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.http import parse_etags

POLL_SECONDS = 2


def screen_etag(request: HttpRequest, screen: str, workshop_id: int, version: int) -> str:
    viewer = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    value = f"{screen}:{workshop_id}:{version}:{viewer}"
    return '"' + salted_hmac("workshops.live.screen", value).hexdigest()[:24] + '"'


def not_modified(request: HttpRequest, etag: str) -> HttpResponse | None:
    """A 304 when the poller already shows this version, else None."""
    if etag not in parse_etags(request.headers.get("If-None-Match", "")):
        return None
    response = HttpResponseNotModified()
    response["ETag"] = etag
    _no_store_by_caches(response)
    return response


def poller_headers(etag: str) -> str:
    """The ``hx-headers`` value that makes htmx send the ETag back on every poll."""
    return json.dumps({"If-None-Match": etag})


def finish(response: HttpResponse, etag: str | None) -> HttpResponse:
    """Headers for every live-screen response: fragment or page, per session."""
    if etag:
        response["ETag"] = etag
    _no_store_by_caches(response)
    patch_vary_headers(response, ["HX-Request", "Cookie"])
    return response


def _no_store_by_caches(response: HttpResponse) -> None:
    # The poller does its own revalidation; browsers and proxies must not keep a copy
    # (a cached page would show a stale screen after the back button or a redirect).
    patch_cache_control(response, no_store=True, private=True)
