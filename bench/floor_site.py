"""A second reference for bench.answer_throughput: the floor of any view that writes.

The app's own settings and full middleware stack, with one view that inserts one row (a
session record) and renders a small template. The answer view cannot cost less than this;
the benchmark reports how close it comes. gunicorn serves it as ``bench.floor_site:application``
with ``DJANGO_SETTINGS_MODULE=bench.floor_site``.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.urls import path

from bench.answer_settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_site"


_template = None


def insert_and_render(request: HttpRequest) -> HttpResponse:
    from django.contrib.sessions.models import Session
    from django.template import engines
    from django.utils import timezone

    row = Session.objects.create(
        session_key=secrets.token_hex(16),
        session_data="floor",
        expire_date=timezone.now() + timedelta(minutes=5),
    )
    global _template
    if _template is None:
        _template = engines["django"].from_string("<p>Row {{ key }} written at {{ when }}.</p>")
    return HttpResponse(_template.render({"key": row.session_key, "when": row.expire_date}))


urlpatterns = [path("", insert_and_render)]

_handler = None


def application(environ, start_response):
    """Django's WSGI handler, built on the first request, once this module is importable."""
    global _handler
    if _handler is None:
        from django.core.wsgi import get_wsgi_application

        _handler = get_wsgi_application()
    return _handler(environ, start_response)
