from __future__ import annotations

import pytest

from scenarios.leadership import (
    BEHAVIOUR,
    Miss,
    Readiness,
    Style,
    best_style,
    effectiveness,
    level,
    miss_direction,
)


def test_styles_and_readiness_have_hersey_names() -> None:
    assert [(s.value, s.label) for s in Style] == [
        ("S1", "Directing"),
        ("S2", "Coaching"),
        ("S3", "Supporting"),
        ("S4", "Delegating"),
    ]
    assert Readiness.R1.label.startswith("Unable")
    assert Readiness.R4.label == "Able and willing"


def test_task_and_relationship_levels() -> None:
    assert BEHAVIOUR[Style.S1] == ("high", "low")
    assert BEHAVIOUR[Style.S2] == ("high", "high")
    assert BEHAVIOUR[Style.S3] == ("low", "high")
    assert BEHAVIOUR[Style.S4] == ("low", "low")


@pytest.mark.parametrize(
    ("readiness", "style"), [("R1", "S1"), ("R2", "S2"), ("R3", "S3"), ("R4", "S4")]
)
def test_matching_rule(readiness: str, style: str) -> None:
    assert best_style(readiness) == style


@pytest.mark.parametrize(
    ("style", "readiness", "points"),
    [
        ("S1", "R1", 2),
        ("S2", "R1", 1),
        ("S3", "R1", -1),
        ("S4", "R1", -2),
        ("S1", "R4", -2),
        ("S3", "R4", 1),
        ("S2", "R3", 1),
        ("S4", "R2", -1),
    ],
)
def test_default_effectiveness(style: str, readiness: str, points: int) -> None:
    assert effectiveness(style, readiness) == points


def test_every_pair_scores_within_the_lead_range() -> None:
    for style in Style.values:
        for readiness in Readiness.values:
            assert effectiveness(style, readiness) in (2, 1, -1, -2)


def test_miss_direction() -> None:
    assert miss_direction("S1", "S3") == Miss.OVER
    assert miss_direction("S4", "S1") == Miss.UNDER
    assert miss_direction("S2", "S2") == Miss.NONE


@pytest.mark.parametrize("bad", ["S0", "S5", "X1", "", "R12"])
def test_level_refuses_what_is_not_a_level(bad: str) -> None:
    with pytest.raises(ValueError):
        level(bad)
