"""Check scenario files and turn them into plain specs, without touching the database.

``validate_files`` returns every problem found as ``file:line: message`` together with
the specs of the files that are sound, so one run tells an author everything at once.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scenarios import guessability, guides, reading, sources, yaml_lines
from scenarios.leadership import POINTS, Readiness, Style, best_style, level
from scenarios.models import PHASE_STYLE, ConditionWarning, Phase, Provenance, RuleStop, Seat
from scenarios.specs import OptionSpec, PointSpec, ScenarioSpec
from scenarios.yaml_lines import LineDict, LineList

CONTENT_DIR = Path(__file__).resolve().parent / "content"
END = "end"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Word counts of the prose the new fields carry: (least, most).
TRADEOFF_WORDS = (40, 100)
RULE_STOP_WORDS = (40, 100)
ENDING_WORDS = (40, 120)


@dataclass
class Report:
    specs: list[ScenarioSpec] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # the file of each spec
    errors: list[str] = field(default_factory=list)
    # What surface strategies earn: per file label, and for the set as it would stand loaded.
    guessing: dict[str, guessability.Report] = field(default_factory=dict)
    guessing_set: guessability.Report | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def coverage(self) -> dict[str, Any]:
        points = [point for spec in self.specs for point in spec.points]
        return {
            "scenarios": len(self.specs),
            "published": sum(spec.published for spec in self.specs),
            "decision_points": len(points),
            "best_style": _count(Style.values, (p.best_option.style for p in points)),
            "readiness": _count(Readiness.values, (p.readiness for p in points)),
            "provenance": _count(Provenance.values, (p.provenance for p in points)),
            "phases": _count(Phase.values, (spec.phase for spec in self.specs)),
            "branching_scenarios": sorted(spec.slug for spec in self.specs if _branches(spec)),
            **self.depth(),
            "errors": self.errors,
        }

    def depth(self) -> dict[str, Any]:
        """What the fields of deeper scenarios add up to, for the set's content targets."""
        points = [(spec.slug, point) for spec in self.specs for point in spec.points]
        lessons = {spec.slug: _lessons(spec) for spec in self.specs}
        heads = sum("head of mission" in point.role.casefold() for _, point in points)
        return {
            "mixed_teams": [f"{slug}/{p.key}" for slug, p in points if p.team],
            "hard_calls": [f"{slug}/{p.key}" for slug, p in points if p.hard_call],
            "rule_stops": [f"{slug}/{p.key}" for slug, p in points if p.rule_stop],
            "pattern_breaks": [f"{slug}/{p.key}" for slug, p in points if p.breaks_pattern],
            "multi_ending_scenarios": sorted(
                spec.slug for spec in self.specs if len(spec.endings) >= 2
            ),
            "warning_scenarios": {
                warning: sorted(slug for slug, (taught, _) in lessons.items() if warning in taught)
                for warning in ConditionWarning.values
            },
            "carrying_scenarios": sorted(slug for slug, (_, carries) in lessons.items() if carries),
            "head_of_mission_share": round(heads / len(points), 3) if points else 0.0,
        }


def _count(keys: list[str], values: Any) -> dict[str, int]:
    counts = Counter(values)
    return {key: counts.get(key, 0) for key in keys}


def _lessons(spec: ScenarioSpec) -> tuple[set[str], bool]:
    """The warnings a scenario teaches, and whether it carries a condition forward.

    A warning is taught when a condition with it is set by a choice and read later: by an
    ending, by a later point's ``if_set``, or by a route of the setting point or a later one.
    A scenario carries a condition when one set at a point is read beyond the next point
    (two or more steps on) or by an ending.
    """
    graph = successors(spec.points)
    later = descendants(graph)
    setters: dict[str, set[str]] = {}
    for point in spec.points:
        for option in point.options:
            for name in option.sets:
                setters.setdefault(name, set()).add(point.key)
    reads: list[tuple[str, str | None, bool]] = []  # name, point (None: an ending), by a route
    for point in spec.points:
        reads.extend((name, point.key, False) for name in point.if_set)
        for route in point.routes:
            reads.extend((name, point.key, True) for name in route["if"] + route["unless"])
    for ending in spec.endings:
        reads.extend((name, None, False) for name in ending["if"] + ending["unless"])
    taught: set[str] = set()
    carries = False
    for name, key, by_route in reads:
        for setter in setters.get(name, ()):
            beyond = set().union(*(later[step] for step in graph[setter]))
            warning = spec.conditions.get(name, {}).get("warning")
            if warning and (key is None or key in later[setter] or (by_route and key == setter)):
                taught.add(warning)
            if key is None or key in beyond:
                carries = True
    return taught, carries


