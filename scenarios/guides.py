"""Facilitator guides: one YAML file per scenario in ``scenarios/guides/<slug>.yaml``.

A guide says who a scenario suits, how to run it in 45 and in 90 minutes (which points
to stop on), which hard calls deserve the longest talk, and which situations other
scenarios repeat. ``read`` checks one file; ``problems`` checks the folder against the
scenarios it refers to, for ``validate_scenarios``; ``guide_for`` gives a page its guide.
Every problem is ``file:line: message``, like the scenario validator's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from scenarios import yaml_lines
from scenarios.yaml_lines import LineDict, LineList

GUIDES_DIR = Path(__file__).resolve().parent / "guides"
REQUIRED_PLANS = (45, 90)
OUTLINE_WORDS = (60, 150)
AUDIENCE_MAX_WORDS = 60
NOTE_MAX_WORDS = 50

GUIDE_FIELDS = {"scenario", "audience", "plans", "linger", "echoes"}
PLAN_FIELDS = {"minutes", "outline", "discuss"}
# ``here`` is optional: the point of this scenario that the echo repeats.
ECHO_FIELDS = {"scenario", "point", "note", "here"}


@dataclass(frozen=True)
class Plan:
    minutes: int
    outline: str
    discuss: tuple[str, ...]


@dataclass(frozen=True)
class Echo:
    scenario: str
    point: str
    note: str
    here: str = ""


@dataclass(frozen=True)
class Guide:
    scenario: str
    audience: str
    plans: tuple[Plan, ...]
    linger: tuple[str, ...] = ()
    echoes: tuple[Echo, ...] = field(default=())

    def plan(self, minutes: int) -> Plan | None:
        return next((plan for plan in self.plans if plan.minutes == minutes), None)


class _Scenario(Protocol):
    """What a guide is checked against: a scenario spec (or anything shaped like one)."""

    slug: str

    @property
    def points(self) -> Iterable[Any]: ...


class _Reader:
    def __init__(self, label: str, keys_of: dict[str, list[str]] | None) -> None:
        self.label = label
        self.keys_of = keys_of  # scenario slug -> its point keys; None: no cross-checks
        self.errors: list[str] = []

    def problem(self, line: int, message: str) -> None:
        self.errors.append(f"{self.label}:{line}: {message}")

    def unknown(self, mapping: LineDict, allowed: set[str], where: str) -> None:
        for name in mapping:
            if name not in allowed:
                known = ", ".join(sorted(allowed))
                self.problem(mapping.line_of(name), f"unknown field '{name}' in {where} ({known})")

    def text(self, mapping: LineDict, name: str, where: str, *, required: bool = True) -> str:
        raw = mapping.get(name)
        if raw is None:
            if required:
                self.problem(mapping.line, f"{where} is missing '{name}'")
            return ""
        if not isinstance(raw, str) or not raw.strip():
            self.problem(mapping.line_of(name), f"'{name}' of {where} must be text")
            return ""
        return " ".join(raw.split())

    def words(self, text: str, name: str, line: int, low: int, high: int) -> None:
        count = len(text.split())
        if text and not low <= count <= high:
            self.problem(line, f"'{name}' has {count} words; write {low} to {high}")

    def key(self, raw: Any, line: int, slug: str, name: str) -> str | None:
        """A point key of scenario ``slug``, checked when the scenarios are known."""
        if not isinstance(raw, str) or not raw.strip():
            self.problem(line, f"each entry of '{name}' must be a point key")
            return None
        key = raw.strip()
        if self.keys_of is not None and slug in self.keys_of and key not in self.keys_of[slug]:
            self.problem(line, f"'{name}' names '{key}', which is not a point of '{slug}'")
        return key

    def keys(self, mapping: LineDict, name: str, slug: str, *, required: bool) -> list[str]:
        raw = mapping.get(name)
        if raw is None:
            if required:
                self.problem(mapping.line, f"'{name}' is missing")
            return []
        if not isinstance(raw, LineList):
            self.problem(mapping.line_of(name), f"'{name}' must be a list of point keys")
            return []
        if required and not raw:
            self.problem(mapping.line_of(name), f"'{name}' needs at least one point key")
        found: list[str] = []
        for index, item in enumerate(raw):
            key = self.key(item, raw.line_of(index), slug, name)
            if key is None:
                continue
            if key in found:
                self.problem(raw.line_of(index), f"'{name}' names '{key}' twice")
                continue
            found.append(key)
        return found

    def guide(self, data: Any, stem: str) -> Guide | None:
        if not isinstance(data, LineDict):
            self.problem(1, "a guide must be a mapping of fields")
            return None
        self.unknown(data, GUIDE_FIELDS, "the guide")
        slug = self.text(data, "scenario", "the guide")
        if slug and slug != stem:
            self.problem(
                data.line_of("scenario"),
                f"the guide is for '{slug}' but the file is named '{stem}.yaml': "
                f"name it '{slug}.yaml'",
            )
        if slug and self.keys_of is not None and slug not in self.keys_of:
            self.problem(data.line_of("scenario"), f"there is no scenario '{slug}'")
        audience = self.text(data, "audience", "the guide")
        if len(audience.split()) > AUDIENCE_MAX_WORDS:
            self.problem(
                data.line_of("audience"),
                f"'audience' has {len(audience.split())} words; keep it to one or two "
                f"sentences (at most {AUDIENCE_MAX_WORDS} words)",
            )
        plans = self.plans(data, slug)
        linger = self.keys(data, "linger", slug, required=False)
        longest = max(plans, key=lambda plan: plan.minutes, default=None)
        for key in linger:
            if longest is not None and key not in longest.discuss:
                self.problem(
                    data.line_of("linger"),
                    f"'linger' names '{key}', which the {longest.minutes}-minute plan does "
                    "not discuss: the longest plan must stop on every point to linger on",
                )
        echoes = self.echoes(data, slug)
        if self.errors:
            return None
        return Guide(
            scenario=slug,
            audience=audience,
            plans=tuple(sorted(plans, key=lambda plan: plan.minutes)),
            linger=tuple(linger),
            echoes=tuple(echoes),
        )

    def plans(self, data: LineDict, slug: str) -> list[Plan]:
        raw = data.get("plans")
        if not isinstance(raw, LineList):
            self.problem(data.line_of("plans"), "'plans' must be a list of session plans")
            return []
        plans: list[Plan] = []
        for index, item in enumerate(raw):
            line = raw.line_of(index)
            if not isinstance(item, LineDict):
                self.problem(line, f"plan {index + 1} must be a mapping of fields")
                continue
            self.unknown(item, PLAN_FIELDS, f"plan {index + 1}")
            minutes = item.get("minutes")
            if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 10:
                self.problem(
                    item.line_of("minutes"), "'minutes' must be a whole number, 10 or more"
                )
                continue
            where = f"the {minutes}-minute plan"
            if any(plan.minutes == minutes for plan in plans):
                self.problem(line, f"there are two {minutes}-minute plans")
                continue
            outline = self.text(item, "outline", where)
            self.words(outline, "outline", item.line_of("outline"), *OUTLINE_WORDS)
            discuss = self.keys(item, "discuss", slug, required=True)
            plans.append(Plan(minutes=minutes, outline=outline, discuss=tuple(discuss)))
        for minutes in REQUIRED_PLANS:
            if not any(plan.minutes == minutes for plan in plans):
                self.problem(data.line_of("plans"), f"there is no {minutes}-minute plan")
        return plans

    def echoes(self, data: LineDict, slug: str) -> list[Echo]:
        raw = data.get("echoes")
        if raw is None:
            return []
        if not isinstance(raw, LineList):
            self.problem(data.line_of("echoes"), "'echoes' must be a list")
            return []
        echoes: list[Echo] = []
        for index, item in enumerate(raw):
            line = raw.line_of(index)
            if not isinstance(item, LineDict):
                self.problem(line, f"echo {index + 1} must be a mapping of fields")
                continue
            where = f"echo {index + 1}"
            self.unknown(item, ECHO_FIELDS, where)
            other = self.text(item, "scenario", where)
            point = self.text(item, "point", where)
            note = self.text(item, "note", where)
            if len(note.split()) > NOTE_MAX_WORDS:
                self.problem(
                    item.line_of("note"),
                    f"the note of {where} has {len(note.split())} words; one sentence "
                    f"(at most {NOTE_MAX_WORDS} words) says what repeats and what differs",
                )
            if other and other == slug:
                self.problem(item.line_of("scenario"), f"{where} points to this same scenario")
            elif other and self.keys_of is not None:
                if other not in self.keys_of:
                    self.problem(item.line_of("scenario"), f"{where}: no scenario '{other}'")
                elif point and point not in self.keys_of[other]:
                    self.problem(
                        item.line_of("point"),
                        f"{where}: '{point}' is not a point of '{other}'",
                    )
            here = ""
            if "here" in item:
                here = self.key(item["here"], item.line_of("here"), slug, "here") or ""
            echoes.append(Echo(scenario=other, point=point, note=note, here=here))
        return echoes


def read(
    text: str, label: str, stem: str, keys_of: dict[str, list[str]] | None = None
) -> tuple[Guide | None, list[str]]:
    """Check one guide file's text. With ``keys_of`` (each scenario's point keys), also
    check that every scenario and point it names exists."""
    reader = _Reader(label, keys_of)
    try:
        data, duplicates = yaml_lines.load(text)
    except yaml_lines.YamlProblem as exc:
        return None, [f"{label}:{exc.line}: {exc.message}"]
    for line, message in duplicates:
        reader.problem(line, message)
    if data is None:
        return None, [f"{label}:1: the file is empty"]
    guide = reader.guide(data, stem)
    return (guide if not reader.errors else None), reader.errors


def _label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def problems(
    scenarios: Iterable[_Scenario], directory: Path | None = None, required: Iterable[str] = ()
) -> list[str]:
    """Every guide in ``directory`` checked against ``scenarios``, and a problem for each
    slug in ``required`` (the bundled scenarios: each needs a guide) that has none."""
    directory = directory or GUIDES_DIR
    keys_of = {spec.slug: [point.key for point in spec.points] for spec in scenarios}
    errors: list[str] = []
    found: set[str] = set()
    for path in sorted(directory.glob("*.yaml")):
        label = _label(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(f"{label}:1: cannot read the file: {exc}")
            continue
        found.add(path.stem)
        errors.extend(read(text, label, path.stem, keys_of)[1])
    for slug in required:
        if slug not in found:
            errors.append(
                f"{_label(directory / f'{slug}.yaml')}:1: scenario '{slug}' has no facilitator "
                "guide: write this file (see docs/authoring.md, 'Facilitator guides')"
            )
    return errors


@lru_cache(maxsize=64)
def _cached(path: Path, mtime_ns: int) -> Guide | None:
    guide, _ = read(path.read_text(encoding="utf-8"), _label(path), path.stem)
    return guide


def guide_for(slug: str, directory: Path | None = None) -> Guide | None:
    """The guide for a scenario, or None when it has none (or a broken one, which
    ``validate_scenarios`` reports). Re-read when the file changes."""
    path = (directory or GUIDES_DIR) / f"{slug}.yaml"
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    return _cached(path, mtime)
