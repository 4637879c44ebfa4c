"""No import cycles among the modules of incidents/, workflows/, forms/ and doc_templates/: the
module-level imports (not those inside a function, not those under TYPE_CHECKING) of every
module are read with ast and the graph is searched for strongly connected components."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("incidents", "workflows", "forms", "doc_templates")

# Cycles known when this test was written and outside the change that added it: each is one
# strongly connected component (its modules, sorted). Remove an entry once its cycle is gone;
# the test fails when a listed cycle no longer exists, so the list only shrinks.
KNOWN_CYCLES: set[frozenset[str]] = {
    # forms/case.py imports DISEASE_FORMS at its end from forms/disease.py, which builds on
    # forms/case.py's private _Base, _area and _text: the shared base belongs in a module of
    # its own that both import
    frozenset({"forms.case", "forms.disease"}),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue  # alembic scripts are loaded by alembic, never imported
            found[_module_name(path)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _top_level_imports(tree: ast.Module):
    """Import statements run when the module is imported: at the top, or in an if/try there."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and not _is_type_checking(node):
            stack += node.body + node.orelse
        elif isinstance(node, ast.Try):
            stack += node.body + node.orelse + node.finalbody
            for handler in node.handlers:
                stack += handler.body


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The longest known module `name` starts with (a name imported from a module is not one)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _every_import(tree: ast.Module):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node


def _edges(name: str, path: Path, modules: dict[str, Path], anywhere: bool = False) -> set[str]:
    """The modules `name` imports when it is imported (with `anywhere`, also those imported
    inside its functions)."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    targets = set()
    read = _every_import if anywhere else _top_level_imports
    for node in read(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            if node.level:
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            # `from pkg import name`: name is a submodule or something defined in pkg
            candidates = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for candidate in candidates:
            target = _resolve(candidate, modules)
            if target is not None and target != name:
                targets.add(target)
    return targets


def _cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.add(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _graph(anywhere: bool = False) -> dict[str, set[str]]:
    modules = _modules()
    return {name: _edges(name, path, modules, anywhere) for name, path in modules.items()}


def test_the_graph_is_read():
    graph = _graph()
    assert "incidents.services.deliveries" in graph["incidents.job_table"]
    assert "incidents.jobs" in graph["incidents.services.packages"]
    assert "incidents.services.notify" in graph["incidents.services.cases"]


def test_a_cycle_is_found():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == {frozenset("abc")}


def test_no_import_cycles():
    cycles = _cycles(_graph())
    new = [sorted(c) for c in cycles - KNOWN_CYCLES]
    gone = [sorted(c) for c in KNOWN_CYCLES - cycles]
    assert not new, f"import cycles: {new}"
    assert not gone, f"no longer cycles, remove them from KNOWN_CYCLES: {gone}"


def test_jobs_deliveries_and_packages_import_one_way():
    """Not even inside a function: the job runner knows no job's module (the app factory hands
    it incidents/job_table.py), and packages does not reach back into deliveries."""
    knot = {"incidents.jobs", "incidents.services.deliveries", "incidents.services.packages"}
    graph = {
        name: targets & knot for name, targets in _graph(anywhere=True).items() if name in knot
    }
    assert _cycles(graph) == set(), graph
    assert graph["incidents.jobs"] == set()
