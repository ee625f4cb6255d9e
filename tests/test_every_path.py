"""Every path through every bundled scenario, as the runtime walks it: each state (a point
and the conditions set so far) offers four choices, each leads on or to an ending, no path
loops, and every point and every ending of the file can be reached in play."""

from __future__ import annotations

import pytest

from scenarios import story
from scenarios.models import DecisionPoint, Scenario

pytestmark = pytest.mark.django_db


def _walk(scenario: Scenario) -> tuple[set[str], set[str], int]:
    """The points and endings reached from the first point over every choice, and the
    number of states (point, conditions) met on the way."""
    points = {
        point.pk: (point, list(point.options.select_related("next_point")))
        for point in scenario.decision_points.filter(active=True)
    }
    reached: set[str] = set()
    endings: set[str] = set()
    states: set[tuple[int, tuple[str, ...]]] = set()
    # Depth-first, with the path so far: a state met again on its own path is a loop.
    stack: list[tuple[int, tuple[str, ...], frozenset]] = [
        (scenario.first_point().pk, (), frozenset())
    ]
    while stack:
        pk, conditions, path = stack.pop()
        state = (pk, conditions)
        assert state not in path, f"{scenario.slug}: a path loops back to {points[pk][0].key}"
        states.add(state)
        point, options = points[pk]
        reached.add(point.key)
        assert sorted(option.style for option in options) == ["S1", "S2", "S3", "S4"]
        for option in options:
            after = tuple(story.applied(conditions, option.sets))
            following = story.following(point, option, conditions)
            if following is None:
                ending = story.ending_for(scenario, after)
                endings.add(ending.key if ending else "")
            else:
                assert following.pk in points, f"{scenario.slug}/{point.key} leads nowhere"
                stack.append((following.pk, after, path | {state}))
    return reached, endings, len(states)


def test_every_path_of_every_bundled_scenario_ends_and_reaches_everything(bundled_scenarios):
    assert len(bundled_scenarios) >= 10
    for scenario in bundled_scenarios:
        reached, endings, states = _walk(scenario)
        active = set(scenario.decision_points.filter(active=True).values_list("key", flat=True))
        assert reached == active, (scenario.slug, active - reached)
        declared = {ending["key"] for ending in scenario.endings}
        assert endings == (declared or {""}), (scenario.slug, declared - endings)
        assert states >= len(active)


def test_a_route_the_conditions_open_changes_the_way(bundled_scenarios):
    """The walk above is not blind to routes: in the whole set, some state's next point
    differs from what the chosen option's own ``next`` says."""
    routed = [
        point
        for point in DecisionPoint.objects.filter(active=True).exclude(routes=[])
        if any(route.get("next") for route in point.routes)
    ]
    assert routed, "the bundled set uses routes"
    point = routed[0]
    route = next(route for route in point.routes if route.get("next"))
    option = point.options.select_related("next_point").first()
    opened = story.following(point, option, route.get("if") or [])
    assert opened is not None and opened.key == route["next"]
