"""The sources behind "what actually happened": a key from the content, a readable label, a link.

Scenario files cite sources by the keys of the research brief (``sources: [WP-2008, K]``);
``scenarios/sources.yaml`` turns each key into something a trainee can read and follow. A
key missing there is still shown, as itself, so new content never breaks a page.
``validate_scenarios`` reports a malformed entry with its line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from scenarios import yaml_lines
from scenarios.yaml_lines import LineDict

SOURCES_FILE = Path(__file__).resolve().parent / "sources.yaml"
ENTRY_FIELDS = {"label", "url"}


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    url: str = ""


def read(text: str, label: str) -> tuple[dict[str, Source], list[str]]:
    """The sources in ``text``, and every problem as ``label:line: message``."""
    try:
        data, duplicates = yaml_lines.load(text)
    except yaml_lines.YamlProblem as exc:
        return {}, [f"{label}:{exc.line}: {exc.message}"]
    errors = [f"{label}:{line}: {message}" for line, message in duplicates]
    if not isinstance(data, LineDict):
        return {}, [*errors, f"{label}:1: the sources must be a mapping of keys to entries"]
    found: dict[str, Source] = {}
    for key, entry in data.items():
        line = data.line_of(key)
        if not isinstance(key, str):
            errors.append(f"{label}:{line}: the key {key!r} must be text (quote it)")
            continue
        if not isinstance(entry, LineDict):
            errors.append(f"{label}:{line}: source '{key}' needs a 'label' (and may have a 'url')")
            continue
        for field in sorted(entry.keys() - ENTRY_FIELDS, key=str):
            errors.append(f"{label}:{entry.line_of(field)}: unknown field '{field}' in '{key}'")
        title, url = entry.get("label"), entry.get("url", "")
        if not isinstance(title, str) or not title.strip():
            errors.append(f"{label}:{line}: source '{key}' needs a 'label' of text")
        elif not isinstance(url, str) or (url and not url.startswith(("https://", "http://"))):
            errors.append(f"{label}:{entry.line_of('url')}: the url of '{key}' must be a web link")
        else:
            found[key] = Source(key=key, label=title.strip(), url=url)
    return found, errors


@cache
def bundled() -> dict[str, Source]:
    """The bundled sources, read once; a broken file fails loudly, with its lines."""
    found, errors = read(SOURCES_FILE.read_text(encoding="utf-8"), str(SOURCES_FILE))
    if errors:
        raise ValueError("\n".join(errors))
    return found


def sources_for(keys: Iterable[str] | None) -> list[Source]:
    """Readable sources for a point's keys, in the order the content gives them."""
    known = bundled()
    return [known.get(key) or Source(key=key, label=key) for key in keys or ()]