def _branches(spec: ScenarioSpec) -> bool:
    return any(len({option.next for option in point.options}) > 1 for point in spec.points)


# What each mapping may hold: field -> (required, kind).
SCENARIO_FIELDS = {
    "slug": (True, "slug"),
    "title": (True, "text"),
    "summary": (True, "text"),
    "trains": (True, "text"),
    "phase": (True, "phase"),
    "minutes": (True, "minutes"),
    "published": (False, "bool"),
    "seat": (False, "seat"),
    "debrief_prompt": (True, "text"),
    "conditions": (False, "mapping"),
    "endings": (False, "list"),
    "decision_points": (True, "list"),
}
# A named condition a choice can set, and an ending the debrief can show.
CONDITION_FIELDS = {
    "text": (True, "text"),
    "warning": (False, "warning"),
}
ENDING_FIELDS = {
    "key": (True, "slug"),
    "if": (False, "names"),
    "unless": (False, "names"),
    "title": (True, "text"),
    "text": (True, "text"),
}
POINT_FIELDS = {
    "key": (True, "slug"),
    "moment": (True, "text"),
    "role": (True, "text"),
    "narrative": (True, "text"),
    "followers": (True, "text"),
    "cues": (True, "text_list"),
    "readiness": (True, "readiness"),
    "readiness_rationale": (True, "text"),
    "time_budget": (False, "seconds"),
    "discussion_prompt": (False, "text"),
    "next": (False, "next"),
    "phase": (False, "phase"),
    "breaks_pattern": (False, "text"),
    "team": (False, "list"),
    "hard_call": (False, "mapping"),
    "rule_stop": (False, "mapping"),
    "if_set": (False, "mapping"),
    "routes": (False, "list"),
    "delay_cost": (False, "text"),
    "what_happened": (True, "mapping"),
    "options": (True, "list"),
}
TEAM_FIELDS = {"who": (True, "text"), "readiness": (True, "readiness")}
HARD_CALL_FIELDS = {"also": (True, "style"), "tradeoff": (True, "text")}
RULE_STOP_FIELDS = {"kind": (True, "rule_stop"), "style": (True, "style"), "text": (True, "text")}
IF_SET_FIELDS = {"narrative": (True, "text"), "cues": (False, "text_list")}
ROUTE_FIELDS = {"if": (False, "names"), "unless": (False, "names"), "next": (True, "next")}
# Words that say a scene's details are made up; they belong in 'scene_note' unless the
# whole of what happened is labelled training fiction.
_INVENTED = re.compile(r"\b(invented|fictional|made up)\b", re.IGNORECASE)
HAPPENED_FIELDS = {
    "text": (True, "text"),
    # What in the scene around a documented event is invented: shown apart from the text,
    # so the provenance label speaks for the text alone.
    "scene_note": (False, "text"),
    "provenance": (True, "provenance"),
    "sources": (True, "text_list"),
}
OPTION_FIELDS = {
    "style": (True, "style"),
    "text": (True, "text"),
    "feedback": (True, "text"),
    "points": (True, "points"),
    "next": (False, "next"),
    "sets": (False, "names"),
}


