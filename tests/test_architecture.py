"""The package's shape. The import rules are import-linter contracts (pyproject.toml,
`[tool.importlinter]`: the layers, views take results, only the Engine layer imports the SDK,
nothing imports the contributors' tools, and no import cycle at any depth, imports inside
functions included); lint runs them, and this test proves they hold and that they can fail.

Besides imports: only the Engine layer calls the SDK's client, every module says what it
exports, every lesson has its experiments, and no lesson maps course names itself.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "labhelpers"
LESSONS = ("setup", "layers", "writable", "lifecycle", "drivers", "named_volumes", "mounts",
           "sharing", "cleanup")  # fmt: skip


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    tool = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    return subprocess.run(
        [tool, "--no-cache"], cwd=root, capture_output=True, text=True, timeout=300
    )


@pytest.mark.skipif(
    not shutil.which("lint-imports", path=str(Path(sys.executable).parent)),
    reason="import-linter is a lint tool: installed for `make test`, not for `make lab`",
)
def test_the_import_contracts_hold_and_can_fail(tmp_path):
    kept = _lint_imports(ROOT)
    assert kept.returncode == 0, kept.stdout[-3000:]
    # a copy of the package with one circle (core importing the Engine layer) breaks them
    copy = tmp_path / "copy"
    shutil.copytree(PACKAGE, copy / "labhelpers", ignore=shutil.ignore_patterns("recordings"))
    shutil.copytree(ROOT / "tools", copy / "tools")
    shutil.copy(ROOT / "pyproject.toml", copy)
    units = copy / "labhelpers" / "core" / "units.py"
    units.write_text(units.read_text() + "\nfrom ..engine import connection  # noqa\n")
    broken = _lint_imports(copy)
    assert broken.returncode != 0
    assert "No import cycle" in broken.stdout and "BROKEN" in broken.stdout


def _calls_client(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name == "client":
                return True
    return False


def test_only_the_engine_layer_calls_the_client():
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in _modules()
        if p.relative_to(PACKAGE).parts[0] != "engine" and _calls_client(p)
    ]
    assert offenders == []


def test_no_lesson_maps_course_names_itself():
    """An Engine step declares its course names (`names=`) and the step decorator maps them."""
    offenders = [
        f"{p.relative_to(PACKAGE)}:{n}"
        for p in (PACKAGE / "lessons").rglob("*.py")
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if "real(" in line or "course_name(" in line
    ]
    assert offenders == []


def _declares_all(path: Path) -> bool:
    for node in ast.parse(path.read_text()).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if any(getattr(t, "id", "") == "__all__" for t in targets):
            return True
    return False


def _imports_by_name(path: Path) -> list[str]:
    """The constant module names a module imports through importlib or __import__."""
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        called = getattr(node.func, "attr", getattr(node.func, "id", ""))
        if called in ("import_module", "__import__"):
            names += [a.value for a in node.args if isinstance(a, ast.Constant)]
    return names


def test_the_package_names_no_plugin():
    """The contributors' plugins (tools/) are loaded only by the names a run gives in
    LABHELPERS_PLUGINS: no module of the package imports one by a name of its own, and the
    recorder, the audit's writer and the step timer are not in the package."""
    offenders = [
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in _modules()
        for name in _imports_by_name(path)
        if str(name).split(".")[0] == "tools"
    ]
    assert offenders == []
    assert not {"recorder.py", "audit.py", "timing.py"} & {p.name for p in _modules()}


def test_every_module_declares_its_public_names():
    exempt = {"__main__.py", "app.py"}  # a command, and the lecture's Flask app
    missing = [
        str(p.relative_to(PACKAGE))
        for p in _modules()
        if p.name not in exempt and not _declares_all(p)
    ]
    assert missing == []


def test_the_tree_shows_the_layers():
    for folder in ("core", "replay", "engine", "widgets", "teaching", "lessons"):
        assert (PACKAGE / folder / "__init__.py").is_file(), folder
    for lesson in LESSONS:
        assert (PACKAGE / "lessons" / lesson / "experiments.py").is_file(), lesson
