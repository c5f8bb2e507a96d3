"""`python -m labhelpers test` (make test) with no Engine: one three-line message, the phases that
need no Engine run, the others are named in a one-line summary, and the run fails."""

from __future__ import annotations

import os
import subprocess
import sys

DEAD = "unix:///tmp/labhelpers-no-engine-here.sock"


def test_with_no_engine_the_run_says_so_once_and_fails_with_a_summary():
    env = dict(os.environ, DOCKER_HOST=DEAD)
    env.pop("LABHELPERS_MODE", None)
    env.pop("LABHELPERS_ENGINES", None)  # this run is about the default Engine alone
    done = subprocess.run(
        [sys.executable, "-m", "labhelpers", "test", "pairs", "engine", "live", "drift"],
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
        "test: 1/4 phases passed (pairs "
        + lines[-1].split("(pairs ", 1)[1].split(")", 1)[0]
        + "); not run (no Docker Engine answers): engine, live, drift"
    )
    assert "Traceback" not in done.stdout + done.stderr
    assert len(lines) <= 10


def test_an_unknown_phase_is_refused():
    done = subprocess.run(
        [sys.executable, "-m", "labhelpers", "test", "everything"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "the phases are: lint, pairs" in done.stdout