class _FileChecker:
    """Checks one parsed file, collecting problems with their lines."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.errors: list[str] = []
        # Where conditions are declared, set and read, for the checks across the file:
        # (name, point key or None for the endings, line, what reads or sets it).
        self.declared: dict[str, int] = {}
        self.sets: list[tuple[str, str, int, str]] = []
        self.reads: list[tuple[str, str | None, int, str]] = []
        self.route_lines: dict[str, list[int]] = {}
        self.ending_lines: list[int] = []

    def problem(self, line: int, message: str) -> None:
        self.errors.append(f"{self.label}:{line}: {message}")

    def fields(self, mapping: Any, schema: dict, where: str, line: int) -> dict[str, Any] | None:
        """Check a mapping against a schema; return its cleaned values (None if not a mapping)."""
        if not isinstance(mapping, LineDict):
            self.problem(line, f"{where} must be a mapping of fields")
            return None
        for name in mapping:
            if name not in schema:
                known = ", ".join(schema)
                self.problem(mapping.line_of(name), f"unknown field '{name}' in {where} ({known})")
        values: dict[str, Any] = {}
        for name, (required, kind) in schema.items():
            if name not in mapping or mapping[name] is None:
                if required:
                    self.problem(mapping.line, f"{where} is missing '{name}'")
                continue
            value = self.value(mapping[name], kind, name, mapping.line_of(name))
            if value is not None:
                values[name] = value
        return values

    def value(self, raw: Any, kind: str, name: str, line: int) -> Any:
        """One field's value, cleaned; None (and a problem) when it is wrong."""
        if kind in {
            "text",
            "slug",
            "phase",
            "seat",
            "readiness",
            "style",
            "provenance",
            "next",
            "warning",
            "rule_stop",
        }:
            if isinstance(raw, bool) or not isinstance(raw, str | int | float):
                self.problem(line, f"'{name}' must be text")
                return None
            text = str(raw).strip()
            if not text:
                self.problem(line, f"'{name}' is empty")
                return None
            choices = {
                "phase": Phase.values,
                "seat": Seat.values,
                "readiness": Readiness.values,
                "style": Style.values,
                "provenance": Provenance.values,
                "warning": ConditionWarning.values,
                "rule_stop": RuleStop.values,
            }.get(kind)
            if choices is not None and text not in choices:
                self.problem(line, f"unknown {kind} '{text}' (one of {', '.join(choices)})")
                return None
            if kind in {"slug", "next"} and not SLUG_RE.match(text):
                self.problem(line, f"'{name}' must be lower-case letters, digits and hyphens")
                return None
            return text
        if kind in {"minutes", "seconds", "points"}:
            if isinstance(raw, bool) or not isinstance(raw, int):
                self.problem(line, f"'{name}' must be a whole number")
                return None
            if kind == "points" and raw not in (2, 1, -1, -2):
                self.problem(line, f"'points' must be 2, 1, -1 or -2; got {raw}")
                return None
            if kind == "minutes" and not 1 <= raw <= 240:
                self.problem(line, f"'minutes' must be between 1 and 240; got {raw}")
                return None
            if kind == "seconds" and not 10 <= raw <= 3600:
                self.problem(line, f"'time_budget' must be between 10 and 3600 seconds; got {raw}")
                return None
            return raw
        if kind == "bool":
            if not isinstance(raw, bool):
                self.problem(line, f"'{name}' must be true or false")
                return None
            return raw
        if kind == "text_list":
            if not isinstance(raw, LineList) or not raw:
                self.problem(line, f"'{name}' must be a list with at least one entry")
                return None
            items = []
            for index, item in enumerate(raw):
                if isinstance(item, bool) or not isinstance(item, str | int | float):
                    self.problem(raw.line_of(index), f"each entry of '{name}' must be text")
                elif not str(item).strip():
                    self.problem(raw.line_of(index), f"an entry of '{name}' is empty")
                else:
                    items.append(str(item).strip())
            return items
        if kind == "names":
            if not isinstance(raw, LineList) or not raw:
                self.problem(line, f"'{name}' must be a list of condition names")
                return None
            names = []
            for index, item in enumerate(raw):
                if not isinstance(item, str) or not SLUG_RE.match(item):
                    self.problem(
                        raw.line_of(index),
                        f"each entry of '{name}' must be a condition name: lower-case letters, "
                        "digits and hyphens",
                    )
                else:
                    names.append(item)
            return names
        if kind in {"list", "mapping"}:
            return raw  # checked by the caller, which knows their shape
        raise AssertionError(kind)

    def entries(
        self, raw: Any, schema: dict, what: str, line: int
    ) -> list[tuple[dict[str, Any], LineDict]]:
        """A list of mappings, each checked against a schema; only the complete ones."""
        if not isinstance(raw, LineList) or not raw:
            self.problem(line, f"{what} must be a non-empty list")
            return []
        required = {name for name, (needed, _) in schema.items() if needed}
        found = []
        for index, item in enumerate(raw):
            values = self.fields(item, schema, f"entry {index + 1} of {what}", raw.line_of(index))
            if values is not None and required <= values.keys():
                found.append((values, item))
        return found

    def named(
        self, raw: Any, schema: dict, what: str, line: int
    ) -> list[tuple[str, dict[str, Any], int]]:
        """A mapping of condition names to mappings, each checked against a schema."""
        if not isinstance(raw, LineDict) or not raw:
            self.problem(line, f"{what} must be a mapping of condition names")
            return []
        required = {name for name, (needed, _) in schema.items() if needed}
        found = []
        for name, item in raw.items():
            name_line = raw.line_of(name)
            if not isinstance(name, str) or not SLUG_RE.match(name):
                self.problem(
                    name_line,
                    f"condition name '{name}' in {what} must be lower-case letters, digits "
                    "and hyphens",
                )
                continue
            values = self.fields(item, schema, f"'{name}' in {what}", name_line)
            if values is not None and required <= values.keys():
                found.append((name, values, name_line))
        return found

    def conditions(self, data: LineDict) -> dict[str, dict[str, str]]:
        conditions = {}
        for name, values, line in self.named(
            data["conditions"], CONDITION_FIELDS, "'conditions'", data.line_of("conditions")
        ):
            conditions[name] = {"text": values["text"], "warning": values.get("warning", "")}
            self.declared[name] = line
        return conditions

    def endings(self, data: LineDict) -> list[dict[str, Any]]:
        endings = []
        for values, item in self.entries(
            data["endings"], ENDING_FIELDS, "'endings'", data.line_of("endings")
        ):
            ending = {
                "key": values["key"],
                "title": values["title"],
                "text": values["text"],
                "if": values.get("if", []),
                "unless": values.get("unless", []),
            }
            for field_name in ("if", "unless"):
                for condition in ending[field_name]:
                    self.reads.append(
                        (condition, None, item.line_of(field_name), f"ending '{ending['key']}'")
                    )
            endings.append(ending)
            self.ending_lines.append(item.line)
        return endings

    def scenario(self, data: Any) -> ScenarioSpec | None:
        top = self.fields(data, SCENARIO_FIELDS, "the scenario", 1)
        if top is None:
            return None
        self.scenario_phase = top.get("phase", "")
        conditions = self.conditions(data) if "conditions" in top else {}
        endings = self.endings(data) if "endings" in top else []
        raw_points = data.get("decision_points")
        points: list[PointSpec] = []
        point_lines: dict[str, int] = {}
        raw_nexts: list[tuple[PointSpec, list[tuple[str | None, int]], str | None, int]] = []
        if "decision_points" in top:
            if not isinstance(raw_points, LineList) or not raw_points:
                self.problem(
                    data.line_of("decision_points"), "'decision_points' must be a non-empty list"
                )
            else:
                for index, raw in enumerate(raw_points):
                    parsed = self.point(raw, raw_points.line_of(index), index + 1)
                    if parsed is None:
                        continue
                    point, option_nexts, point_next, next_line = parsed
                    line = raw_points.line_of(index)
                    if point.key in point_lines:
                        self.problem(
                            line,
                            f"duplicate key '{point.key}' "
                            f"(first used on line {point_lines[point.key]})",
                        )
                        continue
                    point_lines[point.key] = line
                    points.append(point)
                    raw_nexts.append((point, option_nexts, point_next, next_line))
        if self.errors:
            return None
        self.resolve_next(raw_nexts, point_lines)
        if self.errors:
            return None
        self.check_paths(points, point_lines)
        if self.errors:
            return None
        self.check_conditions(points)
        self.check_endings(endings)
        if self.errors:
            return None
        return ScenarioSpec(
            slug=top["slug"],
            title=top["title"],
            summary=top["summary"],
            trains=top["trains"],
            phase=top["phase"],
            minutes=top["minutes"],
            published=top.get("published", True),
            seat=top.get("seat", Seat.LEADER),
            debrief_prompt=top["debrief_prompt"],
            points=points,
            conditions=conditions,
            endings=endings,
        )

    def point(self, raw: Any, line: int, number: int):
        where = f"decision point {number}"
        if isinstance(raw, LineDict) and isinstance(raw.get("key"), str):
            where = f"decision point '{raw['key']}'"
        values = self.fields(raw, POINT_FIELDS, where, line)
        if values is None:
            return None
        happened = None
        if "what_happened" in values:
            happened = self.fields(
                raw["what_happened"],
                HAPPENED_FIELDS,
                f"'what_happened' of {where}",
                raw.line_of("what_happened"),
            )
        extras = self.point_extras(raw, values, where)
        options: list[OptionSpec] = []
        option_nexts: list[tuple[str | None, int]] = []
        raw_options = raw.get("options")
        if "options" in values:
            if not isinstance(raw_options, LineList):
                self.problem(raw.line_of("options"), f"'options' of {where} must be a list")
            else:
                if len(raw_options) != 4:
                    self.problem(
                        raw.line_of("options"),
                        f"{where} has {len(raw_options)} options; it needs exactly 4, "
                        "one for each style S1-S4",
                    )
                seen: dict[str, int] = {}
                for index, raw_option in enumerate(raw_options):
                    option_line = raw_options.line_of(index)
                    option = self.fields(
                        raw_option, OPTION_FIELDS, f"option {index + 1} of {where}", option_line
                    )
                    if (
                        option is None
                        or not {"style", "text", "feedback", "points"} <= option.keys()
                    ):
                        continue
                    style = option["style"]
                    if style in seen:
                        self.problem(
                            option_line,
                            f"{where} has two options with style {style} "
                            f"(the other is on line {seen[style]})",
                        )
                        continue
                    seen[style] = option_line
                    options.append(
                        OptionSpec(
                            style=style,
                            text=option["text"],
                            feedback=option["feedback"],
                            points=option["points"],
                            next=None,
                            sets=option.get("sets", []),
                        )
                    )
                    if isinstance(raw.get("key"), str):
                        for condition in option.get("sets", []):
                            self.sets.append(
                                (condition, raw["key"], raw_option.line_of("sets"), style)
                            )
                    option_nexts.append((option.get("next"), raw_option.line_of("next")))
                if len(options) == 4:
                    self.check_scoring(
                        options,
                        values.get("readiness"),
                        where,
                        raw.line_of("options"),
                        extras.get("rule_stop", {}).get("style"),
                    )
        required = {name for name, (needed, _) in POINT_FIELDS.items() if needed}
        if self.errors or not required <= values.keys() or happened is None:
            return None
        if not {"text", "provenance", "sources"} <= happened.keys():
            return None
        if happened["provenance"] != Provenance.FICTION and _INVENTED.search(happened["text"]):
            self.problem(
                raw["what_happened"].line_of("text"),
                f"'what_happened' of {where} is labelled {happened['provenance']} but its text "
                "says something is invented: move that sentence to 'scene_note', so the label "
                "speaks for the text alone",
            )
        if happened["provenance"] != Provenance.FICTION and not happened.get("scene_note"):
            self.problem(
                raw["what_happened"].line,
                f"'what_happened' of {where} is labelled {happened['provenance']} but has no "
                "'scene_note': say what in the scene around it is invented",
            )
            return None
        point = PointSpec(
            key=values["key"],
            moment=values["moment"],
            role=values["role"],
            narrative=values["narrative"],
            followers=values["followers"],
            cues=values["cues"],
            readiness=values["readiness"],
            readiness_rationale=values["readiness_rationale"],
            time_budget=values.get("time_budget", 0),
            happened=happened["text"],
            scene_note=happened.get("scene_note", ""),
            provenance=happened["provenance"],
            sources=happened["sources"],
            discussion_prompt=values.get("discussion_prompt", ""),
            options=options,
            **extras,
        )
        if "time_budget" not in values:
            point.time_budget = reading.default_budget(point)
        self.check_point(point, raw, where)
        return point, option_nexts, values.get("next"), raw.line_of("next")

    def point_extras(self, raw: LineDict, values: dict[str, Any], where: str) -> dict[str, Any]:
        """The optional fields of issue #17, in the shapes the spec stores them."""
        key = values.get("key", "")
        extras: dict[str, Any] = {
            name: values[name]
            for name in ("phase", "breaks_pattern", "delay_cost")
            if name in values
        }
        if "team" in values:
            extras["team"] = [
                {"who": member["who"], "readiness": member["readiness"]}
                for member, _ in self.entries(
                    raw["team"], TEAM_FIELDS, f"'team' of {where}", raw.line_of("team")
                )
            ]
        for name, schema in (("hard_call", HARD_CALL_FIELDS), ("rule_stop", RULE_STOP_FIELDS)):
            if name in values:
                found = self.fields(raw[name], schema, f"'{name}' of {where}", raw.line_of(name))
                if found is not None and {n for n, (needed, _) in schema.items() if needed} <= (
                    found.keys()
                ):
                    extras[name] = found
        if "if_set" in values:
            extras["if_set"] = {}
            for name, found, line in self.named(
                raw["if_set"], IF_SET_FIELDS, f"'if_set' of {where}", raw.line_of("if_set")
            ):
                extras["if_set"][name] = {
                    "narrative": found["narrative"],
                    "cues": found.get("cues", []),
                }
                self.reads.append((name, key, line, "if_set"))
        if "routes" in values:
            extras["routes"] = []
            lines = self.route_lines.setdefault(key, [])
            for found, item in self.entries(
                raw["routes"], ROUTE_FIELDS, f"'routes' of {where}", raw.line_of("routes")
            ):
                if "if" not in found and "unless" not in found:
                    self.problem(
                        item.line,
                        f"a route of {where} has neither 'if' nor 'unless'; "
                        "use the point's 'next' for where every answer goes",
                    )
                    continue
                route = {
                    "if": found.get("if", []),
                    "unless": found.get("unless", []),
                    "next": found["next"],  # a key or "end"; resolved with the others
                }
                for field_name in ("if", "unless"):
                    for condition in route[field_name]:
                        self.reads.append((condition, key, item.line_of(field_name), "routes"))
                extras["routes"].append(route)
                lines.append(item.line_of("next"))
        return extras

    def words(self, text: str, limits: tuple[int, int], what: str, line: int) -> None:
        count = reading.words(text)
        least, most = limits
        if not least <= count <= most:
            self.problem(line, f"{what} has {count} words; write {least}-{most}")

    def check_point(self, point: PointSpec, raw: LineDict, where: str) -> None:
        """The rules of a point's own new fields, and its reading load."""
        load = reading.reading_load(point)
        if "time_budget" in raw and point.time_budget < load:
            self.problem(
                raw.line_of("time_budget"),
                f"{where} has time_budget {point.time_budget} s, below its reading load of "
                f"{load} s (the words of its four options at two a second, plus 20 s to "
                f"decide): raise it to at least {load}",
            )
        by_points = {option.points: option for option in point.options}
        best, second = by_points[2], by_points[1]
        if point.phase == Phase.WHOLE_ARC:
            self.problem(
                raw.line_of("phase"),
                f"the phase of {where} must be one moment of the arc, not 'whole-arc'",
            )
        if point.team:
            self.check_team(point, best, raw, where)
        if point.hard_call:
            lines = raw["hard_call"]
            if point.hard_call["also"] != second.style:
                self.problem(
                    lines.line_of("also"),
                    f"the hard_call of {where} names {point.hard_call['also']} as also "
                    f"defensible, but its +1 option is {second.style}: they must be the same",
                )
            self.words(
                point.hard_call["tradeoff"],
                TRADEOFF_WORDS,
                f"the hard_call tradeoff of {where}",
                lines.line_of("tradeoff"),
            )
        if point.rule_stop:
            self.words(
                point.rule_stop["text"],
                RULE_STOP_WORDS,
                f"the rule_stop text of {where}",
                raw["rule_stop"].line_of("text"),
            )
        if point.breaks_pattern:
            phase = point.phase or self.scenario_phase
            if phase == Phase.WHOLE_ARC:
                self.problem(
                    raw.line_of("breaks_pattern"),
                    f"{where} breaks the pattern in a whole-arc scenario but has no 'phase': "
                    "say which phase's pattern it breaks",
                )
            elif phase in PHASE_STYLE and best.style == PHASE_STYLE[phase]:
                self.problem(
                    raw.line_of("breaks_pattern"),
                    f"{where} says it breaks the pattern, but its best fit {best.style} is the "
                    f"style the {phase} phase usually calls for",
                )

    def check_team(self, point: PointSpec, best: OptionSpec, raw: LineDict, where: str) -> None:
        """A mixed-readiness team: two or more members at two or more levels, the task's
        readiness among them, and the best fit's feedback naming who needed what."""
        line = raw.line_of("team")
        levels = {member["readiness"] for member in point.team}
        labels = [member["who"] for member in point.team]
        if len(point.team) < 2 or len(levels) < 2:
            self.problem(
                line,
                f"the team of {where} needs at least two members at two different readiness "
                "levels; otherwise leave 'team' out and use 'readiness'",
            )
            return
        if len(set(labels)) != len(labels):
            self.problem(line, f"the team of {where} names the same member twice")
        if point.readiness not in levels:
            self.problem(
                line,
                f"the readiness of {where} is {point.readiness}, but no member of its team is "
                f"{point.readiness}: it must be the level of the members the task turns on",
            )
        feedback = best.feedback.casefold()
        for label in labels:
            if label.casefold() not in feedback:
                self.problem(
                    line,
                    f"the feedback of the +2 option of {where} does not name team member "
                    f"'{label}': it must say who needed what",
                )

    def check_conditions(self, points: list[PointSpec]) -> None:
        """Every condition declared, set by some option, and read where it can have been set."""
        where_set: dict[str, set[str]] = {}
        for name, key, line, style in self.sets:
            if name not in self.declared:
                self.problem(
                    line,
                    f"option {style} of decision point '{key}' sets '{name}', which "
                    "'conditions' does not declare",
                )
            where_set.setdefault(name, set()).add(key)
        read = {name for name, *_ in self.reads}
        for name, line in self.declared.items():
            if name not in where_set:
                self.problem(line, f"condition '{name}' is declared but no option sets it")
            elif name not in read:
                setters = ", ".join(f"'{key}'" for key in sorted(where_set[name]))
                self.problem(
                    line,
                    f"condition '{name}' is set (at decision point {setters}) but never read "
                    "by an 'if_set', a route or an ending",
                )
        later = descendants(successors(points))
        for name, key, line, what in self.reads:
            reader = f"the {what}" if key is None else f"'{what}' of decision point '{key}'"
            if name not in self.declared:
                self.problem(
                    line,
                    f"{reader} reads condition '{name}', which 'conditions' does not declare",
                )
                continue
            if key is None or name not in where_set:
                continue
            # A route is checked after the answer, so the point's own choice counts.
            before = {
                p for p in where_set[name] if key in later[p] or (what == "routes" and p == key)
            }
            if not before:
                self.problem(
                    line,
                    f"{reader} reads condition '{name}', but no point before it on any path "
                    "sets it",
                )

    def check_endings(self, endings: list[dict[str, Any]]) -> None:
        seen: dict[str, int] = {}
        for index, (ending, line) in enumerate(zip(endings, self.ending_lines, strict=True)):
            key = ending["key"]
            if key in seen:
                self.problem(line, f"duplicate ending key '{key}' (first used on line {seen[key]})")
            seen.setdefault(key, line)
            self.words(ending["text"], ENDING_WORDS, f"the text of ending '{key}'", line)
            conditional = bool(ending["if"] or ending["unless"])
            if index == len(endings) - 1 and conditional:
                self.problem(
                    line,
                    f"the last ending '{key}' has 'if' or 'unless'; the last ending is the "
                    "fallback and holds no conditions",
                )
            elif index < len(endings) - 1 and not conditional:
                self.problem(
                    line,
                    f"ending '{key}' has no 'if' or 'unless', so the endings after it can never "
                    "show: only the last ending is unconditional",
                )

    def check_scoring(
        self,
        options: list[OptionSpec],
        readiness: str | None,
        where: str,
        line: int,
        rule_stop_style: str | None = None,
    ) -> None:
        """LEAD's rule: +2, +1, -1 and -2 once each; +2 on the match, +1 on a neighbour of it.

        At a rule stop the override's style takes the match's place: the +2 goes to it.
        """
        given = sorted((option.points for option in options), reverse=True)
        if given != list(POINTS):
            self.problem(
                line,
                f"{where} scores its options {', '.join(f'{p:+d}' for p in given)}; "
                "they must be +2, +1, -1 and -2, once each",
            )
            return
        by_points = {option.points: option.style for option in options}
        if rule_stop_style and by_points[2] != rule_stop_style:
            self.problem(
                line,
                f"{where} gives +2 to {by_points[2]}, but its rule_stop calls for "
                f"{rule_stop_style}: the +2 option must use the style the override calls for",
            )
        elif not rule_stop_style and readiness and by_points[2] != best_style(readiness):
            self.problem(
                line,
                f"{where} gives +2 to {by_points[2]}, but its readiness {readiness} is matched "
                f"by {best_style(readiness)}",
            )
        elif abs(level(by_points[1]) - level(by_points[2])) != 1:
            self.problem(
                line,
                f"{where} gives +1 to {by_points[1]}; it must go to a style next to the best fit "
                f"{by_points[2]} (the one the situation is moving towards)",
            )

    def resolve_next(self, raw_nexts, point_lines: dict[str, int]) -> None:
        """Fill in each option's next point: its own, its point's, or the following point."""
        for index, (point, option_nexts, point_next, point_next_line) in enumerate(raw_nexts):
            following = raw_nexts[index + 1][0].key if index + 1 < len(raw_nexts) else None
            default = following
            if point_next is not None:
                if point_next != END and point_next not in point_lines:
                    self.problem(point_next_line, f"'next' names a missing point '{point_next}'")
                    continue
                default = None if point_next == END else point_next
            for route, line in zip(point.routes, self.route_lines.get(point.key, []), strict=True):
                target = route["next"]
                if target == END:
                    route["next"] = None
                elif target not in point_lines:
                    self.problem(line, f"a route's 'next' names a missing point '{target}'")
            for option, (target, line) in zip(point.options, option_nexts, strict=True):
                if target is None:
                    option.next = default
                elif target == END:
                    option.next = None
                elif target not in point_lines:
                    self.problem(line, f"'next' names a missing point '{target}'")
                else:
                    option.next = target

    def check_paths(self, points: list[PointSpec], point_lines: dict[str, int]) -> None:
        """Every point reachable from the first; every path ends (no loops)."""
        graph = successors(points)
        reached: set[str] = set()
        stack = [points[0].key]
        while stack:
            key = stack.pop()
            if key not in reached:
                reached.add(key)
                stack.extend(graph[key])
        for point in points:
            if point.key not in reached:
                self.problem(
                    point_lines[point.key],
                    f"decision point '{point.key}' cannot be reached from the first point",
                )
        # A loop means some path never reaches an ending.
        state: dict[str, int] = {}  # 1 = on the current path, 2 = done

        def visit(key: str) -> str | None:
            state[key] = 1
            for target in graph[key]:
                if state.get(target) == 1:
                    return target
                if target not in state and (looped := visit(target)):
                    return looped
            state[key] = 2
            return None

        looped = visit(points[0].key)
        if looped:
            self.problem(
                point_lines[looped],
                f"a path loops back to '{looped}' and never reaches an ending",
            )


