"""Polling live screens cheaply: ETags, 304s and the htmx attributes that ask for them.

A live screen is a page with a small poller element inside it. Every two seconds htmx
asks the same URL for the screen's fragment and sends, through ``hx-headers``, the ETag
of what it is showing as ``If-None-Match``. ``live_screen`` puts Django's ``condition``
in front of the view: when the workshop has not changed, the poll is answered 304 after
one query (the workshop's counter), and ``static/js/workshops.js`` tells htmx not to swap
anything on a 304. When it has changed, the view draws the new fragment, which carries a
new poller with the new ETag.

The ETag is an HMAC of the screen, the workshop, its counter and the viewer's session
cookie. Nobody can forge one, so answering 304 before checking who is asking only ever
tells a viewer "what you were allowed to see has not changed".
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition
from django.views.decorators.vary import vary_on_headers

from trainer.htmx import HtmxHttpRequest, wants_fragment
from trainer.workshops.models import Workshop

POLL_SECONDS = 2


def screen_etag(request: HttpRequest, screen: str, workshop_id: int, version: int) -> str:
    # Per viewer and per language: a screen drawn in English is not the one in Japanese.
    viewer = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    value = f"{screen}:{workshop_id}:{version}:{viewer}:{get_language()}"
    return '"' + salted_hmac("workshops.live.screen", value).hexdigest()[:24] + '"'


def poller_headers(etag: str) -> str:
    """The ``hx-headers`` value that makes htmx send the ETag back on every poll."""
    return json.dumps({"If-None-Match": etag})


def live_screen(screen: str, counter: str, field: str = "pk") -> Callable:
    """Decorate the view of a live screen whose version is the workshop's ``counter``; the
    URL's one argument is the workshop's ``field`` (its number, or its room key).

    A poll that already shows the current version gets a 304 (Django's ``condition``)
    before the view runs. Every response, 304 or not, is per session and kept by no cache:
    the poller does its own revalidation, and a cached page would show a stale screen
    after the back button or a redirect. The view sets the ETag of the fragments it draws.
    """

    def etag(request: HtmxHttpRequest, **kwargs) -> str | None:
        # Only a poll (a fragment GET carrying its screen's ETag) has anything to compare:
        # for every other request, skip the query and let the view draw the screen.
        if (
            request.method != "GET"
            or not wants_fragment(request)
            or "If-None-Match" not in request.headers
        ):
            return None
        (value,) = kwargs.values()
        found = Workshop.objects.filter(**{field: value}).values_list("pk", counter).first()
        if found is None:
            raise Http404("No such workshop.")
        return screen_etag(request, screen, *found)

    def decorator(view: Callable) -> Callable:
        view = condition(etag_func=etag)(view)
        view = cache_control(no_store=True, private=True)(view)
        return vary_on_headers("HX-Request", "Cookie")(view)

    return decorator
