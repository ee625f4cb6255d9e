"""The guessability report: what a reader who ignores the model would score."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from scenarios import guessability
from scenarios.models import Scenario
from scenarios.specs import OptionSpec, PointSpec
from scenarios.validation import validate_files

# (readiness, {style: points}) for six points: two of each of R1, R2, R3, with +1 both ways.
SIX = [
    ("R1", {"S1": 2, "S2": 1, "S3": -1, "S4": -2}),
    ("R1", {"S1": 2, "S2": 1, "S3": -2, "S4": -1}),
    ("R2", {"S2": 2, "S1": 1, "S3": -1, "S4": -2}),
    ("R2", {"S2": 2, "S3": 1, "S1": -1, "S4": -2}),
    ("R3", {"S3": 2, "S4": 1, "S2": -1, "S1": -2}),
    ("R3", {"S3": 2, "S2": 1, "S4": -1, "S1": -2}),
]


def option_text(style: str, best: bool, padded: bool) -> str:
    text = f"Option {style}: the leader acts in a plain way that fits {style}."
    return text + " With a long list of concrete details: 06:00, 07:30; two teams." * (
        best and padded
    )


def scenario_yaml(slug: str, *, best_is_longest: bool) -> str:
    """A valid scenario of six points; ``best_is_longest`` gives the best fit a tell."""
    lines = [
        f"slug: {slug}",
        "title: A guessable test scenario",
        "phase: first-days",
        "minutes: 5",
        "summary: Six decisions, written for the tests.",
        "trains: Nothing but the test suite.",
        "debrief_prompt: What did you notice?",
        "decision_points:",
    ]
    for number, (readiness, points) in enumerate(SIX, start=1):
        lines += [
            f"  - key: point-{number}",
            "    moment: 12 Feb 2008",
            "    role: Head of mission",
            "    narrative: Something happens that needs a leader.",
            "    followers: The team.",
            "    cues: [They look at you.]",
            f"    readiness: {readiness}",
            "    readiness_rationale: Because of what they show.",
            "    what_happened:",
            "      text: This moment is a training invention.",
            "      provenance: fiction",
            "      sources: [K]",
            "    options:",
        ]
        # Every score moves through the positions, so only length can give the best fit away.
        ranked = sorted(points, key=points.get, reverse=True)
        styles = ranked[number % 4 :] + ranked[: number % 4]
        for style in styles:
            text = option_text(style, points[style] == 2, best_is_longest)
            lines += [
                f"      - style: {style}",
                f"        text: {json.dumps(text)}",
                f"        feedback: Feedback for {style}.",
                f"        points: {points[style]}",
            ]
    return "\n".join(lines) + "\n"


def write(tmp_path: Path, slug: str, *, best_is_longest: bool) -> Path:
    path = tmp_path / f"{slug}.yaml"
    path.write_text(scenario_yaml(slug, best_is_longest=best_is_longest))
    return path


def test_a_file_whose_best_fit_is_always_longest_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "tells", best_is_longest=True)
    report = validate_files([path])
    mine = [e for e in report.errors if e.startswith(str(path))]
    assert any(
        e.startswith(f"{path}:1: guessability: the strategy 'longest option' earns 100%")
        for e in mine
    ), mine
    assert any(
        "the best fit is the longest option in 100% of points (limit 30%): point-1, point-2" in e
        for e in mine
    ), mine


def test_the_same_file_without_the_tell_passes_its_own_checks(tmp_path: Path) -> None:
    path = write(tmp_path, "fair", best_is_longest=False)
    report = validate_files([path])
    assert not [e for e in report.errors if e.startswith(str(path))], report.errors
    assert report.guessing[str(path)].count == 6


@pytest.mark.django_db
def test_load_refuses_a_guessable_file_and_changes_nothing(tmp_path: Path, capsys) -> None:
    before = list(Scenario.objects.values_list("slug", "content_version"))
    path = write(tmp_path, "tells", best_is_longest=True)
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_scenarios", str(path))
    assert "guessability: the strategy 'longest option'" in capsys.readouterr().err
    assert list(Scenario.objects.values_list("slug", "content_version")) == before


def spec(readiness: str, points: dict[str, int], key: str) -> PointSpec:
    options = [
        OptionSpec(style, f"{style} text", "", value, None) for style, value in points.items()
    ]
    return PointSpec(
        key, "", "", "", "", ["a cue"], readiness, "", 60, "", "fiction", ["K"], "", options
    )


def test_a_set_where_one_style_always_wins_is_flagged() -> None:
    points = [spec("R1", {"S1": 2, "S2": 1, "S3": -1, "S4": -2}, f"p{n}") for n in range(8)]
    report = guessability.report(points)
    always = {r.name: r for r in report.strategies}
    assert always["always S1"].share == 1.0
    assert always["always S4"].share == -1.0
    assert any("'always S1' earns 100%" in problem for problem in report.problems)


def test_ties_are_broken_at_random() -> None:
    """Four options of one length: 'longest' is a random pick, which earns 0 on LEAD points."""
    points = [spec("R2", {"S2": 2, "S1": 1, "S3": -1, "S4": -2}, f"p{n}") for n in range(6)]
    longest = next(r for r in guessability.report(points).strategies if r.name == "longest option")
    assert longest.points == 0
    assert longest.hit_rate == 0.25


def test_small_sets_are_reported_but_not_limited() -> None:
    points = [spec("R1", {"S1": 2, "S2": 1, "S3": -1, "S4": -2}, "only")]
    assert guessability.report(points).problems == []


def test_command_prints_the_report_per_file_and_for_the_set(capsys) -> None:
    call_command("validate_scenarios")
    out = capsys.readouterr().out
    assert "What surface strategies earn" in out
    assert "scenarios/content/the-first-hour.yaml" in out
    assert "the whole set (" in out
    assert "always S3" in out
