"""Loading content: all or nothing, idempotent, updates in place, and the YAML round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from scenarios.loading import ContentError, dump_scenario, load_files
from scenarios.models import DecisionPoint, Option, Scenario
from scenarios.reading import reading_load
from scenarios.validation import bundled_files, validate_files, validate_text
from trainer.play.models import Attempt, Mode

FILES = Path(__file__).parent / "scenario_files"
SMALL = FILES / "valid_small.yaml"
DEEP = FILES / "valid_deep.yaml"


def _snapshot() -> list[tuple]:
    return [
        *Scenario.objects.values_list("slug", "title", "content_version").order_by("slug"),
        *DecisionPoint.objects.values_list(
            "scenario__slug", "key", "order", "active", "narrative"
        ).order_by("scenario__slug", "key"),
        *Option.objects.values_list(
            "decision_point__key", "style", "points", "next_point__key"
        ).order_by("decision_point__key", "style"),
    ]


@pytest.mark.django_db
def test_load_creates_the_scenario() -> None:
    (result,) = load_files([SMALL])
    assert result.created
    scenario = Scenario.objects.get(slug="test-small")
    points = list(scenario.decision_points.order_by("order"))
    assert [p.key for p in points] == ["alarm", "chaos", "calm"]
    alarm = points[0]
    nexts = {o.style: o.next_point.key for o in alarm.options.all()}
    assert nexts == {"S1": "calm", "S2": "calm", "S3": "chaos", "S4": "chaos"}
    assert not points[2].options.exclude(next_point=None).exists()
    assert [o.style for o in alarm.options.all()] == ["S3", "S1", "S4", "S2"]  # author's order


@pytest.mark.django_db
def test_loading_twice_changes_nothing() -> None:
    load_files([SMALL])
    before = _snapshot()
    (result,) = load_files([SMALL])
    assert not result.changed
    assert _snapshot() == before
    assert DecisionPoint.objects.count() == 3
    assert Option.objects.count() == 12


@pytest.mark.django_db
def test_a_bad_file_among_good_ones_loads_nothing(tmp_path: Path) -> None:
    load_files([SMALL])
    before = _snapshot()
    edited = tmp_path / "edited.yaml"
    edited.write_text(SMALL.read_text().replace("Three decisions", "Edited decisions"))
    with pytest.raises(ContentError) as raised:
        load_files([edited, FILES / "bad" / "loop.yaml"])
    assert any("never reaches an ending" in e for e in raised.value.errors)
    assert _snapshot() == before


@pytest.mark.django_db
def test_command_loads_nothing_when_a_file_is_bad(capsys) -> None:
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_scenarios", str(SMALL), str(FILES / "bad" / "syntax.yaml"))
    assert "syntax.yaml:5:" in capsys.readouterr().err
    assert not Scenario.objects.exists()


@pytest.mark.django_db
def test_update_in_place_keeps_answers(tmp_path: Path, trainee) -> None:
    load_files([SMALL])
    scenario = Scenario.objects.get(slug="test-small")
    attempt = Attempt.start(scenario, user=trainee, mode=Mode.REFLECTIVE)
    alarm = scenario.decision_points.get(key="alarm")
    chosen = alarm.options.get(style="S1")
    answer, _ = attempt.record_answer(point=alarm, option=chosen, diagnosis="R1")

    # The author rewrites a narrative, drops the 'chaos' point and its branches.
    text = (
        SMALL.read_text()
        .replace("The radio room calls.", "The radio room calls again.")
        .replace("        next: chaos\n", "")
    )
    start = text.index("  - key: chaos")
    end = text.index("  - key: calm")
    edited = tmp_path / "small.yaml"
    edited.write_text(text[:start] + text[end:])
    (result,) = load_files([edited])

    assert result.changed and result.version == 2
    answer.refresh_from_db()
    assert answer.option_id == chosen.pk  # the same row, updated in place
    assert answer.decision_point.narrative.startswith("The radio room calls again.")
    chaos = DecisionPoint.objects.get(scenario=scenario, key="chaos")
    assert not chaos.active  # kept for the answers that refer to it, out of play
    assert scenario.first_point().key == "alarm"


@pytest.mark.django_db
def test_round_trip_of_every_bundled_scenario() -> None:
    paths = [SMALL, DEEP, *bundled_files()]
    originals = {spec.slug: spec for spec in validate_files(paths).specs}
    load_files(paths)
    for scenario in Scenario.objects.all():
        spec, errors = validate_text(dump_scenario(scenario), f"{scenario.slug}.yaml")
        assert errors == []
        assert spec == originals[scenario.slug]


@pytest.mark.django_db
def test_export_command_writes_files_that_load_to_the_same_content(tmp_path: Path) -> None:
    load_files([SMALL])
    before = _snapshot()
    call_command("export_scenarios", "--out", str(tmp_path))
    exported = tmp_path / "test-small.yaml"
    assert exported.exists()
    (result,) = load_files([exported])
    assert not result.changed  # same content hash: nothing to update
    assert _snapshot() == before


@pytest.mark.django_db
def test_export_of_an_unknown_slug_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no scenario with slug nope"):
        call_command("export_scenarios", "nope", "--out", str(tmp_path))


@pytest.mark.django_db
def test_the_fields_of_deeper_scenarios_are_stored() -> None:
    load_files([DEEP])
    scenario = Scenario.objects.get(slug="test-deep")
    assert scenario.conditions["slow-start"] == {
        "text": "The duty team waited a long time for anyone to take charge.",
        "warning": "late-to-lead",
    }
    assert [e["key"] for e in scenario.endings] == ["steady", "late", "default-ending"]
    assert scenario.endings[0]["if"] == [] and scenario.endings[0]["unless"] == [
        "slow-start",
        "held-on",
    ]
    points = {point.key: point for point in scenario.decision_points.all()}
    split = points["split-team"]
    assert split.team == [
        {"who": "Ana", "readiness": "R4"},
        {"who": "the two new drivers", "readiness": "R1"},
    ]
    assert split.routes == [{"if": ["slow-start"], "unless": [], "next": "recovery"}]
    assert {o.next_point.key for o in split.options.all()} == {"handover"}
    assert points["recovery"].hard_call["also"] == "S3"
    assert points["recovery"].if_set["slow-start"]["cues"] == [
        "Some staff ask who is really in charge."
    ]
    assert points["handover"].if_set["held-on"]["cues"] == []
    assert points["handover"].rule_stop["kind"] == "accountability"
    assert points["handover"].breaks_pattern.startswith("Back to normal usually")
    assert points["handover"].phase == "back-to-normal"
    assert points["alarm"].delay_cost.startswith("While you read")
    assert points["alarm"].hard_call == {} and points["alarm"].team == []
    sets = {o.style: o.sets for o in points["alarm"].options.all()}
    assert sets == {"S1": [], "S2": [], "S3": ["slow-start"], "S4": ["slow-start"]}


@pytest.mark.django_db
def test_a_change_to_a_new_field_reloads_the_scenario(tmp_path: Path) -> None:
    load_files([DEEP])
    edited = tmp_path / "deep.yaml"
    edited.write_text(
        DEEP.read_text().replace("      - if: [slow-start]\n", "      - unless: [slow-start]\n")
    )
    (result,) = load_files([edited])
    assert result.changed and result.version == 2
    point = DecisionPoint.objects.get(key="split-team")
    assert point.routes == [{"if": [], "unless": ["slow-start"], "next": "recovery"}]


@pytest.mark.django_db
def test_export_writes_the_new_fields_as_an_author_would() -> None:
    load_files([DEEP])
    text = dump_scenario(Scenario.objects.get(slug="test-deep"))
    assert "  routes:\n  - if:\n    - slow-start\n    next: recovery\n" in text
    assert "    sets:\n    - slow-start\n" in text
    assert "warning: late-to-lead" in text
    assert "unless: []" not in text  # empty lists are left out, as authors leave them


@pytest.mark.django_db
def test_reading_load_is_the_same_for_a_loaded_point_and_its_spec() -> None:
    (spec,) = validate_files([DEEP]).specs
    load_files([DEEP])
    for point_spec in spec.points:
        point = DecisionPoint.objects.get(key=point_spec.key)
        assert reading_load(point) == reading_load(point_spec) > 20
