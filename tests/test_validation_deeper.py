"""The validator's rules for the fields of deeper scenarios (issue #17).

Each test breaks one rule in tests/scenario_files/valid_deep.yaml, which passes as it
stands, and checks that the file is refused with the line and the point named.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from scenarios.reading import default_budget, reading_load
from scenarios.validation import Report, validate_files, validate_text

DEEP = Path(__file__).parent / "scenario_files" / "valid_deep.yaml"
SMALL = DEEP.with_name("valid_small.yaml")
LABEL = "deep.yaml"


def _text() -> str:
    return DEEP.read_text(encoding="utf-8")


def _edit(old: str, new: str, *, after: str = "") -> str:
    """The file with the first `old` after the marker `after` replaced by `new`."""
    text = _text()
    start = text.index(after) if after else 0
    at = text.index(old, start)
    return text[:at] + new + text[at + len(old) :]


def _line(text: str, needle: str, *, after: str = "") -> int:
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


def _refused(text: str, line: int, *words: str) -> list[str]:
    spec, errors = validate_text(text, LABEL)
    assert spec is None
    matching = [
        e for e in errors if e.startswith(f"{LABEL}:{line}: ") and all(w in e for w in words)
    ]
    assert matching, errors
    return errors


def test_the_deep_file_passes_and_keeps_its_fields() -> None:
    report = validate_files([DEEP])
    assert report.ok, report.errors
    (spec,) = report.specs
    alarm, split, recovery, handover = spec.points
    assert alarm.time_budget == default_budget(alarm)  # omitted: the reading load, up to 5 s
    assert alarm.time_budget % 5 == 0 and alarm.time_budget >= reading_load(alarm)
    assert split.routes == [{"if": ["slow-start"], "unless": [], "next": "recovery"}]
    assert [o.next for o in split.options] == ["handover"] * 4
    assert recovery.if_set["slow-start"]["narrative"].startswith("The slow start")
    assert handover.rule_stop["style"] == "S3" and handover.best_option.style == "S3"
    assert spec.conditions["held-on"]["warning"] == "directive-too-long"
    assert spec.endings[-1] == {
        "key": "default-ending",
        "title": "Safe, but tired",
        "text": spec.endings[-1]["text"],
        "if": [],
        "unless": [],
    }


def test_reading_load_counts_the_words_of_the_four_options() -> None:
    (spec,) = validate_files([DEEP]).specs
    alarm = spec.points[0]
    words = sum(len(option.text.split()) for option in alarm.options)
    assert words == 36
    assert reading_load(alarm) == 18 + 20  # 36 words at two a second, + 20 s to decide
    assert default_budget(alarm) == 40


# Conditions ------------------------------------------------------------------------------


def test_a_condition_declared_but_never_set_is_refused() -> None:
    text = _edit("  held-on:\n", "  unused:\n    text: Nobody sets this.\n  held-on:\n")
    _refused(text, _line(text, "  unused:"), "condition 'unused' is declared but no option sets it")


def test_a_condition_set_but_never_read_is_refused() -> None:
    text = _edit("sets: [held-on]", "sets: [held-on, quiet]").replace(
        "conditions:\n", "conditions:\n  quiet:\n    text: The room went quiet.\n"
    )
    _refused(
        text,
        _line(text, "  quiet:"),
        "condition 'quiet' is set (at decision point 'recovery') but never read",
    )


def test_a_condition_set_but_not_declared_is_refused() -> None:
    text = _edit("sets: [held-on]", "sets: [held-on, nowhere]")
    _refused(
        text,
        _line(text, "sets: [held-on, nowhere]"),
        "option S1 of decision point 'recovery' sets 'nowhere', which 'conditions' does not "
        "declare",
    )


def test_a_route_reading_an_undeclared_condition_is_refused() -> None:
    text = _edit("      - if: [slow-start]\n", "      - if: [ghost]\n", after="routes:")
    _refused(
        text,
        _line(text, "if: [ghost]"),
        "'routes' of decision point 'split-team' reads condition 'ghost'",
        "does not declare",
    )


def test_an_ending_reading_an_undeclared_condition_is_refused() -> None:
    text = _edit("unless: [slow-start, held-on]", "unless: [slow-start, ghost]")
    _refused(
        text,
        _line(text, "unless: [slow-start, ghost]"),
        "the ending 'steady' reads condition 'ghost'",
    )


def test_reading_a_condition_before_any_point_can_set_it_is_refused() -> None:
    text = _edit(
        "    delay_cost:",
        "    if_set:\n      slow-start:\n        narrative: Too early to know.\n    delay_cost:",
    )
    _refused(
        text,
        _line(text, "      slow-start:", after="key: alarm"),
        "'if_set' of decision point 'alarm' reads condition 'slow-start', but no point before "
        "it on any path sets it",
    )


def test_an_unknown_warning_is_refused() -> None:
    text = _edit("warning: late-to-lead", "warning: too-late")
    _refused(text, _line(text, "warning: too-late"), "unknown warning 'too-late'")


# Routes ----------------------------------------------------------------------------------


def test_a_route_to_a_missing_point_is_refused() -> None:
    text = _edit("next: recovery", "next: nowhere", after="routes:")
    _refused(text, _line(text, "next: nowhere"), "a route's 'next' names a missing point 'nowhere'")


def test_routes_count_as_edges_so_without_one_a_point_is_unreachable() -> None:
    text = _edit("    routes:\n      - if: [slow-start]\n        next: recovery\n", "")
    _refused(
        text, _line(text, "  - key: recovery"), "'recovery' cannot be reached from the first point"
    )


def test_a_route_that_loops_back_is_refused() -> None:
    text = _edit(
        "    hard_call:",
        "    routes:\n      - if: [slow-start]\n        next: split-team\n    hard_call:",
    )
    _refused(text, _line(text, "  - key: split-team"), "loops back to 'split-team'")


def test_a_route_with_no_condition_is_refused() -> None:
    text = _edit("      - if: [slow-start]\n        next", "      - next", after="routes:")
    _refused(
        text,
        _line(text, "      - next: recovery"),
        "a route of decision point 'split-team' has neither 'if' nor 'unless'",
    )


# Mixed-readiness teams -------------------------------------------------------------------


def test_a_team_of_one_is_refused() -> None:
    text = _edit("      - who: the two new drivers\n        readiness: R1\n", "")
    _refused(
        text,
        _line(text, "    team:"),
        "the team of decision point 'split-team' needs at least two members at two different",
    )


def test_a_team_all_at_one_level_is_refused() -> None:
    text = _edit("        readiness: R4\n", "        readiness: R1\n", after="who: Ana")
    _refused(text, _line(text, "    team:"), "two different readiness levels")


def test_a_team_without_the_points_readiness_is_refused() -> None:
    text = _edit("        readiness: R1\n", "        readiness: R2\n", after="who: the two")
    _refused(
        text,
        _line(text, "    team:"),
        "the readiness of decision point 'split-team' is R1, but no member of its team is R1",
    )


def test_a_team_member_missing_from_the_best_feedback_is_refused() -> None:
    text = _edit("who: Ana", "who: Bento")
    _refused(
        text,
        _line(text, "    team:"),
        "+2 option of decision point 'split-team' does not name team member 'Bento'",
    )


# Hard calls ------------------------------------------------------------------------------


def test_a_hard_call_whose_also_is_not_the_plus_one_is_refused() -> None:
    text = _edit("also: S3", "also: S1")
    _refused(
        text,
        _line(text, "also: S1"),
        "the hard_call of decision point 'recovery' names S1 as also defensible, but its +1 "
        "option is S3",
    )


def test_a_hard_call_without_a_tradeoff_or_with_a_short_one_is_refused() -> None:
    start = _text().index("      tradeoff: >")
    end = _text().index("    what_happened:", start)
    missing = _text()[:start] + _text()[end:]
    _refused(
        missing,
        _line(missing, "also: S3"),  # where the mapping starts
        "'hard_call' of decision point 'recovery' is missing 'tradeoff'",
    )
    short = _text()[:start] + "      tradeoff: Both are fine.\n" + _text()[end:]
    _refused(
        short,
        _line(short, "tradeoff: Both"),
        "tradeoff of decision point 'recovery' has 3 words; write 40-100",
    )


# Rule stops ------------------------------------------------------------------------------


def test_a_rule_stop_whose_style_the_best_option_lacks_is_refused() -> None:
    text = _edit("      style: S3\n", "      style: S2\n", after="rule_stop:")
    _refused(
        text,
        _line(text, "    options:", after="key: handover"),
        "decision point 'handover' gives +2 to S3, but its rule_stop calls for S2",
    )


def test_a_rule_stop_keeps_the_plus_one_next_to_its_style() -> None:
    text = _edit("points: 1", "points: -2", after="key: handover")  # S4 to -2, S1 to +1
    at = text.index("        points: -2\n", text.index("style: S1", text.index("key: handover")))
    text = text[:at] + "        points: 1\n" + text[at + len("        points: -2\n") :]
    _refused(
        text,
        _line(text, "    options:", after="key: handover"),
        "decision point 'handover' gives +1 to S1; it must go to a style next to the best fit S3",
    )


def test_an_unknown_rule_stop_kind_is_refused() -> None:
    text = _edit("kind: accountability", "kind: policy")
    _refused(text, _line(text, "kind: policy"), "unknown rule_stop 'policy'")


def test_without_its_rule_stop_the_point_must_match_readiness_again() -> None:
    start = _text().index("    rule_stop:")
    end = _text().index("    what_happened:", start)
    text = _text()[:start] + _text()[end:]
    _refused(
        text,
        _line(text, "    options:", after="key: handover"),
        "gives +2 to S3, but its readiness R4 is matched by S4",
    )


# Pattern breaks and phases ---------------------------------------------------------------


def test_a_pattern_break_on_the_phases_own_style_is_refused() -> None:
    text = _edit("phase: back-to-normal", "phase: weeks-after")
    _refused(
        text,
        _line(text, "    breaks_pattern:"),
        "decision point 'handover' says it breaks the pattern, but its best fit S3 is the style "
        "the weeks-after phase usually calls for",
    )


def test_a_pattern_break_in_the_whole_arc_needs_a_phase() -> None:
    text = _edit("    phase: back-to-normal\n", "")
    _refused(
        text,
        _line(text, "    breaks_pattern:"),
        "decision point 'handover' breaks the pattern in a whole-arc scenario but has no 'phase'",
    )


def test_a_pattern_break_outside_the_whole_arc_uses_the_scenarios_phase() -> None:
    text = _edit("    phase: back-to-normal\n", "").replace(
        "phase: whole-arc", "phase: weeks-after", 1
    )
    _refused(text, _line(text, "    breaks_pattern:"), "the weeks-after phase usually calls for")
    fine = _edit("    phase: back-to-normal\n", "").replace(
        "phase: whole-arc", "phase: back-to-normal", 1
    )
    assert validate_text(fine, LABEL)[1] == []


def test_a_point_cannot_be_in_the_whole_arc_phase() -> None:
    text = _edit("phase: first-hour", "phase: whole-arc")
    _refused(text, _line(text, "phase: whole-arc", after="key: alarm"), "not 'whole-arc'")


# Endings ---------------------------------------------------------------------------------


def test_two_endings_with_one_key_are_refused() -> None:
    text = _edit("key: late", "key: steady")
    _refused(
        text, _line(text, "  - key: steady", after="key: steady\n"), "duplicate ending key 'steady'"
    )


def test_the_last_ending_holds_no_conditions() -> None:
    text = _edit("  - key: default-ending\n", "  - key: default-ending\n    if: [held-on]\n")
    _refused(
        text,
        _line(text, "  - key: default-ending"),
        "the last ending 'default-ending' has 'if' or 'unless'",
    )


def test_an_unconditional_ending_before_the_last_is_refused() -> None:
    text = _edit("    if: [slow-start]\n    title: The slow", "    title: The slow")
    _refused(text, _line(text, "  - key: late"), "ending 'late' has no 'if' or 'unless'")


def test_an_ending_of_a_few_words_is_refused() -> None:
    start = _text().index("    text: >", _text().index("key: late"))
    end = _text().index("  - key: default-ending")
    text = _text()[:start] + "    text: It went badly.\n" + _text()[end:]
    _refused(
        text, _line(text, "  - key: late"), "the text of ending 'late' has 3 words; write 40-120"
    )


# Timed mode ------------------------------------------------------------------------------


def test_a_time_budget_below_the_reading_load_is_refused() -> None:
    (spec,) = validate_files([DEEP]).specs
    load = reading_load(spec.points[1])
    text = _edit("time_budget: 60", f"time_budget: {load - 1}", after="key: split-team")
    _refused(
        text,
        _line(text, "time_budget:", after="key: split-team"),
        f"decision point 'split-team' has time_budget {load - 1} s, below its reading load of "
        f"{load} s",
    )
    at_load = _edit("time_budget: 60", f"time_budget: {load}", after="key: split-team")
    assert validate_text(at_load, LABEL)[1] == []


@pytest.mark.parametrize("budget", [10, 45])
def test_bundled_budgets_are_checked_too(budget: int) -> None:
    path = Path("scenarios/content/the-first-hour.yaml")
    text = path.read_text(encoding="utf-8")
    at = text.index("time_budget: ")
    end = text.index("\n", at)
    errors = validate_text(text[:at] + f"time_budget: {budget}" + text[end:], "first.yaml")[1]
    assert any("below its reading load" in e for e in errors), errors


# The report ------------------------------------------------------------------------------


def test_json_reports_what_the_new_fields_add_up_to(capsys) -> None:
    call_command("validate_scenarios", str(DEEP), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["mixed_teams"] == ["test-deep/split-team"]
    assert data["hard_calls"] == ["test-deep/recovery"]
    assert data["rule_stops"] == ["test-deep/handover"]
    assert data["pattern_breaks"] == ["test-deep/handover"]
    assert data["multi_ending_scenarios"] == ["test-deep"]
    assert data["warning_scenarios"] == {
        "late-to-lead": ["test-deep"],
        "directive-too-long": ["test-deep"],
    }
    assert data["carrying_scenarios"] == ["test-deep"]
    # 'Acting head of mission' and 'Head of mission': two of the four points.
    assert data["head_of_mission_share"] == 0.5


def test_json_reports_nothing_deep_for_a_plain_scenario(capsys) -> None:
    call_command("validate_scenarios", str(SMALL), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["mixed_teams"] == data["hard_calls"] == data["rule_stops"] == []
    assert data["multi_ending_scenarios"] == data["carrying_scenarios"] == []
    assert data["warning_scenarios"] == {"late-to-lead": [], "directive-too-long": []}
    assert data["head_of_mission_share"] == 1.0  # every point of it


def test_a_condition_read_only_at_the_next_point_teaches_but_does_not_carry() -> None:
    (spec,) = validate_files([DEEP]).specs
    spec.endings = []
    spec.points[2].if_set = {}  # 'slow-start' is now read only by the route of the next point
    depth = Report(specs=[spec]).depth()
    assert depth["carrying_scenarios"] == []
    assert depth["warning_scenarios"]["late-to-lead"] == ["test-deep"]
    spec.points[1].routes = []  # now nothing reads it
    depth = Report(specs=[spec]).depth()
    assert depth["warning_scenarios"]["late-to-lead"] == []
    assert depth["warning_scenarios"]["directive-too-long"] == ["test-deep"]  # read at handover


def test_the_text_output_sums_the_new_fields_up(capsys) -> None:
    call_command("validate_scenarios", str(DEEP))
    out = capsys.readouterr().out
    assert (
        "Depth: 1 mixed team(s), 1 hard call(s), 1 rule stop(s), 1 pattern break(s); "
        "1 scenario(s) with several endings; warnings taught: late-to-lead in 1, "
        "directive-too-long in 1 scenario(s); 1 of 1 scenario(s) carry a condition beyond the "
        "next point; head of mission in 50% of points."
    ) in out
