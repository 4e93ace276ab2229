"""The package's import graph: no circles, and arrows only from models to layers to ops.

Every ``import`` counts, also one inside a function (a lazy import is still an arrow).
"""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "src" / "convlayers"

# Lower layers may not import higher ones: (importer prefix, forbidden prefix).
FORBIDDEN = [
    ("convlayers.ops", "convlayers.layers"),
    ("convlayers.ops", "convlayers.engine"),
    ("convlayers.layers", "convlayers.engine"),
    ("convlayers.symbolic", "convlayers.layers"),
    ("convlayers.symbolic", "convlayers.engine"),
    ("convlayers.saving", "convlayers.engine"),
    ("convlayers.conv_arithmetic", "convlayers."),
    ("convlayers.partition_arithmetic", "convlayers."),
    ("convlayers.layers", "convlayers.compat"),
    ("convlayers.engine", "convlayers.compat"),
    ("convlayers.ops", "convlayers.compat"),
]


def _module_name(path: pathlib.Path) -> str:
    parts = ("convlayers", *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: pathlib.Path, name: str) -> set[str]:
    """The convlayers modules that module ``name`` at ``path`` imports (``from . import x``
    counts as ``pkg.x``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("convlayers"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            if not module.startswith("convlayers"):
                continue
            found.add(module)
            found.update(f"{module}.{a.name}" for a in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {
        name: {m for m in _imports(path, name) if m in paths and m != name}
        for name, path in paths.items()
    }


def _package_edges(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Drop the arrows from a package's ``__init__`` to its own modules (re-exports)."""
    return {
        name: {m for m in targets if not m.startswith(name + ".")}
        for name, targets in graph.items()
    }


def test_import_graph_has_no_circle():
    graph = _package_edges(_graph())
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycle = [*path[path.index(target) :], target]
                pytest.fail("import circle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        path.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


@pytest.mark.parametrize(("importer", "forbidden"), FORBIDDEN)
def test_imports_run_downwards(importer, forbidden):
    wrong = sorted(
        f"{name} -> {target}"
        for name, targets in _graph().items()
        if name.startswith(importer)
        for target in targets
        if target.startswith(forbidden) and not target.startswith(importer)
    )
    assert not wrong, wrong


def test_the_checker_sees_lazy_and_relative_imports(tmp_path):
    module = tmp_path / "fake.py"
    module.write_text(
        "from ..ops import conv\ndef f():\n    from ..engine.functional import Model\n"
    )
    found = _imports(module, "convlayers.layers.fake")
    assert {"convlayers.ops.conv", "convlayers.engine.functional"} <= found
