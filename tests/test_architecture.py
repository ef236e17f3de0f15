"""The code's shape, checked: the core imports no other part of rankfile, and no import
inside a function hides an import cycle (a cycle means a piece lives in the wrong module)."""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "rankfile"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {
        module_name(path): path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts
    }


def _resolve(name: str) -> list[str]:
    """The rankfile modules that importing `name` runs: it and its parent packages."""
    found = []
    parts = name.split(".")
    for end in range(1, len(parts) + 1):
        candidate = ".".join(parts[:end])
        if candidate in modules():
            found.append(candidate)
    return found


def _imported(node: ast.Import | ast.ImportFrom, importer: str) -> Iterator[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield from _resolve(alias.name)
        return
    base = node.module or ""
    if node.level:
        package = importer.split(".")
        if not modules()[importer].name == "__init__.py":
            package = package[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, base] if base else package)
    yield from _resolve(base)
    for alias in node.names:
        yield from _resolve(f"{base}.{alias.name}")


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(name: str) -> tuple[set[str], list[tuple[int, str]]]:
    """(modules imported when `name` is imported, [(line, module) imported inside functions])."""
    tree = ast.parse(modules()[name].read_text(encoding="utf-8"))
    at_import: set[str] = set()
    deferred: list[tuple[int, str]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue  # never run
            if isinstance(child, ast.Import | ast.ImportFrom):
                for target in _imported(child, name):
                    if in_function:
                        deferred.append((child.lineno, target))
                    else:
                        at_import.add(target)
            inner = in_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            visit(child, inner)

    visit(tree, False)
    # A module's own packages are initialized before it runs: importing from them closes no
    # cycle.
    ancestors = {name.rsplit(".", depth)[0] for depth in range(1, name.count(".") + 1)}
    at_import -= {name, *ancestors}
    return at_import, [(line, target) for line, target in deferred if target not in ancestors]


@cache
def import_graph() -> dict[str, set[str]]:
    return {name: _imports(name)[0] for name in modules()}


def reaches(start: str, goal: str) -> bool:
    graph, seen, todo = import_graph(), {start}, [start]
    while todo:
        current = todo.pop()
        if current == goal:
            return True
        for following in graph[current] - seen:
            seen.add(following)
            todo.append(following)
    return False


def test_no_import_inside_a_function_hides_an_import_cycle():
    hidden = {
        f"{name}:{line} imports {target}, which imports {name} back"
        for name in sorted(modules())
        for line, target in _imports(name)[1]
        if target != name and reaches(target, name)
    }
    assert hidden == set()


def test_there_is_no_import_cycle_between_modules():
    cycles = sorted(
        f"{name} <-> {other}"
        for name, imported in import_graph().items()
        for other in imported
        if name < other
        and reaches(other, name)
        and not other.startswith(f"{name}.")
        and not name.startswith(f"{other}.")
    )
    assert cycles == []


def test_the_core_may_import_no_other_part_of_rankfile():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [
        c
        for c in config["tool"]["importlinter"]["contracts"]
        if c["source_modules"] == ["rankfile.core"]
    ]
    top_level = {".".join(name.split(".")[:2]) for name in modules() if name.count(".") >= 1} - {
        "rankfile.core"
    }
    assert top_level - set(contract["forbidden_modules"]) == set()
    assert "django" in contract["forbidden_modules"]


def _calls(function: ast.AST, names: set[str]) -> bool:
    return any(
        isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id in names)
            or (isinstance(node.func, ast.Attribute) and node.func.attr in names)
        )
        for node in ast.walk(function)
    )


def test_every_write_on_the_record_is_a_do_action():
    """A public function that appends to the audit log is an action: named do_*, so that
    views, the API and the CLI see at a glance which call writes (the demo, which writes its
    history in bulk, and the audit app's own append functions aside)."""
    exempt = ("rankfile.audit.", "rankfile.demo.", "rankfile.core.")
    unnamed = sorted(
        f"{name}.{node.name}"
        for name, path in modules().items()
        if not name.startswith(exempt)
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef)
        and not node.name.startswith(("do_", "_"))
        and _calls(node, {"append_event", "append_events"})
    )
    assert unnamed == []
