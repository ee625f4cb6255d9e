"""A scenario as plain data, checked and ready to load: what validation makes of a file.

``scenarios.validation`` builds these from YAML, ``scenarios.loading`` writes them to the
database, and ``scenarios.guessability`` plays them with surface strategies.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from scenarios.leadership import best_option


@dataclass
class OptionSpec:
    style: str
    text: str
    feedback: str
    points: int
    next: str | None  # a point key, or None for the end
    sets: list[str] = field(default_factory=list)  # condition names


@dataclass
class PointSpec:
    key: str
    moment: str
    role: str
    narrative: str
    followers: str
    cues: list[str]
    readiness: str
    readiness_rationale: str
    time_budget: int
    happened: str
    provenance: str
    sources: list[str]
    discussion_prompt: str
    options: list[OptionSpec]
    scene_note: str = ""
    phase: str = ""
    breaks_pattern: str = ""
    team: list[dict[str, str]] = field(default_factory=list)  # [{"who", "readiness"}]
    hard_call: dict[str, str] = field(default_factory=dict)  # {"also", "tradeoff"} or {}
    rule_stop: dict[str, str] = field(default_factory=dict)  # {"kind", "style", "text"} or {}
    if_set: dict[str, dict[str, Any]] = field(default_factory=dict)  # name: {narrative, cues}
    # [{"if": [...], "unless": [...], "next": key or None}], checked before any 'next'
    routes: list[dict[str, Any]] = field(default_factory=list)
    delay_cost: str = ""

    @property
    def best_option(self) -> OptionSpec:
        return best_option(self.options)


@dataclass
class ScenarioSpec:
    slug: str
    title: str
    summary: str
    trains: str
    phase: str
    minutes: int
    published: bool
    debrief_prompt: str
    points: list[PointSpec] = field(default_factory=list)
    seat: str = "leader"  # leader | follower (scenarios.models.Seat)
    conditions: dict[str, dict[str, str]] = field(default_factory=dict)  # name: {text, warning}
    # [{"key", "title", "text", "if": [...], "unless": [...]}]; the last one is the fallback
    endings: list[dict[str, Any]] = field(default_factory=list)

    def content_hash(self) -> str:
        payload = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()
