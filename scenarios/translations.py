"""What a scenario's translation covers, and how a translation knows its source.

A translation file, ``scenarios/translations/<language>/<slug>.yaml``, maps each text of a
scenario and of its facilitator guide, by a path such as ``points.first-news.options.S1.text``,
to ``{source: <hash of the English>, text: <the translation>}``. ``texts()`` lists those paths
with their English, and ``source_hash()`` is the hash: when the English changes, its hash no
longer matches the one stored beside the translation, and the translation is stale.

Paths use the content's own keys (a point's ``key``, an option's ``style``, an ending's
``key``, a plan's ``minutes``, an echo's ``scenario/point``), so reordering a list does not
move a translation; only cues, team members and other plain lists go by position.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"

# Fields that hold a text a reader sees, where they sit in a scenario file.
SCENARIO_FIELDS = ("title", "summary", "trains", "debrief_prompt")
POINT_FIELDS = (
    "moment",
    "role",
    "narrative",
    "followers",
    "readiness_rationale",
    "discussion_prompt",
    "breaks_pattern",
    "delay_cost",
)
OPTION_FIELDS = ("text", "feedback")


def source_hash(text: str) -> str:
    """The English text's fingerprint: whitespace does not count (YAML folds lines)."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:12]


def _add(found: dict[str, str], path: str, value: Any) -> None:
    if isinstance(value, str) and value.strip():
        found[path] = value


def _add_list(found: dict[str, str], path: str, values: Any) -> None:
    for index, value in enumerate(values or []):
        _add(found, f"{path}.{index}", value)


def texts(content: dict, guide: dict | None = None) -> dict[str, str]:
    """Every text a trainee or facilitator reads in one scenario (and its guide), by path."""
    found: dict[str, str] = {}
    for field in SCENARIO_FIELDS:
        _add(found, field, content.get(field))
    for key, condition in (content.get("conditions") or {}).items():
        _add(found, f"conditions.{key}.text", condition.get("text"))
    for ending in content.get("endings") or []:
        for field in ("title", "text"):
            _add(found, f"endings.{ending['key']}.{field}", ending.get(field))
    for point in content.get("decision_points") or []:
        base = f"points.{point['key']}"
        for field in POINT_FIELDS:
            _add(found, f"{base}.{field}", point.get(field))
        _add_list(found, f"{base}.cues", point.get("cues"))
        for index, member in enumerate(point.get("team") or []):
            _add(found, f"{base}.team.{index}.who", member.get("who"))
        _add(found, f"{base}.hard_call.tradeoff", (point.get("hard_call") or {}).get("tradeoff"))
        _add(found, f"{base}.rule_stop.text", (point.get("rule_stop") or {}).get("text"))
        for condition, variant in (point.get("if_set") or {}).items():
            _add(found, f"{base}.if_set.{condition}.narrative", variant.get("narrative"))
            _add_list(found, f"{base}.if_set.{condition}.cues", variant.get("cues"))
        happened = point.get("what_happened") or {}
        _add(found, f"{base}.what_happened.text", happened.get("text"))
        _add(found, f"{base}.what_happened.scene_note", happened.get("scene_note"))
        for option in point.get("options") or []:
            for field in OPTION_FIELDS:
                _add(found, f"{base}.options.{option['style']}.{field}", option.get(field))
    if guide:
        _add(found, "guide.audience", guide.get("audience"))
        for plan in guide.get("plans") or []:
            _add(found, f"guide.plans.{plan['minutes']}.outline", plan.get("outline"))
        for echo in guide.get("echoes") or []:
            _add(found, f"guide.echoes.{echo['scenario']}/{echo['point']}.note", echo.get("note"))
    return found
