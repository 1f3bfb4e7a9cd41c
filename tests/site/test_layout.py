"""The layout's rules (docs/ARCHITECTURE.md), checked over the source itself.

- no import circle between modules (imports inside functions count too);
- no module imports another module's private name (`from x import _y`, or
  `x._y` on a module it imported);
- the business core (`livestall/`) never imports Flask or the web layer, and
  never imports the demo seeder;
- no rules module of the core grows past RULES_MAX lines.

Run as a report: `.venv/bin/python -m tests.site.test_layout`.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("livestall", "blueprints", "demo")
TOP_MODULES = ("app", "commands", "config", "extensions")
RULES_MAX = 450  # "about 400": a long literal table belongs in a data file
WEB = ("flask", "flask_babel", "flask_login", "flask_socketio", "flask_wtf")


def _files():
    for name in TOP_MODULES:
        yield name, ROOT / f"{name}.py"
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


MODULES = dict(_files())


def _package_of(module):
    path = MODULES[module]
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _resolve(module, node):
    """The project modules an ImportFrom names: `from a.b import c` is `a.b.c`
    when that is a module, else `a.b`."""
    base = node.module or ""
    if node.level:
        package = _package_of(module).split(".")
        package = package[: len(package) - node.level + 1]
        base = ".".join(package + ([base] if base else []))
    found = []
    for alias in node.names:
        full = f"{base}.{alias.name}" if base else alias.name
        if full in MODULES:
            found.append((full, None))
        elif base in MODULES:
            found.append((base, alias.name))
    return found


def imports():
    """{module: [(imported module, name or None, line)]} for project modules."""
    graph = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(), str(path))
        edges = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in MODULES:
                        edges.append((alias.name, None, node.lineno))
            elif isinstance(node, ast.ImportFrom):
                for target, name in _resolve(module, node):
                    edges.append((target, name, node.lineno))
        graph[module] = edges
    return graph


def cycles(graph):
    """Strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target, _name, _line in graph.get(node, ()):
            if target == node:
                continue
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
                found.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _private(name):
    return name.startswith("_") and not name.startswith("__")


def private_uses(graph):
    """(module, line, what) for each private name of another module it uses."""
    found = []
    for module, edges in graph.items():
        for target, name, line in edges:
            if name and _private(name) and target != module:
                found.append((module, line, f"from {target} import {name}"))
        tree = ast.parse(MODULES[module].read_text())
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in MODULES:
                        aliases[alias.asname or alias.name] = alias.name
            elif isinstance(node, ast.ImportFrom):
                for (target, name), alias in zip(
                    _resolve(module, node), node.names, strict=False
                ):
                    if name is None:
                        aliases[alias.asname or alias.name] = target
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and _private(node.attr)
                and aliases[node.value.id] != module
            ):
                found.append(
                    (module, node.lineno, f"{aliases[node.value.id]}.{node.attr}")
                )
    return sorted(set(found))


def core_leaks():
    """(module, line, imported) for core modules importing the web layer or demo."""
    found = []
    for module, path in MODULES.items():
        if not module.startswith("livestall"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            for name in names:
                top = name.split(".")[0]
                if top in WEB or top in ("blueprints", "demo", "app", "commands"):
                    found.append((module, node.lineno, name))
    return found


def long_rules():
    """(module, lines) for core modules longer than RULES_MAX."""
    found = []
    for module, path in MODULES.items():
        if module.startswith("livestall"):
            lines = len(path.read_text().splitlines())
            if lines > RULES_MAX:
                found.append((module, lines))
    return found


def test_no_import_circles():
    assert cycles(imports()) == []


def test_no_private_names_across_modules():
    assert private_uses(imports()) == []


def test_core_is_free_of_the_web_layer_and_the_demo():
    assert core_leaks() == []


def test_no_long_rules_modules():
    assert long_rules() == []


def test_the_checks_catch_what_they_look_for():
    graph = {"a": [("b", None, 1)], "b": [("c", "_x", 2)], "c": [("a", None, 3)]}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": [("b", None, 1)], "b": []}) == []


if __name__ == "__main__":
    graph = imports()
    report = {
        "import circles": cycles(graph),
        "private names used across modules": private_uses(graph),
        "core modules importing the web layer or demo": core_leaks(),
        f"core modules over {RULES_MAX} lines": long_rules(),
    }
    for title, rows in report.items():
        print(f"{title}: {len(rows)}")
        for row in rows:
            print("  ", row)
    sys.exit(1 if any(report.values()) else 0)
