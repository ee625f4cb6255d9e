"""Guests: people who play without an account, known by a random token in their session.

A guest's attempts carry the token (``Attempt.guest_token``). When the guest signs up or
logs in in the same browser, ``claim_guest_attempts`` hands those attempts to the account.
"""

from __future__ import annotations

from secrets import compare_digest

from django.dispatch import Signal
from django.http import HttpRequest

from trainer.play.models import Attempt, new_guest_token

SESSION_KEY = "guest_token"

# Sent after guest attempts became an account's, with ``user`` and ``attempt_ids``. The
# change is a bulk UPDATE, which sends no save signals; whatever keeps figures per
# account (the progress app's cohort tallies) listens to this instead.
attempts_claimed = Signal()


def guest_token(request: HttpRequest, *, create: bool = False) -> str:
    """The session's guest token; with ``create``, make one if there is none yet."""
    token = request.session.get(SESSION_KEY, "")
    if not token and create:
        token = new_guest_token()
        request.session[SESSION_KEY] = token
    return token


def owns(request: HttpRequest, attempt: Attempt) -> bool:
    """Is ``attempt`` this person's: their account's, or this browser's as a guest?

    The same rule as ``Attempt.objects.owned_by``, for one attempt already loaded.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return attempt.user_id == user.pk
    token = guest_token(request)
    return bool(token) and attempt.user_id is None and compare_digest(attempt.guest_token, token)


def attempts_of(request: HttpRequest):
    """Every attempt the person behind this request may see and play."""
    user = getattr(request, "user", None)
    return Attempt.objects.owned_by(user, guest_token(request))


def claim_guest_attempts(request: HttpRequest | None, user) -> int:
    """Give the session's guest attempts to ``user``; return how many changed hands.

    Connected to ``user_logged_in``, so it runs on sign up and on every log in. The token
    leaves the session afterwards: from now on the attempts belong to the account.
    """
    if request is None or not hasattr(request, "session"):
        return 0
    token = request.session.pop(SESSION_KEY, "")
    if not token or user is None or not user.is_authenticated:
        return 0
    guests = Attempt.objects.filter(user__isnull=True, guest_token=token)
    claimed = list(guests.values_list("pk", flat=True))
    if not claimed:
        return 0
    count = guests.filter(pk__in=claimed).update(user=user, guest_token="")
    attempts_claimed.send(sender=Attempt, user=user, attempt_ids=claimed)
    return count
