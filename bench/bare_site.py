"""The baseline for bench.answer_throughput: a bare Django view, with no middleware and no apps.

This module is at once the settings module (``DJANGO_SETTINGS_MODULE=bench.bare_site``) and
the URLconf. gunicorn serves it through ``bench.bare_site:application``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

SECRET_KEY = "bench-bare-view-only"  # it serves one fixed response, on loopback
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "bench.bare_site"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_TZ = True


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("", ok)]


_handler = None


def application(environ, start_response):
    """Django's WSGI handler, built on the first request, once this module is importable."""
    global _handler
    if _handler is None:
        from django.core.wsgi import get_wsgi_application

        _handler = get_wsgi_application()
    return _handler(environ, start_response)