def successors(points: list[PointSpec]) -> dict[str, list[str]]:
    """Where play can go from each point: its options' next points and its routes'."""
    graph: dict[str, list[str]] = {}
    for point in points:
        targets = [option.next for option in point.options] + [r["next"] for r in point.routes]
        graph[point.key] = list(dict.fromkeys(target for target in targets if target))
    return graph


def descendants(graph: dict[str, list[str]]) -> dict[str, set[str]]:
    """Every point reachable from each point in one or more steps (the graph has no loops)."""
    found: dict[str, set[str]] = {}

    def visit(key: str) -> set[str]:
        if key not in found:
            found[key] = set()
            for target in graph[key]:
                found[key] |= {target} | visit(target)
        return found[key]

    for key in graph:
        visit(key)
    return found


def validate_text(text: str, label: str) -> tuple[ScenarioSpec | None, list[str]]:
    checker = _FileChecker(label)
    try:
        data, duplicates = yaml_lines.load(text)
    except yaml_lines.YamlProblem as exc:
        return None, [f"{label}:{exc.line}: {exc.message}"]
    for line, message in duplicates:
        checker.problem(line, message)
    if data is None:
        return None, [f"{label}:1: the file is empty"]
    spec = checker.scenario(data)
    return (spec if not checker.errors else None), checker.errors


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def bundled_files() -> list[Path]:
    return sorted(CONTENT_DIR.glob("*.yaml"))


