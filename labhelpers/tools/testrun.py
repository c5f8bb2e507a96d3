"""`python -m labhelpers test` (what `make test` runs): every check of the course, in phases.

    lint        ruff check and ruff format --check
    pairs       every notebook's .md and .ipynb in step
    api         docs/notebook-api.md current, notebooks call only what it lists
    unit        tests that need no Engine
    engine      tests against the Engine                                   (needs an Engine)
    live        every notebook under nbval, live, recording afresh         (needs an Engine)
    drift       the committed recordings still match that live run         (needs an Engine)
    replay      every notebook under nbval again, replayed with no Engine reachable

With no Engine, the lab's three-line message is printed once, the phases that need one are not
run, and the run fails with a one-line summary of what it could not run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["PHASES", "main"]

ROOT = Path(__file__).resolve().parents[2]
NEED_ENGINE = ("engine", "live", "drift")
PHASES = ("lint", "pairs", "api", "unit", "engine", "live", "drift", "replay")
SANITIZE = ROOT / "tests" / "nbval-sanitize.cfg"
FRESH = ROOT / "build" / "recordings"


def _nbval(extra_env: dict | None = None) -> tuple[list[str], dict]:
    argv = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        str(SANITIZE),
        "--nbval-cell-timeout",
        "900",
        "notebooks",
    ]
    return argv, {**os.environ, **(extra_env or {})}


def _commands(phase: str) -> list[tuple[list[str], dict]]:
    py = sys.executable
    env = dict(os.environ)
    if phase == "lint":
        ruff = shutil.which("ruff", path=str(Path(py).parent)) or "ruff"
        return [([ruff, "check", "-q", "."], env), ([ruff, "format", "--check", "-q", "."], env)]
    if phase == "pairs":
        return [([py, "-m", "labhelpers", "sync", "--check"], env)]
    if phase == "api":
        return [([py, "-m", "labhelpers", "api", "--check"], env)]
    if phase == "unit":
        return [([py, "-m", "pytest", "-q", "-m", "not engine", "tests"], env)]
    if phase == "engine":
        return [([py, "-m", "pytest", "-q", "-m", "engine", "tests"], env)]
    if phase == "live":
        shutil.rmtree(FRESH, ignore_errors=True)
        return [_nbval({"LABHELPERS_MODE": "live", "LABHELPERS_RECORD_DIR": str(FRESH)})]
    if phase == "drift":
        return [([py, "-m", "labhelpers", "record", "--check", str(FRESH)], env)]
    if phase == "replay":
        dead = {"LABHELPERS_MODE": "replay", "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
        return [_nbval(dead)]
    raise ValueError(phase)


def _engine_problem() -> str | None:
    """The lab's message when no Engine answers (None when one does)."""
    from ..engine.connection import why_unavailable

    os.environ.setdefault("LABHELPERS_MODE", "live")
    problem = why_unavailable()
    return None if problem is None else str(problem)


def main(phases: list[str] | None = None) -> int:
    """Run the phases (all by default); 0 when every one ran and passed."""
    wanted = phases or list(PHASES)
    unknown = [p for p in wanted if p not in PHASES]
    if unknown:
        print(f"Unknown phase {', '.join(unknown)}; the phases are: {', '.join(PHASES)}.")
        return 2
    os.chdir(ROOT)
    problem = _engine_problem() if any(p in NEED_ENGINE for p in wanted) else None
    if problem:
        print(problem)
    failed, skipped, timings = [], [], []
    for phase in wanted:
        if problem and phase in NEED_ENGINE:
            skipped.append(phase)
            continue
        if phase == "drift" and "live" in failed:
            skipped.append(phase)
            continue
        print(f"== {phase}", flush=True)
        started = time.perf_counter()
        ok = all(subprocess.run(argv, env=env).returncode == 0 for argv, env in _commands(phase))
        timings.append(f"{phase} {time.perf_counter() - started:.0f}s")
        if not ok:
            failed.append(phase)
    ran = [p for p in wanted if p not in skipped]
    summary = f"test: {len(ran) - len(failed)}/{len(wanted)} phases passed ({', '.join(timings)})"
    if failed:
        summary += f"; failed: {', '.join(failed)}"
    if skipped:
        why = "no Docker Engine answers" if problem else "an earlier phase failed"
        summary += f"; not run ({why}): {', '.join(skipped)}"
    print(summary)
    return 0 if not failed and not skipped else 1
