"""The package's layout keeps the promises ARCHITECTURE.md makes about it.

Read from the source with `ast`, nothing imported: every import statement counts (also those
inside functions and under ``TYPE_CHECKING``), so a cycle cannot hide in a lazy import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import smsc_async

PACKAGE = Path(smsc_async.__file__).parent
MAX_LINES = 400

# The layers from the bottom up: a module may import only from its own layer or below.
LAYERS = (
    ("_redact", "_masking", "_errors"),
    ("_wire",),
    ("_transports", "transports"),
    ("_types",),
    ("_call",),
    ("_resources",),
    ("_bulk",),
    ("_client",),
    ("__init__",),
    ("testing", "demo"),
)


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ("smsc_async", *path.relative_to(PACKAGE).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


MODULES = _modules()


def _imports(module: str) -> Iterator[str]:
    """Every module of the package that ``module`` imports, anywhere in its source."""
    path, is_package = MODULES[module]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            candidates = [target, *(f"{target}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            continue
        for candidate in candidates:
            # A package's own __init__ is not a dependency of its modules for cycles' sake.
            if candidate in MODULES and candidate != module:
                yield candidate


GRAPH = {module: set(_imports(module)) for module in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*stack[stack.index(nxt) :], nxt])
            elif not state.get(nxt):
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if not state.get(node):
            visit(node, [])
    return found


def _layer(module: str) -> int:
    top = module.split(".")[1] if "." in module else "__init__"
    for number, names in enumerate(LAYERS):
        if top in names:
            return number
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")


def test_the_walk_sees_imports() -> None:
    # The graph is not empty by accident: the client imports the call path and the areas.
    assert "smsc_async._call.path" in GRAPH["smsc_async._client"]
    assert "smsc_async._resources.send.messages" in GRAPH["smsc_async._client"]


def test_no_import_cycles() -> None:
    package_inits = {m for m, (_, is_package) in MODULES.items() if is_package}
    graph = {
        module: {d for d in deps if not (d in package_inits and module.startswith(d + "."))}
        for module, deps in GRAPH.items()
    }
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_imports_point_down_the_layers() -> None:
    upward = [
        f"{module} -> {dep}"
        for module, deps in GRAPH.items()
        for dep in deps
        if _layer(dep) > _layer(module)
    ]
    assert upward == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_over_400_lines(module: str) -> None:
    path, _ = MODULES[module]
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines: split it by concern"


@pytest.mark.parametrize(
    ("library", "home"),
    [("httpx2", "smsc_async._transports.default"), ("aiohttp", "smsc_async._transports.aiohttp")],
)
def test_each_http_library_is_imported_in_one_module(library: str, home: str) -> None:
    importers = set()
    for module, (path, _) in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            if any(name == library or name.startswith(library + ".") for name in names):
                importers.add(module)
    assert importers == {home}


def test_the_client_composes_areas_instead_of_inheriting_them() -> None:
    assert smsc_async.AsyncClient.__bases__ == (object,)
