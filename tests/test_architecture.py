"""Who may import whom in app/ (docs/architecture.md), checked on the source: every import,
at module level or inside a function, between the app's parts (its packages and its top-level
modules). Features depend on shared infrastructure, never on each other in a loop; caching imports
no feature; code that runs while serving a request imports no command-line tooling."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
FEATURES = {"app.articles", "app.comments", "app.moderation", "app.newsletter"}
TOOLING = {"app.i18n_tools", "app.cli"}


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path, module: str, known: set[str]) -> set[str]:
    """Every app module `path` imports, wherever the import statement stands."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            for alias in node.names:
                # `from app import cross_origin` imports the module app.cross_origin.
                submodule = f"{source}.{alias.name}"
                found.add(submodule if submodule in known else source)
    return {name for name in found if name == "app" or name.startswith("app.")}


def part_of(module: str) -> str:
    """The part a module belongs to: `app.comments.service` -> `app.comments`; `app` itself (the
    application factory, which wires every part together) is a part of its own."""
    return ".".join(module.split(".")[:2])


def import_graph(root: Path = APP) -> dict[str, set[str]]:
    """Part -> the other parts it imports."""
    paths = {_module_name(path, root): path for path in root.rglob("*.py")}
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in paths.items():
        for imported in _imported_modules(path, module, set(paths)):
            if part_of(imported) != part_of(module):
                graph[part_of(module)].add(part_of(imported))
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected group of parts (Tarjan), each as a path back to its start."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_loop_through(group, graph) for group in groups]


def _loop_through(group: set[str], graph: dict[str, set[str]]) -> list[str]:
    """A path from the group's first part back to itself, through the group (breadth first)."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph.get(node, ()) & group):
            if target == start:
                return [*paths[node], start]
            if target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    raise AssertionError(f"no loop through {sorted(group)}")


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_no_two_parts_of_the_app_import_each_other_in_a_loop(graph):
    found = [" -> ".join(loop) for loop in cycles(graph)]
    assert found == [], "import cycles between parts of app/: " + "; ".join(found)


@pytest.mark.parametrize("infrastructure", ["app.caching", "app.mail", "app.i18n", "app.content"])
def test_shared_infrastructure_imports_no_feature(graph, infrastructure):
    # Features register what infrastructure needs of them (a page's revision, a mail kind).
    assert graph[infrastructure] & FEATURES == set()


@pytest.mark.parametrize("tooling", sorted(TOOLING))
def test_code_that_serves_requests_imports_no_command_line_tooling(graph, tooling):
    # Only the application factory (which registers the CLI) and the tooling itself may.
    importers = {part for part, imported in graph.items() if tooling in imported}
    assert importers - TOOLING - {"app"} == set()


def test_the_graph_sees_imports_inside_functions_and_finds_a_planted_cycle(tmp_path):
    """The checks above would pass on an empty graph: this one shows the reader finds what
    they forbid, a cycle made only through an import inside a function included."""
    root = tmp_path / "app"
    for package in ("caching", "comments"):
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "caching" / "layer.py").write_text("def version():\n    from app.comments.service import revision\n")
    (root / "comments" / "service.py").write_text("from app.caching import layer\n")
    (root / "pages.py").write_text("from . import caching\n")
    planted = import_graph(root)
    assert planted["app.caching"] == {"app.comments"}
    assert planted["app.pages"] == {"app.caching"}
    assert cycles(planted) == [["app.caching", "app.comments", "app.caching"]]