SET_LABEL = "the whole set"


def validate_files(paths: list[Path] | None = None) -> Report:
    """Validate files (default: every bundled one), including uniqueness of slugs across them,
    and what a reader who ignores the model would score (``scenarios.guessability``): each
    file for the habits of its writing, and the set as it would stand once these files are
    loaded beside the bundled ones for everything else."""
    report = _check_files(list(paths) if paths is not None else bundled_files())
    for spec, label in zip(report.specs, report.labels, strict=True):
        guess = guessability.report(spec.points, whole_set=False)
        report.guessing[label] = guess
        report.errors.extend(f"{label}:1: guessability: {problem}" for problem in guess.problems)
    # The set is what trainees play: the bundled files, with any given ones in place of
    # theirs. Files from elsewhere (a draft, a test's own scenario) are a set of their own
    # when they come alone, and are judged file by file when they come with bundled ones.
    given = list(paths) if paths is not None else bundled_files()
    path_of = {display_path(path): path for path in given}
    bundled = [
        spec
        for spec, label in zip(report.specs, report.labels, strict=True)
        if _bundled(path_of[label])
    ]
    if bundled:
        slugs = {spec.slug for spec in bundled}
        others = [path for path in bundled_files() if path.resolve() not in _resolved(given)]
        in_set = bundled + [s for s in _check_files(others).specs if s.slug not in slugs]
    else:
        in_set = report.specs
    if bundled:  # every bundled scenario has a facilitator guide (scenarios/guides.py)
        report.errors.extend(guides.problems(in_set, required=[spec.slug for spec in in_set]))
    points = [point for spec in in_set for point in spec.points]
    report.guessing_set = guessability.report(points)
    report.errors.extend(
        f"{SET_LABEL}: guessability: {problem}" for problem in report.guessing_set.problems
    )
    # The sources every scenario cites from: a broken entry would break its pages.
    text = sources.SOURCES_FILE.read_text(encoding="utf-8")
    report.errors.extend(sources.read(text, display_path(sources.SOURCES_FILE))[1])
    return report


def _bundled(path: Path) -> bool:
    return path.resolve().parent == CONTENT_DIR.resolve()


def _resolved(paths: list[Path]) -> set[Path]:
    return {path.resolve() for path in paths}


def _check_files(paths: list[Path]) -> Report:
    report = Report()
    slugs: dict[str, str] = {}
    for path in paths:
        label = display_path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            report.errors.append(f"{label}:1: cannot read the file: {exc}")
            continue
        spec, errors = validate_text(text, label)
        report.errors.extend(errors)
        if spec is None:
            continue
        if spec.slug in slugs:
            report.errors.append(
                f"{label}:1: slug '{spec.slug}' is also used by {slugs[spec.slug]}"
            )
            continue
        slugs[spec.slug] = label
        report.specs.append(spec)
        report.labels.append(label)
    return report
