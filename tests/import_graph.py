"""The repository's Python import graph: every `import` and `from ... import` anywhere in a file
(top level, inside functions, under TYPE_CHECKING), resolved to the repository's own modules as
each file is imported: from the root (packages and top-level modules), from tests/ (pytest puts
it on sys.path), and from policy/ (the CLI runs the pack from its own folder)."""

from __future__ import annotations

import ast
from pathlib import Path

SKIPPED = {".venv", ".engine", ".git", "examples", "node_modules"}


def modules(root: Path) -> dict[str, Path]:
    """Module name -> file, for every Python file under `root` as it is imported."""
    found: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if SKIPPED & set(relative.parts) or any(p.startswith(".") for p in relative.parts):
            continue
        base = relative.with_suffix("").parts
        if base[0] in ("tests", "policy") and len(base) == 2:
            base = base[1:]  # on sys.path themselves
        name = ".".join(base)
        found[name.removesuffix(".__init__")] = path
    return found


def _imported(name: str, known: dict[str, Path], tree: ast.AST) -> set[str]:
    package = name if known[name].name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            candidates = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for candidate in candidates:
            while candidate and candidate not in known:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                targets.add(candidate)
    return targets


def graph(root: Path) -> dict[str, set[str]]:
    known = modules(root)
    return {
        name: _imported(name, known, ast.parse(path.read_text())) for name, path in known.items()
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)
