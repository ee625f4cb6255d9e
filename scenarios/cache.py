"""Decision points with their options, kept in each process between requests.

Answering a decision needs the point and its four options. They are content: they change
only when scenarios are loaded or edited in the admin, and every such change moves the
scenario's stamp (``content_version`` and ``updated_at``), written in the same transaction
as the content itself (``scenarios.signals`` sees to it for edits made outside the loader).
A caller that has read the current stamp (``Attempt.objects.stamped`` reads it with the
attempt, in the same query) gets the point from memory while the stamp matches, and
reads it afresh, two queries, when it does not. So an edit is seen by the first request
that reads the new stamp, in every process, and no process ever serves a point under a
stamp it was not read with.

The instances are shared between requests: treat them as read-only.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable

from scenarios.models import DecisionPoint, Option

# Far more points than the bundled scenarios hold (47); the oldest entries go first.
MAX_POINTS = 2048

_points: dict[int, tuple[Hashable, DecisionPoint, list[Option]]] = {}
_lock = threading.Lock()


def stamp_of(content_version: int, updated_at) -> tuple:
    """A scenario's content stamp, from the two columns every content change moves."""
    return (content_version, updated_at)


def in_scenario(scenario, point_id: int) -> tuple[DecisionPoint, list[Option]]:
    """``point_with_options`` for a caller holding the freshly read ``scenario`` row."""
    return point_with_options(point_id, stamp_of(scenario.content_version, scenario.updated_at))


def point_with_options(point_id: int, stamp: Hashable) -> tuple[DecisionPoint, list[Option]]:
    """The point and its options in their order, from memory while ``stamp`` is current.

    Raises ``DecisionPoint.DoesNotExist`` if there is no such point.
    """
    entry = _points.get(point_id)
    if entry is not None and entry[0] == stamp:
        return entry[1], entry[2]
    point = DecisionPoint.objects.get(pk=point_id)
    options = ordered_options(point)
    with _lock:  # only on a miss; threads (runserver) may share the dictionary
        while len(_points) >= MAX_POINTS:
            _points.pop(next(iter(_points)))
        _points[point_id] = (stamp, point, options)
    return point, options


def ordered_options(point: DecisionPoint) -> list[Option]:
    """The point's options in their order, in one query (sorted here: cheaper than in SQL)."""
    return sorted(Option.objects.filter(decision_point=point).order_by(), key=_order)


def clear() -> None:
    """Forget every point (tests that edit content without moving its stamp use this)."""
    with _lock:
        _points.clear()


def _order(option: Option) -> int:
    return option.order
