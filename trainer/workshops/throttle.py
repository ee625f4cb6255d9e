"""Slow down anyone guessing join codes: 10 wrong codes a minute from one address.

The count is kept in the database, not in process memory, so it holds however many app
processes serve the site. The window slides: each wrong code is a row, and an address is
throttled while ten of its rows are younger than a minute.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.http import HttpRequest
from django.utils import timezone

from trainer.workshops.models import WrongCode

LIMIT = 10
WINDOW = timedelta(minutes=1)


def client_address(request: HttpRequest) -> str:
    """The address the connection came from.

    Behind a reverse proxy every request comes from the proxy; set the proxy to pass the
    client's address as REMOTE_ADDR (gunicorn's --forwarded-allow-ips does this).
    """
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def retry_after(address: str, now: datetime | None = None) -> int:
    """Seconds until the address may try again; 0 when it is not throttled."""
    now = now or timezone.now()
    recent = list(
        WrongCode.objects.filter(address=address, at__gt=now - WINDOW)
        .order_by("-at")
        .values_list("at", flat=True)[:LIMIT]
    )
    if len(recent) < LIMIT:
        return 0
    oldest_counted = recent[-1]
    return max(1, math.ceil((oldest_counted + WINDOW - now).total_seconds()))


def record_wrong_code(address: str, now: datetime | None = None) -> None:
    now = now or timezone.now()
    WrongCode.objects.create(address=address, at=now)
    # Rows older than the window count for nobody; clear them as we go.
    WrongCode.objects.filter(at__lte=now - WINDOW).delete()
