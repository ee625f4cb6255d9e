"""Read YAML while keeping the line each mapping key and list item came from.

Authors fix problems faster when the validator says ``file:line: message``. PyYAML's
safe loader is kept; mappings and lists are built as subclasses that remember lines.
"""

from __future__ import annotations

from typing import Any

import yaml


class LineDict(dict):
    """A mapping with ``line`` (where it starts) and ``key_lines`` (where each key is)."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A list with ``line`` and ``item_lines``."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class YamlProblem(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _Loader(yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[int, str]] = []


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str | int | bool | float):
            raise YamlProblem(line, "a key must be a plain word")
        if key in mapping:
            loader.duplicates.append((line, f"duplicate field '{key}'"))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = line
    return mapping


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    items = LineList(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    return items


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load(text: str) -> tuple[Any, list[tuple[int, str]]]:
    """Parse one YAML document; return the data and any duplicate-key problems.

    Raises ``YamlProblem`` for a syntax error, with the line it was found on.
    """
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = exc.problem or str(exc)
        if exc.context:
            reason = f"{exc.context}, {reason}"
        if exc.context_mark and exc.problem_mark and exc.context_mark.line != mark.line:
            reason += f" (the construct started on line {exc.context_mark.line + 1})"
        raise YamlProblem(line, f"YAML syntax: {reason}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, f"YAML syntax: {exc}") from None
    finally:
        loader.dispose()
    return data, loader.duplicates
