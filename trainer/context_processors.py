from __future__ import annotations

from django.http import HttpRequest

from trainer.accounts.roles import is_facilitator


def roles(request: HttpRequest) -> dict[str, object]:
    """``is_facilitator`` for the navigation, computed only when a template asks."""
    return {"is_facilitator": lambda: is_facilitator(request.user)}
