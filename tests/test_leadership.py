from __future__ import annotations

import pytest

from scenarios.leadership import (
    BEHAVIOUR,
    Miss,
    Readiness,
    Style,
    best_style,
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


def test_miss_direction() -> None:
    assert miss_direction("S1", "S3") == Miss.OVER
    assert miss_direction("S4", "S1") == Miss.UNDER
    assert miss_direction("S2", "S2") == Miss.NONE


@pytest.mark.parametrize("bad", ["S0", "S5", "X1", "", "R12"])
def test_level_refuses_what_is_not_a_level(bad: str) -> None:
    with pytest.raises(ValueError):
        level(bad)
