"""Who may run workshops: members of the "facilitator" group, and staff."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group

FACILITATOR_GROUP = "facilitator"


def is_facilitator(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or user.groups.filter(name=FACILITATOR_GROUP).exists()


def make_facilitator(user: AbstractBaseUser) -> None:
    group, _ = Group.objects.get_or_create(name=FACILITATOR_GROUP)
    user.groups.add(group)
