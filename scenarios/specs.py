"""A scenario as plain data, checked and ready to load: what validation makes of a file.

``scenarios.validation`` builds these from YAML, ``scenarios.loading`` writes them to the
database, and ``scenarios.guessability`` plays them with surface strategies.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from scenarios.leadership import best_option


@dataclass
class OptionSpec:
    style: str
    text: str
    feedback: str
    points: int
    next: str | None  # a point key, or None for the end


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

    def content_hash(self) -> str:
        payload = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()
