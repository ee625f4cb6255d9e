"""Load validated scenario specs into the database, and write the database back out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from scenarios.models import DecisionPoint, Option, Scenario
from scenarios.specs import ScenarioSpec
from scenarios.validation import END, validate_files


class ContentError(Exception):
    """Raised with every problem when content cannot be loaded; nothing was written."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class LoadResult:
    slug: str
    created: bool
    changed: bool
    version: int


def load_files(paths: list[Path] | None = None) -> list[LoadResult]:
    """Validate all files first; load them all in one transaction, or none at all."""
    report = validate_files(paths)
    if not report.ok:
        raise ContentError(report.errors)
    with transaction.atomic():
        return [load_spec(spec) for spec in report.specs]


def load_spec(spec: ScenarioSpec) -> LoadResult:
    """Create or update one scenario in place, matched by slug, key and style.

    Points that left the file are kept but made inactive, so answers that refer to them
    keep their meaning. Unchanged content is left untouched.
    """
    content_hash = spec.content_hash()
    scenario = Scenario.objects.select_for_update().filter(slug=spec.slug).first()
    created = scenario is None
    if scenario is not None and scenario.content_hash == content_hash:
        return LoadResult(spec.slug, False, False, scenario.content_version)
    if scenario is None:
        scenario = Scenario(slug=spec.slug, content_version=1)
    else:
        scenario.content_version += 1
    for name in (
        "title",
        "summary",
        "trains",
        "phase",
        "minutes",
        "published",
        "seat",
        "debrief_prompt",
        "conditions",
        "endings",
    ):
        setattr(scenario, name, getattr(spec, name))
    scenario.content_hash = content_hash
    scenario.save()

    existing = {point.key: point for point in scenario.decision_points.all()}
    points: dict[str, DecisionPoint] = {}
    for order, point_spec in enumerate(spec.points, start=1):
        point = existing.pop(point_spec.key, None) or DecisionPoint(
            scenario=scenario, key=point_spec.key
        )
        point.order = order
        point.active = True
        for name in (
            "moment",
            "role",
            "narrative",
            "followers",
            "cues",
            "readiness",
            "readiness_rationale",
            "time_budget",
            "happened",
            "scene_note",
            "provenance",
            "sources",
            "discussion_prompt",
            "phase",
            "breaks_pattern",
            "team",
            "hard_call",
            "rule_stop",
            "if_set",
            "routes",
            "delay_cost",
        ):
            setattr(point, name, getattr(point_spec, name))
        point.save()
        points[point.key] = point
    for order, retired in enumerate(existing.values(), start=len(spec.points) + 1):
        retired.active = False
        retired.order = order
        retired.save(update_fields=["active", "order"])

    for point_spec in spec.points:
        point = points[point_spec.key]
        options = {option.style: option for option in point.options.all()}
        for order, option_spec in enumerate(point_spec.options, start=1):
            option = options.get(option_spec.style) or Option(
                decision_point=point, style=option_spec.style
            )
            option.order = order
            option.text = option_spec.text
            option.feedback = option_spec.feedback
            option.points = option_spec.points
            option.sets = list(option_spec.sets)
            option.next_point = points[option_spec.next] if option_spec.next else None
            option.save()
    return LoadResult(spec.slug, created, True, scenario.content_version)


class _Folded(str):
    """A string written as a folded block, the way authors write prose."""


def _represent(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if isinstance(value, _Folded) or "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=">")
    return dumper.represent_str(value)


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Folded, _represent)


def _prose(text: str) -> str:
    return _Folded(text) if len(text) > 70 else text


