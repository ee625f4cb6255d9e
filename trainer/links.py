"""Links that leave the screen: printed, projected or sent, and opened on another device."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def absolute_url(request: HttpRequest, path: str) -> str:
    """``path`` on the site's public address: ``SITE_URL`` when it is set (room mode sets it
    to the address phones can reach), else the address of this request."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)
