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

from scenarios import guessability, guides, sources, yaml_lines
from scenarios.leadership import POINTS, Readiness, Style, best_style, level
from scenarios.models import Phase, Provenance
from scenarios.specs import OptionSpec, PointSpec, ScenarioSpec
from scenarios.yaml_lines import LineDict, LineList

CONTENT_DIR = Path(__file__).resolve().parent / "content"
END = "end"
DEFAULT_TIME_BUDGET = 90
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


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
            "errors": self.errors,
        }


def _count(keys: list[str], values: Any) -> dict[str, int]:
    counts = Counter(values)
    return {key: counts.get(key, 0) for key in keys}


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
    "debrief_prompt": (True, "text"),
    "decision_points": (True, "list"),
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
    "what_happened": (True, "mapping"),
    "options": (True, "list"),
}
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
}


class _FileChecker:
    """Checks one parsed file, collecting problems with their lines."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.errors: list[str] = []

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
        if kind in {"text", "slug", "phase", "readiness", "style", "provenance", "next"}:
            if isinstance(raw, bool) or not isinstance(raw, str | int | float):
                self.problem(line, f"'{name}' must be text")
                return None
            text = str(raw).strip()
            if not text:
                self.problem(line, f"'{name}' is empty")
                return None
            choices = {
                "phase": Phase.values,
                "readiness": Readiness.values,
                "style": Style.values,
                "provenance": Provenance.values,
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
        if kind in {"list", "mapping"}:
            return raw  # checked by the caller, which knows their shape
        raise AssertionError(kind)

    def scenario(self, data: Any) -> ScenarioSpec | None:
        top = self.fields(data, SCENARIO_FIELDS, "the scenario", 1)
        if top is None:
            return None
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
                    point, option_nexts, point_next, line = parsed
                    if point.key in point_lines:
                        self.problem(
                            line,
                            f"duplicate key '{point.key}' "
                            f"(first used on line {point_lines[point.key]})",
                        )
                        continue
                    point_lines[point.key] = line
                    points.append(point)
                    raw_nexts.append((point, option_nexts, point_next, line))
        if self.errors:
            return None
        self.resolve_next(raw_nexts, point_lines)
        if self.errors:
            return None
        self.check_paths(points, point_lines)
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
            debrief_prompt=top["debrief_prompt"],
            points=points,
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
                        )
                    )
                    option_nexts.append((option.get("next"), raw_option.line_of("next")))
                if len(options) == 4:
                    self.check_scoring(
                        options, values.get("readiness"), where, raw.line_of("options")
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
            time_budget=values.get("time_budget", DEFAULT_TIME_BUDGET),
            happened=happened["text"],
            scene_note=happened.get("scene_note", ""),
            provenance=happened["provenance"],
            sources=happened["sources"],
            discussion_prompt=values.get("discussion_prompt", ""),
            options=options,
        )
        return point, option_nexts, values.get("next"), raw.line_of("next")

    def check_scoring(
        self, options: list[OptionSpec], readiness: str | None, where: str, line: int
    ) -> None:
        """LEAD's rule: +2, +1, -1 and -2 once each; +2 on the match, +1 on a neighbour of it."""
        given = sorted((option.points for option in options), reverse=True)
        if given != list(POINTS):
            self.problem(
                line,
                f"{where} scores its options {', '.join(f'{p:+d}' for p in given)}; "
                "they must be +2, +1, -1 and -2, once each",
            )
            return
        by_points = {option.points: option.style for option in options}
        if readiness and by_points[2] != best_style(readiness):
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
        graph = {point.key: [o.next for o in point.options if o.next] for point in points}
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
