"""Where a story goes once conditions are set: the one home of "which point comes next",
"which ending", and "what this point says because of an earlier choice".

A self-paced attempt (``Attempt.advance``) and a workshop room (``Workshop.open_next``) both
ask ``following_each``, so the two cannot drift apart. Conditions are names (slugs) kept as
a sorted list, on ``Attempt.conditions`` and ``Workshop.conditions``.

Dictionaries read from JSON columns may come back with their keys in another order
(PostgreSQL's ``jsonb`` sorts them), so nothing here depends on a dictionary's order: what
is shown in order is shown by condition name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from scenarios.models import DecisionPoint, Option, Scenario


def holds(rule: Mapping, conditions: Iterable[str]) -> bool:
    """Whether a route or an ending applies: all of its ``if`` set, none of its ``unless``."""
    present = set(conditions)
    return set(rule.get("if") or ()) <= present and not present & set(rule.get("unless") or ())


def applied(conditions: Iterable[str], sets: Iterable[str] | None) -> list[str]:
    """``conditions`` with ``sets`` added, sorted: the form both columns keep."""
    return sorted(set(conditions) | set(sets or ()))


def route_for(point: DecisionPoint, conditions: Iterable[str]) -> Mapping | None:
    """The first of the point's routes that holds, or ``None``."""
    present = list(conditions)
    return next((route for route in point.routes or () if holds(route, present)), None)


def following_each(
    point: DecisionPoint, options: Sequence[Option], conditions: Iterable[str]
) -> dict[int, DecisionPoint | None]:
    """The point each option leads to (by option id), ``None`` for the end.

    ``conditions`` are those set before the answer; each option's own ``sets`` are added
    before the point's routes are read. The first route that holds decides; without one,
    the option's ``next``. A point that is gone or inactive (the content changed under a
    running attempt) ends the story, as an option's inactive ``next`` always has.

    At most one query for the routes' targets, and none for the options' own ``next`` when
    they come with ``next_point`` loaded.
    """
    before = list(conditions)
    routes = {option.pk: route_for(point, applied(before, option.sets)) for option in options}
    keys = {route["next"] for route in routes.values() if route and route.get("next")}
    by_key = (
        {
            found.key: found
            for found in DecisionPoint.objects.filter(
                scenario_id=point.scenario_id, key__in=keys, active=True
            )
        }
        if keys
        else {}
    )
    result: dict[int, DecisionPoint | None] = {}
    for option in options:
        route = routes[option.pk]
        if route is not None:
            result[option.pk] = by_key.get(route.get("next")) if route.get("next") else None
            continue
        following = option.next_point if option.next_point_id is not None else None
        result[option.pk] = following if following is not None and following.active else None
    return result


def following(
    point: DecisionPoint, option: Option, conditions: Iterable[str]
) -> DecisionPoint | None:
    """The point ``option`` leads to from ``point`` (``following_each`` for one option)."""
    return following_each(point, [option], conditions)[option.pk]


def ends_here(point: DecisionPoint, option: Option, conditions: Iterable[str]) -> bool:
    """Whether choosing ``option`` ends the story, as far as the content says (no query)."""
    route = route_for(point, applied(conditions, option.sets))
    if route is not None:
        return not route.get("next")
    return option.next_point_id is None


@dataclass(frozen=True)
class Consequence:
    """What a point says because a condition was set earlier."""

    name: str
    narrative: str
    cues: list[str] = field(default_factory=list)


def consequences(point: DecisionPoint, conditions: Iterable[str]) -> list[Consequence]:
    """The point's ``if_set`` parts whose condition is set, by condition name."""
    present = set(conditions)
    parts = point.if_set or {}
    return [
        Consequence(
            name=name,
            narrative=(parts[name].get("narrative") or "").strip(),
            cues=list(parts[name].get("cues") or []),
        )
        for name in sorted(parts)
        if name in present
    ]


def cues_with(point: DecisionPoint, found: Sequence[Consequence]) -> list[str]:
    """The point's own cues, then the cues its consequences add."""
    return [*(point.cues or []), *(cue for part in found for cue in part.cues)]


@dataclass(frozen=True)
class Ending:
    key: str
    title: str
    text: str


def ending_for(scenario: Scenario, conditions: Iterable[str]) -> Ending | None:
    """The first of the scenario's endings that holds (the last has no conditions, so one
    always does); ``None`` when the scenario has no endings."""
    present = list(conditions)
    for ending in scenario.endings or ():
        if holds(ending, present):
            return Ending(ending.get("key", ""), ending.get("title", ""), ending.get("text", ""))
    return None


@dataclass(frozen=True)
class Carried:
    """A condition an attempt or a room set, as the debrief names it."""

    name: str
    text: str
    warning: str  # "" or one of ``ConditionWarning``


def carried(
    scenario: Scenario, conditions: Iterable[str], order: Iterable[str] = ()
) -> list[Carried]:
    """The conditions set (those the scenario still declares), in ``order`` first (the
    order they were set in, when the caller knows it), then by name."""
    present = set(conditions)
    declared = scenario.conditions or {}
    ranked = list(dict.fromkeys([*(n for n in order if n in present), *sorted(present)]))
    return [
        Carried(name, declared[name].get("text", ""), declared[name].get("warning") or "")
        for name in ranked
        if name in declared
    ]
