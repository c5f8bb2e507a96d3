"""The code runs on the oldest Python it promises; the package imports fast."""

import re
import subprocess
import sys
from pathlib import Path

try:
    import tomllib  # novermin (3.11+; tomli below on 3.10)
except ModuleNotFoundError:  # Python 3.10: the same parser, as a package (the test extras)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


# environment.yml and binder/requirements.txt against pyproject: tests/test_dependencies.py


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
