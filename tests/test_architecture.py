"""The layers can be seen in the tree, and the imports go one way (CONTRIBUTING.md draws it).

core     imports nothing else of labhelpers
replay   core only (it asks the Engine layer through a registered probe)
engine   core, replay: the only package that imports the Docker SDK or calls client()
views, widgets, teaching, lessons' results/views/widgets: never the SDK, never the engine
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "labhelpers"


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "legacy" not in p.name)


def _imports(path: Path) -> set[str]:
    """Absolute names of what `path` imports (relative imports resolved)."""
    tree = ast.parse(path.read_text())
    # the package a relative import starts from: the folder (for __init__ too)
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = parts[: len(parts) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def _layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE).parts
    if rel[0] == "lessons" and len(rel) == 3:
        return f"lessons.{Path(rel[2]).stem}"  # lessons.results, lessons.views, ...
    return rel[0].removesuffix(".py")


def _calls_client(path: Path) -> bool:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name == "client":
                return True
    return False


def test_only_the_engine_layer_imports_the_sdk_or_calls_the_client():
    offenders = []
    for path in _modules():
        if _layer(path) == "engine":
            continue
        imports = _imports(path)
        if any(name == "docker" or name.startswith("docker.") for name in imports):
            offenders.append(f"{path.relative_to(PACKAGE)} imports docker")
        if _calls_client(path) or any(name.endswith("connection.client") for name in imports):
            offenders.append(f"{path.relative_to(PACKAGE)} calls client()")
    assert offenders == []


FORBIDDEN = {
    "core": ("labhelpers.",),
    "replay": ("labhelpers.engine", "labhelpers.lessons", "labhelpers.views", "labhelpers.widgets"),
    "views": ("labhelpers.engine", "labhelpers.replay", "labhelpers.widgets", "docker"),
    "widgets": ("labhelpers.engine", "labhelpers.replay", "docker"),
    "teaching": ("labhelpers.engine", "labhelpers.lessons", "docker"),
    "lessons.results": ("labhelpers.engine", "labhelpers.widgets", "docker"),
    "lessons.views": ("labhelpers.engine", "labhelpers.widgets", "docker"),
    "lessons.widgets": ("labhelpers.engine", "docker"),
}
ALLOWED_INSIDE = {"core": ("labhelpers.core",)}


def _within(name: str, prefix: str) -> bool:
    """`name` is `prefix` or inside it ("labhelpers." means: anything of the package)."""
    inside = prefix if prefix.endswith(".") else prefix + "."
    return name == prefix.rstrip(".") or name.startswith(inside)


def test_imports_go_one_way():
    offenders = []
    for path in _modules():
        layer = _layer(path)
        for name in _imports(path):
            banned = any(_within(name, b) for b in FORBIDDEN.get(layer, ()))
            allowed = any(_within(name, a) for a in ALLOWED_INSIDE.get(layer, ()))
            if banned and not allowed:
                offenders.append(f"{path.relative_to(PACKAGE)} ({layer}) imports {name}")
    assert offenders == []


def _declares_all(path: Path) -> bool:
    for node in ast.parse(path.read_text()).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if any(getattr(t, "id", "") == "__all__" for t in targets):
            return True
    return False


def test_every_module_declares_its_public_names():
    exempt = {"__main__.py", "app.py"}  # a command, and the lecture's Flask app
    missing = [
        str(p.relative_to(PACKAGE))
        for p in _modules()
        if p.name not in exempt and not _declares_all(p)
    ]
    assert missing == []


def test_the_tree_shows_the_layers():
    for folder in ("core", "replay", "engine", "views", "widgets", "teaching", "lessons"):
        assert (PACKAGE / folder / "__init__.py").is_file(), folder
    for lesson in (
        "setup",
        "layers",
        "writable",
        "lifecycle",
        "drivers",
        "named_volumes",
        "mounts",
        "sharing",
        "cleanup",
    ):
        assert (PACKAGE / "lessons" / lesson / "experiments.py").is_file(), lesson
