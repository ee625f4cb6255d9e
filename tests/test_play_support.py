"""Helpers for the play tests (no tests here): start an attempt, answer by style, build data."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from django.test import Client

from scenarios.loading import load_files
from scenarios.models import DecisionPoint, Option, Scenario
from trainer.play.models import Attempt

ATTEMPT_URL = re.compile(r"/play/([0-9a-f-]{36})/")


def start(client: Client, scenario: Scenario, mode: str = "reflective") -> Attempt:
    """Start an attempt through the view, as a trainee would, and return it."""
    response = client.post(f"/scenarios/{scenario.slug}/start/", {"mode": mode})
    assert response.status_code == 303, response.content[:500]
    match = ATTEMPT_URL.search(response["Location"])
    assert match, response["Location"]
    return Attempt.objects.get(pk=match.group(1))


def point(scenario: Scenario, key: str) -> DecisionPoint:
    return scenario.decision_points.get(key=key)


def option(scenario: Scenario, key: str, style: str) -> Option:
    return Option.objects.get(
        decision_point__scenario=scenario, decision_point__key=key, style=style
    )


def answer_data(
    scenario: Scenario, key: str, style: str, diagnosis: str = "R1", **extra: str
) -> dict[str, str]:
    data = {"point": key, "diagnosis": diagnosis, "option": str(option(scenario, key, style).pk)}
    data.update(extra)
    return data


def turn(client: Client, attempt: Attempt, key: str, **kw):
    """Golden Hour: turn from the situation to the choices of ``key``, starting its clock."""
    return client.post(f"/play/{attempt.pk}/choices/", {"point": key}, **kw)


def answer(client: Client, attempt: Attempt, key: str, style: str, diagnosis: str = "R1", **kw):
    """Answer ``key`` as a trainee would; in Golden Hour mode, turning to the choices first
    (a second turn changes nothing, so a clock already running keeps running)."""
    if attempt.is_timed:
        turn(client, attempt, key)
    return client.post(
        f"/play/{attempt.pk}/answer/", answer_data(attempt.scenario, key, style, diagnosis, **kw)
    )


def proceed(client: Client, attempt: Attempt, key: str):
    return client.post(f"/play/{attempt.pk}/continue/", {"point": key})


def play_small_to_the_end(client: Client, attempt: Attempt) -> None:
    """The small scenario's best path: alarm (S1, to calm), then calm (S4, the end)."""
    answer(client, attempt, "alarm", "S1", "R1", reason="They are frightened and new to this")
    proceed(client, attempt, "alarm")
    answer(client, attempt, "calm", "S4", "R3", confidence="4")
    proceed(client, attempt, "calm")
    attempt.refresh_from_db()
    assert attempt.is_finished


# LEAD's points for a style at a readiness in the tests' own decisions: +2 the match, +1 a
# neighbour (for R2 and R3 the content chooses which; these tests pick one), then -1 and -2.
POINTS = {
    "R1": {"S1": 2, "S2": 1, "S3": -1, "S4": -2},
    "R2": {"S2": 2, "S1": 1, "S3": -1, "S4": -2},
    "R3": {"S3": 2, "S4": 1, "S2": -1, "S1": -2},
    "R4": {"S4": 2, "S3": 1, "S2": -1, "S1": -2},
}


def write_long_scenario(directory: Path, points: int, slug: str = "test-long") -> Scenario:
    """A straight scenario with ``points`` decisions, for tests that must not grow with it."""
    styles = ["S1", "S2", "S3", "S4"]
    spec = {
        "slug": slug,
        "title": "A long test scenario",
        "phase": "whole-arc",
        "minutes": 60,
        "summary": "Many decisions in a row.",
        "trains": "Keeping at it.",
        "debrief_prompt": "What changed along the way?",
        "decision_points": [
            {
                "key": f"point-{n}",
                "moment": f"Day {n}",
                "role": "Head of mission",
                "narrative": f"Moment number {n} of a long day.",
                "followers": "The team.",
                "cues": ["They look at you."],
                "readiness": f"R{n % 4 + 1}",
                "readiness_rationale": "Because of the cues.",
                "what_happened": {
                    "text": "Something happened.",
                    "provenance": "fiction",
                    "sources": ["K"],
                },
                "options": [
                    {
                        "style": style,
                        "text": f"Act as {style}.",
                        "feedback": f"{style} it is.",
                        "points": POINTS[f"R{n % 4 + 1}"][style],
                    }
                    for style in styles
                ],
            }
            for n in range(1, points + 1)
        ],
    }
    path = directory / f"{slug}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    load_files([path])
    return Scenario.objects.get(slug=slug)
