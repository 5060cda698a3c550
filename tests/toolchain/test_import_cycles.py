"""No import cycle among the project's own modules (rtdb/, tools/, rules/).

A cycle means two modules share something that belongs one layer down (issue 16: the
rules' JS values, the REST error shape, the demo constants); a lazy import inside a
function only hides it. Every import counts: module level, in functions, under
TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tools.project import ROOT

PACKAGES = ("rtdb", "tools", "rules")


def _modules() -> dict[str, Path]:
    mods = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            mods[".".join(parts)] = path
    return mods


def _imports(name: str, path: Path, mods: dict[str, Path]) -> set[str]:
    """The first-party modules ``name`` imports (``from pkg import mod`` names ``pkg.mod``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, *([node.module] if node.module else [])])
            subs = [f"{base}.{a.name}" for a in node.names]
            targets = [s for s in subs if s in mods] or [base]
            if len(targets) < len(subs):
                targets.append(base)  # some names come from the package itself
        else:
            continue
        for target in targets:
            while target and target not in mods:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                found.add(target)  # a module's own packages are always imported first
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_scan_sees_the_known_edges():
    mods = _modules()
    graph = {name: _imports(name, path, mods) for name, path in mods.items()}
    assert {"rtdb.rules._jsvalues", "rtdb.rules.context"} <= graph["rtdb.rules.codegen"]
    assert "rtdb.transports._errors" in graph["rtdb.transports.sse"]
    assert "tools.seed" in graph["tools.stack"]  # the lazy import inside Stack.start
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles():
    mods = _modules()
    graph = {name: _imports(name, path, mods) for name, path in mods.items()}
    assert _cycles(graph) == []
