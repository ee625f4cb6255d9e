"""The order in which a decision's four options are shown.

The file order is the author's, and authors have habits; so a trainee never sees it. Each
attempt, and each workshop room, sees the options in an order drawn from its own seed: the
same on every reload and resume, and the same on every phone and the projector of one room,
because it is computed from the seed and the options' ids, with nothing stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")

LETTERS = "ABCD"


def shown_order(options: Iterable[T], seed: object) -> list[T]:
    """``options`` (anything with a ``pk``) in the order that ``seed`` shows them."""
    return sorted(options, key=lambda option: _rank(seed, option.pk))


def lettered(options: Iterable[T]) -> list[tuple[str, T]]:
    """(A-D, option) in the order given: a room can then say "look at C"."""
    return list(zip(LETTERS, options, strict=False))


def room_seed(workshop_id: int) -> str:
    """The seed of a workshop room: one order for every screen in it."""
    return f"room:{workshop_id}"


def _rank(seed: object, pk: object) -> bytes:
    return hashlib.blake2b(f"{seed}:{pk}".encode(), digest_size=8).digest()
