"""The validator: every malformed file in the corpus, with its message and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from scenarios import sources
from scenarios.validation import validate_files, validate_text

FILES = Path(__file__).parent / "scenario_files"
BAD = FILES / "bad"

# file, line, words the message must contain
CORPUS = [
    ("syntax.yaml", 5, "YAML syntax"),
    ("unknown_field.yaml", 7, "unknown field 'difficulty'"),
    ("missing_field.yaml", 3, "missing 'trains'"),
    ("unknown_style.yaml", 47, "unknown style 'S5'"),
    ("unknown_readiness.yaml", 92, "unknown readiness 'R5'"),
    ("unknown_phase.yaml", 5, "unknown phase 'lunchtime'"),
    ("duplicate_key.yaml", 83, "duplicate key 'chaos'"),
    ("duplicate_field.yaml", 7, "duplicate field 'minutes'"),
    ("missing_branch.yaml", 37, "missing point 'nowhere'"),
    ("empty_feedback.yaml", 50, "'feedback' is empty"),
    ("bad_points.yaml", 50, "'points' must be 2, 1, -1 or -2"),
    ("three_options.yaml", 99, "has 3 options; it needs exactly 4"),
    ("same_style_twice.yaml", 104, "two options with style S4"),
    ("two_best.yaml", 99, "they must be +2, +1, -1 and -2, once each"),
    ("unreachable.yaml", 49, "'chaos' cannot be reached"),
    ("loop.yaml", 13, "never reaches an ending"),  # the line of the point looped back to
    ("invented_in_fact.yaml", 27, "move that sentence to 'scene_note'"),
    ("plus_one_far.yaml", 98, "gives +1 to S2; it must go to a style next to the best fit S4"),
    ("best_not_match.yaml", 31, "gives +2 to S2, but its readiness R1 is matched by S1"),
    ("missing_points.yaml", 41, "option 3 of decision point 'alarm' is missing 'points'"),
    ("missing_scene_note.yaml", 27, "labelled fact but has no 'scene_note'"),
]


def test_the_corpus_is_complete() -> None:
    assert sorted(name for name, _, _ in CORPUS) == sorted(p.name for p in BAD.glob("*.yaml"))


@pytest.mark.parametrize(("name", "line", "words"), CORPUS)
def test_malformed_file_is_reported_with_its_line(name: str, line: int, words: str) -> None:
    report = validate_files([BAD / name])
    assert not report.ok
    assert report.specs == []
    assert any(
        error.startswith(f"tests/scenario_files/bad/{name}:{line}: ") and words in error
        for error in report.errors
    ), report.errors


def test_valid_file_passes_with_defaults_resolved() -> None:
    report = validate_files([FILES / "valid_small.yaml"])
    assert report.ok, report.errors
    (spec,) = report.specs
    alarm, chaos, calm = spec.points
    assert [o.next for o in alarm.options] == ["chaos", "calm", "chaos", "calm"]
    assert [o.next for o in chaos.options] == ["calm"] * 4  # the following point
    assert [o.next for o in calm.options] == [None] * 4  # the last point ends
    assert {o.style: o.points for o in calm.options} == {"S4": 2, "S3": 1, "S2": -1, "S1": -2}
    assert spec.published is True


def test_every_problem_in_a_file_is_reported_at_once() -> None:
    text = (FILES / "valid_small.yaml").read_text()
    text = text.replace("phase: first-hour", "phase: nope").replace("minutes: 5", "minutes: five")
    spec, errors = validate_text(text, "x.yaml")
    assert spec is None
    assert "x.yaml:4: unknown phase 'nope'" in errors[0]
    assert any(e.startswith("x.yaml:5: 'minutes' must be a whole number") for e in errors)


def test_a_slug_used_by_two_files_is_an_error(tmp_path: Path) -> None:
    copy = tmp_path / "copy.yaml"
    copy.write_text((FILES / "valid_small.yaml").read_text())
    report = validate_files([FILES / "valid_small.yaml", copy])
    assert any("slug 'test-small' is also used by" in e for e in report.errors)


def test_an_empty_file_and_a_list_are_errors() -> None:
    assert validate_text("", "e.yaml")[1] == ["e.yaml:1: the file is empty"]
    assert "must be a mapping" in validate_text("- a\n- b\n", "l.yaml")[1][0]


def test_command_prints_problems_and_exits_1(capsys) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("validate_scenarios", str(BAD / "loop.yaml"))
    assert raised.value.returncode == 1
    assert "never reaches an ending" in capsys.readouterr().err


def test_command_json_reports_coverage(capsys) -> None:
    call_command("validate_scenarios", str(FILES / "valid_small.yaml"), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["scenarios"] == 1
    assert data["decision_points"] == 3
    assert data["best_style"] == {"S1": 2, "S2": 0, "S3": 0, "S4": 1}
    assert data["readiness"] == {"R1": 2, "R2": 0, "R3": 0, "R4": 1}
    assert data["provenance"] == {"fact": 1, "khare": 1, "fiction": 1, "uncertain": 0}
    assert data["errors"] == []
    assert data["branching_scenarios"] == ["test-small"]


def test_command_json_with_errors_exits_1(capsys) -> None:
    with pytest.raises(CommandError):
        call_command("validate_scenarios", str(BAD / "syntax.yaml"), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["errors"] and data["errors"][0].startswith(
        "tests/scenario_files/bad/syntax.yaml:5:"
    )


# The sources file (scenarios/sources.yaml) ----------------------------------------------

BROKEN_SOURCES = """\
K:
  label: A keynote
UN-1:
  label: A report
  url: https://example.org/report
UN-1:
  label: The same key again
no-label:
  url: https://example.org/
bad-link:
  label: A link that is not one
  url: javascript:alert(1)
extra:
  label: Fine
  author: Someone
off:
  label: A key YAML reads as false
"""


def test_the_sources_file_reads_into_labels_and_links() -> None:
    found, errors = sources.read(BROKEN_SOURCES, "sources.yaml")
    assert found["K"] == sources.Source("K", "A keynote", "")
    assert found["extra"].label == "Fine"
    assert "no-label" not in found and "bad-link" not in found
    assert errors == [
        "sources.yaml:6: duplicate field 'UN-1'",
        "sources.yaml:8: source 'no-label' needs a 'label' of text",
        "sources.yaml:12: the url of 'bad-link' must be a web link",
        "sources.yaml:15: unknown field 'author' in 'extra'",
        "sources.yaml:16: the key False must be text (quote it)",
    ]


def test_a_broken_sources_file_fails_validation(tmp_path: Path, monkeypatch) -> None:
    broken = tmp_path / "sources.yaml"
    broken.write_text(BROKEN_SOURCES, encoding="utf-8")
    monkeypatch.setattr(sources, "SOURCES_FILE", broken)
    report = validate_files([FILES / "valid_small.yaml"])
    assert f"{broken}:8: source 'no-label' needs a 'label' of text" in report.errors


def test_a_cited_key_the_sources_file_lacks_is_shown_as_itself() -> None:
    cited = sources.sources_for(["UNMIT-release-11Feb", "not-in-the-file"])
    assert cited[0].label == "UNMIT press release, 11 February 2008"
    assert cited[0].url.startswith("http")
    assert cited[1] == sources.Source("not-in-the-file", "not-in-the-file", "")
