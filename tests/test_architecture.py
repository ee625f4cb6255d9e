"""The import graph of our own modules: no circle, and nothing that imports upwards.

Every production module under ``trainer/`` and ``scenarios/`` (not migrations, not tests)
is parsed with ``ast``; every import in it counts, at module level, inside a function or
under ``TYPE_CHECKING``, since each of them ties the two modules together all the same.
A module may import from its own layer or from the layers below it, never from above.
A new module needs a place in ``LAYERS``: deciding where it sits is part of writing it.
"""

from __future__ import annotations

import ast
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("trainer", "scenarios")

# Lowest first. A name covers the module of that name and everything below it.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "shared helpers, which know nothing of leadership or of our apps",
        (
            "trainer.htmx",
            "trainer.links",
            "trainer.spreadsheet",
            "trainer.privacy",
            "trainer.throttle",
            "trainer.rows",
            "trainer.sessions",
            "trainer.csp",
            "trainer.postgresql",
        ),
    ),
    ("the content and the leadership model", ("scenarios",)),
    ("the charts, which draw the leadership styles", ("trainer.charts",)),
    ("accounts and roles", ("trainer.accounts",)),
    ("self-paced play, and the catalog that starts it", ("trainer.play",)),
    ("workshops, which are played as attempts", ("trainer.workshops",)),
    ("progress and cohorts, which count attempts and workshops", ("trainer.progress",)),
    (
        "the project's wiring",
        (
            "trainer",
            "trainer.settings",
            "trainer.urls",
            "trainer.middleware",
            "trainer.context_processors",
            "trainer.health",
            "trainer.backups",
            "trainer.wsgi",
            "trainer.asgi",
        ),
    ),
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def production_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).parts
            if "migrations" in relative or "tests" in relative:
                continue
            found[_module_name(path)] = path
    return found


def _resolve(module: str, node: ast.ImportFrom) -> str:
    """The absolute name a ``from ... import`` starts from (relative imports included)."""
    if not node.level:
        return node.module or ""
    package = module.split(".")
    # A package's own __init__ is named for the package; a module's base is its package.
    base = package[: len(package) - node.level + (1 if _is_package(module) else 0)]
    return ".".join(base + ([node.module] if node.module else []))


def _is_package(module: str) -> bool:
    return (ROOT / Path(*module.split(".")) / "__init__.py").exists()


def import_graph(modules: dict[str, Path]) -> dict[str, dict[str, int]]:
    """{importer: {imported: line of the first such import}}, our own modules only."""
    graph: dict[str, dict[str, int]] = {}
    for module, path in modules.items():
        edges: dict[str, int] = {}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(module, node)
                for alias in node.names:
                    submodule = f"{base}.{alias.name}"
                    targets.append(submodule if submodule in modules else base)
            for target in targets:
                # ``import trainer.play.models`` reaches the module, or its nearest package.
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != module:
                    edges.setdefault(target, node.lineno)
        graph[module] = edges
    return graph


def layer_of(module: str) -> int | None:
    best: tuple[int, int] | None = None  # (length of the matching name, layer)
    for index, (_, names) in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and (
                best is None or len(name) > best[0]
            ):
                best = (len(name), index)
    return best[1] if best else None


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Each strongly connected group of two or more modules, as one closed path through it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_closed_path(graph, sorted(group)) for group in groups]


def _closed_path(graph: dict[str, dict[str, int]], group: list[str]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    start, members = group[0], set(group)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node]):
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if target in members and target not in came_from:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    raise AssertionError(f"no cycle through {start}")


def _where(modules: dict[str, Path], importer: str, line: int) -> str:
    return f"{modules[importer].relative_to(ROOT)}:{line}"


def test_every_module_has_a_layer() -> None:
    unplaced = sorted(module for module in production_modules() if layer_of(module) is None)
    assert unplaced == [], f"modules with no layer in LAYERS: {unplaced}"


def test_the_import_graph_has_no_cycle() -> None:
    modules = production_modules()
    graph = import_graph(modules)
    found = cycles(graph)
    described = [
        " -> ".join(path)
        + f" ({', '.join(_where(modules, a, graph[a][b]) for a, b in pairwise(path))})"
        for path in found
    ]
    assert found == [], "import cycles:\n" + "\n".join(described)


def test_no_module_imports_from_a_higher_layer() -> None:
    modules = production_modules()
    upward = []
    for importer, edges in sorted(import_graph(modules).items()):
        for imported, line in sorted(edges.items()):
            low, high = layer_of(importer), layer_of(imported)
            if low is not None and high is not None and high > low:
                upward.append(
                    f"{_where(modules, importer, line)}: {importer} ({LAYERS[low][0]}) imports "
                    f"{imported} ({LAYERS[high][0]})"
                )
    assert upward == [], "imports from a higher layer:\n" + "\n".join(upward)


def test_the_checks_see_what_they_are_meant_to_see() -> None:
    """The graph finds function-level and package-relative imports, and a cycle is found."""
    modules = production_modules()
    graph = import_graph(modules)
    assert "trainer.play.models" in graph["trainer.play.views"]
    assert "trainer.play.views" in graph["trainer.play.urls"]  # from trainer.play import views
    assert cycles({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}) == [
        ["a", "b", "c", "a"]
    ]
    assert layer_of("trainer.play.templatetags.play_tags") == layer_of("trainer.play")
    assert layer_of("trainer.settings") == len(LAYERS) - 1
