"""The bundled scenarios: coverage of the model and the arc, so it cannot silently regress."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command

from scenarios import sources
from scenarios.leadership import best_style
from scenarios.validation import validate_files

STYLE_WORDS = re.compile(r"\b(S[1-4]|R[1-4]|directing|coaching|supporting|delegating)\b", re.I)


@pytest.fixture(scope="module")
def report():
    result = validate_files()
    assert result.ok, result.errors
    return result


def test_validator_json_shows_the_coverage(capsys) -> None:
    call_command("validate_scenarios", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["errors"] == []
    assert data["published"] >= 4
    assert data["decision_points"] >= 47
    assert min(data["best_style"].values()) >= 8, data["best_style"]
    assert min(data["readiness"].values()) >= 8, data["readiness"]
    for phase in ("before", "first-hour", "first-days", "weeks-after", "back-to-normal"):
        assert data["phases"][phase] >= 1, phase
    assert {"the-first-hour", "the-first-days"} <= set(data["branching_scenarios"])


def test_the_first_hour_punishes_a_hands_off_start_with_a_breakdown(report) -> None:
    spec = next(s for s in report.specs if s.slug == "the-first-hour")
    first = spec.points[0]
    hands_off = {o.next for o in first.options if o.style in {"S3", "S4"}}
    taking_charge = {o.next for o in first.options if o.style in {"S1", "S2"}}
    assert hands_off == {"coordination-lost"}
    assert "coordination-lost" not in taking_charge


def test_the_first_days_punish_over_control_with_resentment(report) -> None:
    spec = next(s for s in report.specs if s.slug == "the-first-days")
    leads_to_resentment = [
        (point.readiness, option.style)
        for point in spec.points
        for option in point.options
        if option.next == "staff-resentment"
    ]
    assert leads_to_resentment, "no choice leads to the resentment point"
    for readiness, style in leads_to_resentment:
        assert style < best_style(readiness), "only over-directing should lead there"


def test_staying_directive_after_the_crisis_scores_badly(report) -> None:
    late = [
        p for s in report.specs if s.phase in {"weeks-after", "back-to-normal"} for p in s.points
    ]
    directing = {p.key: next(o.points for o in p.options if o.style == "S1") for p in late}
    # Readiness belongs to the task: after the crisis, directing fits only a task nobody
    # there has done (R1), or a rule that must be given as an order (a rule stop). Everywhere
    # else it is a mismatch, most of the time a costly one.
    for point in late:
        if directing[point.key] == 2:
            ordered = bool(point.rule_stop) and point.rule_stop.get("style") == "S1"
            assert point.readiness == "R1" or ordered, point.key
    assert sum(points < 0 for points in directing.values()) >= 2 * len(late) / 3, directing


def test_no_surface_strategy_beats_the_set(report) -> None:
    """A reader who ignores the model earns no more than a quarter of the maximum."""
    guess = report.guessing_set
    assert guess is not None and guess.count >= 47
    assert guess.problems == []
    for result in guess.strategies:
        assert result.share <= 0.25, result
        assert result.hit_rate <= 1 / 3, result
    assert guess.best_is_longest <= 0.30 and guess.best_is_shortest <= 0.30
    assert max(guess.best_position.values()) <= 0.35 * guess.count, guess.best_position


def test_the_second_best_lies_on_both_sides_of_the_best(report) -> None:
    """The +1 goes where the situation is heading: towards more direction in some points,
    towards less in others, so 'one step more directive' is no rule either."""
    sides = {"more": 0, "less": 0}
    for spec in report.specs:
        for point in spec.points:
            by_points = {option.points: option.style for option in point.options}
            sides["more" if by_points[1] < by_points[2] else "less"] += 1
    assert min(sides.values()) >= 12, sides


def test_every_point_is_written_to_the_house_rules(report) -> None:
    for spec in report.specs:
        for point in spec.points:
            where = f"{spec.slug}/{point.key}"
            words = len(point.narrative.split())
            assert 80 <= words <= 200, f"{where}: narrative has {words} words"
            assert 1 <= len(point.cues) <= 5, where
            assert point.sources, where
            for option in point.options:
                assert not STYLE_WORDS.search(option.text), f"{where}: option names a style"
                sentences = len(re.findall(r"[.!?](?:\s|$)", option.feedback))
                assert 2 <= sentences <= 4, f"{where} {option.style}: {sentences} sentences"


def test_every_cited_source_has_a_label_in_the_sources_file(report) -> None:
    known = sources.bundled()
    for spec in report.specs:
        for point in spec.points:
            missing = [key for key in point.sources if key not in known]
            assert missing == [], f"{spec.slug}/{point.key} cites unknown sources"


# --- The depth of the set (issue "Deeper scenarios"), counted from fields in the YAML -------


@pytest.fixture(scope="module")
def depth() -> dict:
    return validate_files().coverage()


def test_the_set_is_wide_enough_to_practise_in_many_seats(depth) -> None:
    assert depth["scenarios"] >= 10
    assert depth["decision_points"] >= 75
    assert depth["head_of_mission_share"] <= 0.40
    assert min(depth["best_style"].values()) >= 12, depth["best_style"]
    assert min(depth["readiness"].values()) >= 12, depth["readiness"]


def test_the_set_has_points_where_the_simple_rule_is_not_enough(depth) -> None:
    assert len(depth["mixed_teams"]) >= 6, depth["mixed_teams"]
    assert len(depth["hard_calls"]) >= 6, depth["hard_calls"]
    assert len(depth["rule_stops"]) >= 4, depth["rule_stops"]
    assert len({key.split("/")[0] for key in depth["rule_stops"]}) >= 3, "from three scenarios"


def test_choices_carry_and_both_warnings_are_taught(depth) -> None:
    assert len(depth["multi_ending_scenarios"]) >= 3, depth["multi_ending_scenarios"]
    for warning, slugs in depth["warning_scenarios"].items():
        assert len(slugs) >= 3, (warning, slugs)
        assert "the-whole-arc" in slugs, warning
    assert set(depth["carrying_scenarios"]) == {s.slug for s in validate_files().specs}
    arc_breaks = [key for key in depth["pattern_breaks"] if key.startswith("the-whole-arc/")]
    assert len(arc_breaks) >= 2, depth["pattern_breaks"]
