"""Accounts are Django's own users; their throttle lives in ``trainer.throttle``.

A ``Profile`` holds what an account keeps beyond Django's user: the language it chose.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    # Empty until the account picks a language with the switcher; then it follows them to
    # every browser they log in from.
    language = models.CharField(max_length=8, blank=True, choices=settings.LANGUAGES)

    def __str__(self) -> str:
        return f"Profile of {self.user}"


def language_of(user) -> str:
    """The language an account chose, or an empty string."""
    return Profile.objects.filter(user=user).values_list("language", flat=True).first() or ""


def keep_language(user, language: str) -> None:
    """Keep a language the site offers as the account's; anything else changes nothing."""
    if language in dict(settings.LANGUAGES):
        Profile.objects.update_or_create(user=user, defaults={"language": language})
