"""Binder: binder/ follows repo2docker's conventions, and a stand-in for Binder replays the course.

The stand-in: a copy of the repository, a fresh virtual environment made only from what binder/
declares (requirements.txt, then postBuild), no Docker Engine reachable, binder/start around every
command; then every notebook runs under nbval in replay mode and must pass, and every notebook's
outputs must carry the replay banner (read from the outputs the nbval run wrote down: conftest.py,
LABHELPERS_OUTPUTS_DIR; no second run). requirements.txt is installed with uv where it is there
(the test environment has it: the same pins, resolved the same way, in seconds rather than a
minute), else with pip as repo2docker does; postBuild runs as written (pip).
"""

from __future__ import annotations

import json
import os
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

from labhelpers.replay.banners import BANNER_MARK

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
DEAD = "unix:///tmp/labhelpers-no-engine-here.sock"
FIRST = "notebooks/00-check-your-lab.ipynb"


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower()


def test_binder_folder_follows_repo2docker_conventions():
    requirements = [
        line for line in (BINDER / "requirements.txt").read_text().splitlines() if line.strip()
    ]
    wanted = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    declared = {_name(r) for r in requirements if not r.startswith("#")}
    assert {_name(r) for r in wanted} <= declared  # the lock's learner set (test_dependencies)
    assert {"jupyterlab", "ipywidgets"} <= declared  # JupyterLab opens, widgets work
    assert re.fullmatch(r"python-3\.\d+\n", (BINDER / "runtime.txt").read_text())
    for script in ("postBuild", "start"):
        path = BINDER / script
        assert os.access(path, os.X_OK), f"binder/{script} must be executable"
        assert path.read_text().startswith("#!/bin/bash\n")
    assert "set -euo pipefail" in (BINDER / "postBuild").read_text()
    start = (BINDER / "start").read_text().strip().splitlines()
    assert start[-1] == 'exec "$@"' and "LABHELPERS_MODE=replay" in "\n".join(start)


def test_readme_badge_opens_jupyterlab_on_notebook_00():
    readme = (ROOT / "README.md").read_text()
    logo = re.escape("[![Binder](https://mybinder.org/badge_logo.svg)]")
    badge = re.search(logo + r"\(([^)]+)\)", readme)
    assert badge, "the README needs a Binder badge"
    link = badge[1]
    assert link.startswith("https://mybinder.org/v2/gh/")
    assert link.endswith(f"?urlpath=lab/tree/{FIRST}")
    assert (ROOT / FIRST).is_file()


def _copy_repository(target: Path) -> Path:
    """What Binder clones (less caches, scratch folders and local environments)."""
    ignore = shutil.ignore_patterns(
        "__pycache__", ".ipynb_checkpoints", "*.egg-info", "workspace", "my-app", "*.part"
    )
    target.mkdir()
    for name in ("pyproject.toml", "README.md", "conftest.py", "jupytext.toml"):
        shutil.copy2(ROOT / name, target / name)
    (target / "tests").mkdir()
    shutil.copy2(ROOT / "tests" / "nbval-sanitize.cfg", target / "tests" / "nbval-sanitize.cfg")
    for name in ("labhelpers", "binder", "notebooks"):
        shutil.copytree(ROOT / name, target / name, ignore=ignore)
    return target


def _run(argv: list, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{argv[:4]} failed:\n{(done.stdout + done.stderr)[-4000:]}"
    return done


@pytest.mark.binder
@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("LABHELPERS_SKIP_BINDER_TEST") == "1", reason="LABHELPERS_SKIP_BINDER_TEST=1"
)
def test_binder_stand_in_replays_every_notebook_with_no_engine(tmp_path):
    repo = _copy_repository(tmp_path / "repo")
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv])
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LABHELPERS_", "VIRTUAL_ENV"))}
    env.update(PATH=f"{venv / 'bin'}:{env['PATH']}", DOCKER_HOST=DEAD, BINDER_SERVICE_HOST="x")

    # what repo2docker does: requirements.txt, then postBuild from the repository's root
    requirements = repo / "binder/requirements.txt"
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if uv:
        _run([uv, "pip", "install", "-q", "--python", python, "-r", requirements], env=env)
    else:
        _run([python, "-m", "pip", "install", "-q", "-r", requirements], env=env)
    _run([repo / "binder/postBuild"], cwd=repo, env=env, timeout=600)
    debris = [p.name for p in repo.iterdir() if p.name == "build" or p.name.endswith(".egg-info")]
    assert debris == [], f"left in the learner's file browser: {debris}"
    prefix = _run([python, "-c", "import sys; print(sys.prefix)"], env=env).stdout.strip()
    overrides = json.loads((Path(prefix) / "share/jupyter/lab/settings/overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    extensions = _run([venv / "bin/jupyter", "labextension", "list"], env=env)
    listed = re.sub(r"\x1b\[[0-9;]*m", "", extensions.stdout + extensions.stderr)
    assert re.search(r"@jupyter-widgets/jupyterlab-manager v\S+ enabled", listed), listed

    # the notebooks' kernel is the Binder environment; nbval (a test tool) drives it from outside
    kernels = tmp_path / "kernels"
    _run([python, "-m", "ipykernel", "install", "--prefix", kernels, "--name", "binder-stand-in"])
    env["JUPYTER_PATH"] = str(kernels / "share" / "jupyter")
    notebooks = sorted((repo / "notebooks").glob("[0-9]*.ipynb"))
    assert notebooks
    start = repo / "binder/start"
    outputs = tmp_path / "outputs"
    env["LABHELPERS_OUTPUTS_DIR"] = str(outputs)  # after binder/start, which keeps it
    nbval = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", repo]
    nbval += ["--nbval", "--nbval-kernel-name", "binder-stand-in", "--nbval-sanitize-with"]
    nbval += [repo / "tests/nbval-sanitize.cfg", *notebooks]
    done = subprocess.run(
        [start, *nbval], cwd=repo, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout[-6000:]

    # every notebook says, on its outputs, that it is a replay
    for path in notebooks:
        cells = (outputs / f"{path.stem}.jsonl").read_text().splitlines()
        shown = [json.dumps(json.loads(c)["outputs"], ensure_ascii=False) for c in cells]
        assert "REPLAY MODE" in shown[0], f"{path.name}: no replay banner on its first cell"
        assert any(BANNER_MARK in o for o in shown[1:]), f"{path.name}: no banner"
