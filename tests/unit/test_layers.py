"""The structure STYLE.md asks for, read from the code's imports (also those inside
functions, which would otherwise hide an upward arrow): `items` knows none of the packages
built on it, `geo` knows no Flask, and no module of `app` reaches itself again through its
imports."""

import ast
from pathlib import Path

from config import BASE_DIR

APP = Path(BASE_DIR) / "app"
# Routing is not among them: its tables (rules, land, target delays) sit below items, which
# asks them for the organisation to suggest when an item is captured.
ABOVE_ITEMS = ("walks", "proposals", "committee", "evaluation", "triage", "moderation",
               "api", "capture", "admin", "account", "demo")


def _module_name(path):
    parts = path.relative_to(BASE_DIR).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path):
    """The absolute names of every module `path` imports (`from . import x` included)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _graph():
    modules = {_module_name(path): path for path in APP.rglob("*.py")}
    return {name: {imported for imported in _imports(path) if imported in modules
                   and imported != name} for name, path in modules.items()}


def test_items_imports_no_package_built_on_it():
    upward = sorted((name, imported) for name, imports in _graph().items()
                    if name.startswith("app.items") for imported in imports
                    if imported.split(".")[1] in ABOVE_ITEMS)
    assert upward == []


def test_geo_knows_no_flask():
    flasky = sorted(path.name for path in (APP / "geo").rglob("*.py")
                    if any(name.split(".")[0].startswith("flask") for name in _imports(path)))
    assert flasky == []


def test_no_module_reaches_itself_through_its_imports():
    graph = _graph()
    # A package's __init__ importing its own submodules is how packages are built, not a
    # circle between two modules that need each other.
    for name in graph:
        graph[name] = {i for i in graph[name] if not (i.startswith(name + ".")
                                                      or name.startswith(i + "."))}
    circles, state = [], {}

    def visit(name, path):
        state[name] = "open"
        for imported in sorted(graph[name]):
            if state.get(imported) == "open":
                circles.append(path[path.index(imported):] + [imported])
            elif imported not in state:
                visit(imported, path + [imported])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert circles == []
