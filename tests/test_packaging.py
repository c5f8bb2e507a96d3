"""The code runs on the oldest Python it promises; the package imports fast."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib  # novermin (3.11+; tomli below on 3.10)
except ModuleNotFoundError:  # Python 3.10: the same parser, as a package (the test extras)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


# environment.yml and binder/requirements.txt against pyproject: tests/test_dependencies.py


def _split(requirement: str) -> tuple[str, str]:
    """("docker", ">=7.2") from "docker>=7.2" (a marker after ';' left out)."""
    requirement = requirement.split(";", 1)[0].strip()
    name = re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0]
    return name.lower(), requirement[len(name) :].replace(" ", "")


def test_code_runs_on_the_oldest_python_it_promises():
    """vermin reads every module and names the oldest Python each needs: none may need more than
    pyproject's requires-python (tomllib, say, is 3.11's)."""
    floor = re.fullmatch(r">=(3\.\d+)", _pyproject()["requires-python"])
    assert floor, "requires-python is a floor: >=3.N"
    vermin = Path(sys.executable).with_name("vermin")  # installed beside this Python (test extras)
    argv = [str(vermin), "-q", "--no-tips", "--violations", f"-t={floor[1]}-", "--eval-annotations"]
    done = subprocess.run(
        [*argv, "labhelpers", "tools", "tests", "conftest.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_import_does_not_load_the_heavy_libraries():
    code = (
        "import sys, labhelpers\n"
        "names = ('docker', 'matplotlib', 'ipywidgets', 'requests')\n"
        "heavy = [m for m in names if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_names_resolve():
    import labhelpers

    for name in labhelpers.__all__:
        assert getattr(labhelpers, name) is not None, name


TEST_TOOLS = ("playwright", "pytest-playwright", "ruff", "hypothesis", "pytest", "vermin", "nox")


def test_make_lab_installs_the_learners_set_and_no_test_tool(tmp_path):
    """`make lab` installs the package with no extra, and a fresh environment made that way (with
    uv, from its cache: seconds) holds no test tool."""
    learner = {_split(r)[0] for r in _pyproject()["dependencies"]}
    assert learner == {"docker", "ipywidgets", "jupyterlab", "jupytext", "matplotlib"}
    assert not learner & set(TEST_TOOLS)
    makefile = (ROOT / "Makefile").read_text()
    install = [line for line in makefile.splitlines() if "pip install" in line and " -e " in line]
    assert install and all("-e . " in line and "[" not in line for line in install), install
    extras = _pyproject()["optional-dependencies"]
    assert {"test", "browser", "lint", "dev"} <= set(extras)
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if not uv:
        pytest.skip("no uv here to make a fresh environment with (pip install uv)")
    venv = tmp_path / "lab"
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, venv], check=True)
    python = str(venv / "bin" / "python")
    pins = ["-c", "binder/requirements.txt"]
    install = [uv, "pip", "install", "-q", "--python", python, "-e", ".", *pins]
    subprocess.run(install, cwd=ROOT, check=True, capture_output=True, timeout=600)
    listed = subprocess.run(
        [uv, "pip", "list", "--python", python, "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    installed = {p["name"].lower() for p in json.loads(listed.stdout)}
    assert {"jupyterlab", "ipywidgets", "docker", "matplotlib", "jupytext"} <= installed
    assert installed.isdisjoint(TEST_TOOLS), installed & set(TEST_TOOLS)
