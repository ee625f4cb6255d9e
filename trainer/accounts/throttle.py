"""Slow down password guessing: per account, and per address.

Five failed log-ins for one username within fifteen minutes, or twenty from one address,
pause further attempts until the oldest of them is fifteen minutes old. A successful
log-in clears the account's failures. The password is not even checked while paused, so
guessing gains nothing.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from trainer.accounts.models import FailedLogin

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5
PER_ADDRESS = 20


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _normal(username: str) -> str:
    return username.strip().lower()[:150]


def retry_after(address: str, username: str, now: datetime | None = None) -> int:
    """Seconds until this address may try this username again; 0 when not paused."""
    now = now or timezone.now()
    since = now - WINDOW
    waits = []
    for condition, limit in (
        (Q(username=_normal(username)), PER_ACCOUNT),
        (Q(address=address), PER_ADDRESS),
    ):
        recent = list(
            FailedLogin.objects.filter(condition, at__gt=since)
            .order_by("-at")
            .values_list("at", flat=True)[:limit]
        )
        if len(recent) >= limit:
            waits.append(max(1, math.ceil((recent[-1] + WINDOW - now).total_seconds())))
    return max(waits, default=0)


def record_failure(address: str, username: str, now: datetime | None = None) -> None:
    now = now or timezone.now()
    FailedLogin.objects.create(address=address, username=_normal(username), at=now)
    FailedLogin.objects.filter(at__lte=now - WINDOW).delete()


def clear(username: str) -> None:
    FailedLogin.objects.filter(username=_normal(username)).delete()


def wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        "Too many failed log-ins. For your account's safety, log-in is paused: "
        f"try again in {minutes} {unit}."
    )
