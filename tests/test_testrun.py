"""`python -m tools.testrun` (make test) with no Engine: one three-line message, the phases that
need no Engine run, the others are named in a one-line summary, and the run fails. The fault tests
run in the `faults` phase alone (neither `unit` nor `engine` runs them), on one Engine: the first of
the reference kind, else the first of the matrix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEAD = "unix:///tmp/labhelpers-no-engine-here.sock"


def test_with_no_engine_the_run_says_so_once_and_fails_with_a_summary():
    env = dict(os.environ, DOCKER_HOST=DEAD)
    env.pop("LABHELPERS_MODE", None)
    env.pop("LABHELPERS_ENGINES", None)  # this run is about the default Engine alone
    done = subprocess.run(
        [sys.executable, "-m", "tools.testrun", "pairs", "engine", "live", "drift", "faults"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = (done.stdout + done.stderr).splitlines()
    assert done.returncode == 1
    assert lines[0] == f"Could not reach a Docker Engine at DOCKER_HOST={DEAD}."
    assert lines[1].startswith("Why: ") and lines[2].startswith("What to do: ")
    assert sum("Could not reach" in line for line in lines) == 1
    assert lines[-1] == (
        "test: 1/5 phases passed (pairs "
        + lines[-1].split("(pairs ", 1)[1].split(")", 1)[0]
        + "); not run (no Docker Engine answers): engine, live, drift, faults"
    )
    assert "Traceback" not in done.stdout + done.stderr
    assert len(lines) <= 10


def test_an_unknown_phase_is_refused():
    done = subprocess.run(
        [sys.executable, "-m", "tools.testrun", "everything"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "the phases are: lint, pairs" in done.stdout


def _collected(argv: list[str]) -> list[str]:
    """The tests of tests/test_faults.py that the pytest command ARGV would run."""
    argv = [*argv, "--collect-only", "tests/test_faults.py"]  # ARGV has -q: one line a test
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=root)
    return [line for line in done.stdout.splitlines() if line.startswith("tests/")]


def test_the_faults_run_in_their_own_phase_alone():
    from tools.testrun import _commands

    ((faults, _),) = _commands("faults", None, strict=True)
    assert len(_collected(faults)) >= 8
    for phase in ("unit", "engine"):
        ((argv, _),) = _commands(phase, None, strict=True)
        assert _collected(argv) == [], f"the {phase} phase runs fault tests"


def test_the_faults_run_on_one_engine_of_the_reference_kind_or_else_the_first():
    from tools.testrun import Engine, one_engine

    def engine(name: str, version: str, store: str, problem: str = "") -> Engine:
        return Engine(name, None, version, "overlayfs", store, problem)

    reference = ("28", "overlayfs", "containerd")
    system = engine("system", "20.10.24", "graph driver")
    overlay2 = engine("28-overlay2", "28.5.2", "graph driver")
    containerd = engine("28-containerd", "28.5.2", "containerd")
    assert one_engine([system, overlay2, containerd], reference) is containerd
    assert one_engine([system, overlay2], reference) is system
    down = engine("28-containerd", "", "", problem="not running")
    assert one_engine([system, down], reference) is system


def test_the_browser_pass_is_the_last_phase_run_once_and_left_out_of_unit_and_engine():
    from tools.testrun import ONE_ENGINE, PHASES, _commands

    assert PHASES[-1] == "browser" and "browser" in ONE_ENGINE
    (browse, _), (proof, _) = _commands("browser", None, strict=True)
    assert browse[1:] == ["-m", "tools.browser"]
    assert proof[-3:] == ["-m", "browser", "tests/test_browser.py"]
    for phase in ("unit", "engine"):
        ((argv, _),) = _commands(phase, None, strict=True)
        assert "not browser" in argv[-1], f"the {phase} phase runs browser tests"


def test_with_no_chromium_the_browser_phase_is_not_run_and_says_why(tmp_path):
    """A learner's machine without Chromium: the other phases run, the browser one is named as not
    run with the reason, after the three-line message saying what to install."""
    import shutil

    (tmp_path / "docker").symlink_to(shutil.which("docker"))  # the CLI stays; no browser here
    path = os.pathsep.join([str(Path(sys.executable).parent), str(tmp_path)])
    env = dict(os.environ, PATH=path, DOCKER_HOST=DEAD)
    for name in ("LABHELPERS_MODE", "LABHELPERS_ENGINES", "LABHELPERS_CHROMIUM"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "tools.testrun", "pairs", "browser"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = done.stdout + done.stderr
    lines = out.splitlines()
    assert done.returncode == 1, out
    assert "No Chromium or Chrome found for the browser pass" in out
    assert any(line.startswith("What to do: ") and "chromium" in line for line in lines), out
    assert lines[-1].endswith("; not run (no Chromium): browser"), lines[-1]
    assert lines[-1].startswith("test: 1/2 phases passed (pairs "), lines[-1]
    assert "Traceback" not in out
