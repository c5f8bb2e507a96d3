"""pyproject.toml and environment.yml describe the same environment; the package imports fast."""

import re
import subprocess
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"docker-py": "docker"}  # conda-forge's name -> PyPI's name


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["test"]}
    text = (ROOT / "environment.yml").read_text()
    section = text.split("\ndependencies:\n", 1)[1]
    conda = set()
    for line in section.splitlines():
        match = re.match(r"^  - ([A-Za-z0-9_.-]+)", line)
        if match and match[1] not in ("python", "pip"):
            conda.add(CONDA_NAMES.get(match[1], match[1]).lower())
    assert conda == wanted


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
