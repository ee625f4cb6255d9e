"""Loading content: all or nothing, idempotent, updates in place, and the YAML round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from scenarios.loading import ContentError, dump_scenario, load_files
from scenarios.models import DecisionPoint, Option, Scenario
from scenarios.validation import bundled_files, validate_files, validate_text
from trainer.play.models import Attempt, Mode

FILES = Path(__file__).parent / "scenario_files"
SMALL = FILES / "valid_small.yaml"


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
    paths = [SMALL, *bundled_files()]
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