def scenario_document(scenario: Scenario) -> dict[str, Any]:
    """The scenario as the YAML format's data: what an author would have written."""
    points = list(
        scenario.decision_points.filter(active=True)
        .order_by("order")
        .prefetch_related("options__next_point")
    )
    document: dict[str, Any] = {
        "slug": scenario.slug,
        "title": scenario.title,
        "phase": scenario.phase,
        "minutes": scenario.minutes,
        "published": scenario.published,
        **({"seat": scenario.seat} if scenario.seat != "leader" else {}),
        "summary": _prose(scenario.summary),
        "trains": _prose(scenario.trains),
        "debrief_prompt": _prose(scenario.debrief_prompt),
    }
    if scenario.conditions:
        document["conditions"] = {
            name: _without_empty({"text": _prose(c["text"]), "warning": c.get("warning", "")})
            for name, c in scenario.conditions.items()
        }
    if scenario.endings:
        document["endings"] = [
            _without_empty(
                {
                    "key": ending["key"],
                    "if": list(ending.get("if", [])),
                    "unless": list(ending.get("unless", [])),
                    "title": ending["title"],
                    "text": _prose(ending["text"]),
                }
            )
            for ending in scenario.endings
        ]
    document["decision_points"] = []
    for index, point in enumerate(points):
        following = points[index + 1].key if index + 1 < len(points) else END
        options = list(point.options.all())
        targets = [option.next_point.key if option.next_point else END for option in options]
        shared_next = targets[0] if len(set(targets)) == 1 else None
        default_next = shared_next if shared_next and shared_next != following else following
        entry: dict[str, Any] = {
            "key": point.key,
            "moment": point.moment,
            "role": point.role,
            "narrative": _prose(point.narrative),
            "followers": _prose(point.followers),
            "cues": list(point.cues),
            "readiness": point.readiness,
            "readiness_rationale": _prose(point.readiness_rationale),
            "time_budget": point.time_budget,
        }
        if point.discussion_prompt:
            entry["discussion_prompt"] = _prose(point.discussion_prompt)
        entry.update(_point_extras(point))
        if default_next != following:
            entry["next"] = default_next
        happened: dict[str, Any] = {"text": _prose(point.happened)}
        if point.scene_note:
            happened["scene_note"] = _prose(point.scene_note)
        happened.update(provenance=point.provenance, sources=list(point.sources))
        entry["what_happened"] = happened
        entry["options"] = []
        for option, target in zip(options, targets, strict=True):
            option_entry: dict[str, Any] = {
                "style": option.style,
                "text": _prose(option.text),
                "feedback": _prose(option.feedback),
                "points": option.points,
            }
            if option.sets:
                option_entry["sets"] = list(option.sets)
            if target != default_next:
                option_entry["next"] = target
            entry["options"].append(option_entry)
        document["decision_points"].append(entry)
    return document


def _without_empty(mapping: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in mapping.items() if value not in ("", [], {}, None)}


def _point_extras(point: DecisionPoint) -> dict[str, Any]:
    """The optional fields of a point that it uses, as an author writes them."""
    extras: dict[str, Any] = {
        "phase": point.phase,
        "breaks_pattern": _prose(point.breaks_pattern),
        "team": [{"who": m["who"], "readiness": m["readiness"]} for m in point.team],
        "hard_call": _without_empty(
            {
                "also": point.hard_call.get("also", ""),
                "tradeoff": _prose(point.hard_call.get("tradeoff", "")),
            }
        ),
        "rule_stop": _without_empty(
            {
                "kind": point.rule_stop.get("kind", ""),
                "style": point.rule_stop.get("style", ""),
                "text": _prose(point.rule_stop.get("text", "")),
            }
        ),
        "if_set": {
            name: _without_empty(
                {"narrative": _prose(extra["narrative"]), "cues": list(extra.get("cues", []))}
            )
            for name, extra in point.if_set.items()
        },
        "routes": [
            _without_empty(
                {
                    "if": list(route.get("if", [])),
                    "unless": list(route.get("unless", [])),
                    "next": route["next"] or END,
                }
            )
            for route in point.routes
        ],
        "delay_cost": _prose(point.delay_cost),
    }
    return _without_empty(extras)


def dump_scenario(scenario: Scenario) -> str:
    return yaml.dump(
        scenario_document(scenario),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=92,
    )
