"""The htmx request type and the one test for "answer with a fragment"."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def wants_fragment(request: HtmxHttpRequest) -> bool:
    """An htmx request that will swap part of the page (not a history restore)."""
    return bool(request.htmx) and not request.htmx.history_restore_request
