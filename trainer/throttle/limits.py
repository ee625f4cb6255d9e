"""How many tries a key may make in a sliding window, checked and counted in one step.

Every credential goes through here: a log-in counts against the account and against the
address it comes from, a sign-up and a room join against the address, a join code against
the address and against that address's tries of the same code. A try is counted *before*
its secret is checked (``take``); a try that succeeds is handed back (``refund``), and a
successful log-in clears its account (``clear``). So twenty tries in parallel cannot slip
past a limit of five: each takes its place under the key's row lock, and the sixth finds
the bucket full. On SQLite the lock is the immediate transaction itself.

The address is the connection's, or, behind ``TRUSTED_PROXY_HOPS`` proxies, the one the
outermost of them saw (``client_address``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from trainer.throttle.models import Bucket


@dataclass(frozen=True)
class Limit:
    scope: str
    tries: int
    window: timedelta


LOGIN_ACCOUNT = Limit("login-account", 5, timedelta(minutes=15))
LOGIN_ADDRESS = Limit("login-address", 20, timedelta(minutes=15))
SIGNUP_ADDRESS = Limit("signup-address", 10, timedelta(hours=1))
# Wrong join codes: twenty different ones a minute from one address (a guesser would need
# months for one of ten live rooms among 24 million codes), and five of the same one, so a
# phone that keeps sending one mistyped code stops itself without locking out its room.
JOIN_ADDRESS = Limit("join-address", 20, timedelta(minutes=1))
JOIN_SAME_CODE = Limit("join-code", 5, timedelta(minutes=1))
# People joining rooms from one address: a 500-person room behind one venue router still
# joins within a minute; a script is held to ten a second, and each room's size caps it.
ROOM_JOIN = Limit("room-join", 600, timedelta(minutes=1))


def client_address(request: HttpRequest) -> str:
    """The client's address: the connection's own, unless the site sits behind
    ``TRUSTED_PROXY_HOPS`` proxies that each append to X-Forwarded-For; then the entry the
    outermost trusted proxy added (anything to its left the client may have made up)."""
    hops = settings.TRUSTED_PROXY_HOPS
    if hops:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops][:64]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


@dataclass
class Try:
    """What ``take`` counted: handed to ``refund`` when the try turns out good."""

    wait: int = 0  # seconds until the first full bucket has room; 0 when counted
    stamp: float = 0.0  # when it was counted
    counted: list[tuple[Limit, str]] = field(default_factory=list)

    def __bool__(self) -> bool:  # "if throttled:" reads as it means
        return self.wait > 0


def _normal(key: str) -> str:
    """The key as stored: lower case, printable characters only (a NUL in a typed username
    is refused by PostgreSQL), cut to the column's length."""
    return "".join(ch for ch in key if ch.isprintable()).strip().lower()[:200]


def _locked(charges: list[tuple[Limit, str]]) -> list[tuple[Limit, Bucket]]:
    """The buckets, locked in one order so that two tries cannot wait on each other."""
    rows = []
    for limit, key in sorted(charges, key=lambda charge: (charge[0].scope, charge[1])):
        bucket, _ = Bucket.objects.select_for_update().get_or_create(
            scope=limit.scope, key=key, defaults={"expires_at": timezone.now()}
        )
        rows.append((limit, bucket))
    return rows


def take(*charges: tuple[Limit, str], now: datetime | None = None) -> Try:
    """Count one try against every (limit, key), or against none if any is full."""
    now = now or timezone.now()
    stamp = now.timestamp()
    charges_ = [(limit, _normal(key)) for limit, key in charges]
    with transaction.atomic():
        buckets = _locked(charges_)
        waits = []
        for limit, bucket in buckets:
            bucket.tries = [t for t in bucket.tries if t > stamp - limit.window.total_seconds()]
            if len(bucket.tries) >= limit.tries:
                oldest = bucket.tries[-limit.tries]
                waits.append(max(1, math.ceil(oldest + limit.window.total_seconds() - stamp)))
        if waits:
            return Try(wait=max(waits))
        for limit, bucket in buckets:
            bucket.tries.append(stamp)
            bucket.expires_at = now + limit.window
            bucket.save(update_fields=["tries", "expires_at"])
    Bucket.objects.filter(expires_at__lte=now).delete()  # rows that count for nobody
    return Try(stamp=stamp, counted=[(limit, bucket.key) for limit, bucket in buckets])


def refund(attempt: Try) -> None:
    """Hand back a try that turned out good: a right password, a right code."""
    if not attempt.counted:
        return
    with transaction.atomic():
        for _, bucket in _locked(attempt.counted):
            if attempt.stamp in bucket.tries:
                bucket.tries.remove(attempt.stamp)
                bucket.save(update_fields=["tries"])


def clear(limit: Limit, key: str) -> None:
    """Forget a key's tries: a successful log-in clears its account."""
    Bucket.objects.filter(scope=limit.scope, key=_normal(key)).delete()


def count(limit: Limit, key: str, now: datetime | None = None) -> int:
    """Tries inside the window for this key, for pages and tests that want to know."""
    now = now or timezone.now()
    bucket = Bucket.objects.filter(scope=limit.scope, key=_normal(key)).first()
    if bucket is None:
        return 0
    since = now.timestamp() - limit.window.total_seconds()
    return sum(1 for t in bucket.tries if t > since)


def wait_words(seconds: int) -> str:
    """'1 minute', '3 minutes' or '20 seconds', for the pages that say how long to wait."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def too_many(request: HttpRequest, template: str, context: dict, wait: int) -> HttpResponse:
    """The page that says to wait: 429, with ``Retry-After`` for scripts and browsers."""
    response = render(request, template, {**context, "wait": wait_words(wait)}, status=429)
    response["Retry-After"] = str(wait)
    return response
