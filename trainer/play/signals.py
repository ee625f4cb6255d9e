"""A guest who signs up or logs in keeps the attempts they played in this browser."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from trainer.play.guests import claim_guest_attempts


@receiver(user_logged_in, dispatch_uid="play.claim_guest_attempts")
def claim_attempts_on_login(sender, request, user, **kwargs) -> None:
    claim_guest_attempts(request, user)
