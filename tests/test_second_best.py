"""The +1 can lie on either side of the best fit, and every figure reads it from the
option: the debrief's score, the learner's totals, the xAPI statement."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scenarios.loading import load_files
from scenarios.models import Scenario
from tests.test_progress_support import play
from trainer.play.models import Answer
from trainer.play.scoring import Figures
from trainer.progress import xapi
from trainer.progress.stats import learner_figures

# Two R2 points: in the first the team is moving towards S1 (falling back), in the second
# towards S3 (growing). The same style, S3, is +1 in one and -1 in the other.
SIDES = {
    "falling-back": {"S2": 2, "S1": 1, "S3": -1, "S4": -2},
    "growing": {"S2": 2, "S3": 1, "S1": -1, "S4": -2},
}


def _point(key: str, points: dict[str, int], next_key: str | None) -> dict:
    return {
        "key": key,
        "moment": key,
        "role": "Head of mission",
        "narrative": f"The {key} moment.",
        "followers": "The team.",
        "cues": ["They look at you."],
        "readiness": "R2",
        "readiness_rationale": "Keen but new to it.",
        "what_happened": {"text": "Something.", "provenance": "fiction", "sources": ["K"]},
        "options": [
            {
                "style": style,
                "points": value,
                "text": f"Act as {style} here.",
                "feedback": f"{style} scores {value}.",
                **({"next": next_key} if next_key else {}),
            }
            for style, value in points.items()
        ],
    }


@pytest.fixture
def sides(tmp_path: Path, db) -> Scenario:
    spec = {
        "slug": "test-sides",
        "title": "Both sides",
        "phase": "whole-arc",
        "minutes": 5,
        "summary": "Two decisions.",
        "trains": "Reading the direction of travel.",
        "debrief_prompt": "Which way was each team moving?",
        "decision_points": [
            _point("falling-back", SIDES["falling-back"], "growing"),
            _point("growing", SIDES["growing"], None),
        ],
    }
    path = tmp_path / "test-sides.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    load_files([path])
    return Scenario.objects.get(slug="test-sides")


def test_the_second_best_counts_plus_one_on_either_side(sides, trainee) -> None:
    attempt = play(trainee, sides, [("R2", "S1"), ("R2", "S3")])
    answers = list(Answer.objects.filter(attempt=attempt).order_by("sequence"))
    assert [(a.style, a.points) for a in answers] == [("S1", 1), ("S3", 1)]
    assert Figures.count(answers).points == 2
    figures, _ = learner_figures(Answer.objects.filter(attempt=attempt))
    assert figures.points == 2 and figures.best_fit == 0
    rows = Answer.objects.filter(attempt=attempt).order_by("id").values(*xapi.ANSWER_FIELDS)
    assert [xapi.answered(row)["result"]["score"]["raw"] for row in rows] == [1, 1]


def test_the_same_style_can_be_second_best_or_a_miss(sides, trainee) -> None:
    attempt = play(trainee, sides, [("R2", "S3"), ("R2", "S3")])
    points = list(
        Answer.objects.filter(attempt=attempt).order_by("sequence").values_list("points", flat=True)
    )
    assert points == [-1, 1]
