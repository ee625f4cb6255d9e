"""The bundled scenarios: coverage of the model and the arc, so it cannot silently regress."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command

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
    assert data["decision_points"] >= 32
    assert min(data["best_style"].values()) >= 6, data["best_style"]
    assert min(data["readiness"].values()) >= 6, data["readiness"]
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
    late = [s for s in report.specs if s.phase in {"weeks-after", "back-to-normal"}]
    directing = [o.points for s in late for p in s.points for o in p.options if o.style == "S1"]
    assert max(directing) < 2, "directing is never the best fit once the crisis settles"
    assert sum(points < 0 for points in directing) >= 10, directing


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
