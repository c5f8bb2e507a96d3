"""`python -m tools.testrun` (what `make test` runs): every check of the course, in phases.

    lint        ruff check and ruff format --check
    pairs       every notebook's .md and .ipynb in step; each notebook's prose within its length
    api         docs/notebook-api.md current, notebooks call only what it lists; docs/bad-input.md
                current (the bad-input catalogue, made without an Engine)
    unit        tests that need no Engine
    engine      tests against the Engine                                    (each Engine)
    live        every notebook under nbval, live, recording afresh          (each Engine)
    drift       the committed recordings still match that live run          (each Engine)
    safety      every container that live run created, and every removal, kept the lab's safety
                rules (tools.audit)                             (each Engine)
    faults      tests/test_faults.py (marker `faults`): the Engine stopped, a kernel interrupted
                or restarted, a nearly full disk, a long step               (one Engine)
    replay      every notebook under nbval again, replayed with no Engine reachable
    browser     what the learner sees: every notebook in JupyterLab in Chromium, live and then
                replayed, with the widgets used with the mouse (python -m tools.browser),
                and the proof that a broken widget front-end fails it (marker `browser`)
                                                                            (one Engine)

Which Engines: the one the docker CLI and the lab reach (DOCKER_HOST) by default, or every Engine
named in LABHELPERS_ENGINES ("system 28-overlay2 28-containerd": `system` is the default one, the
others are started by scripts/lab-engines and listen on /run/lab-engines/NAME/docker.sock). The
faults and the browser pass run once, on the first Engine of the reference kind (the one the
recordings come from) or, when none is, on the first Engine; the faults start Engines of their own
beside it (scripts/lab-engines).

What nbval compares: the stored outputs come from one Engine (the one the recordings name; see
CONTRIBUTING.md). On an Engine of the same kind (same major version, storage driver and image
store) every output is compared and the drift check compares calls and the shapes of results. On
any other Engine sizes, ids and verdicts may rightly differ: every cell must run without an error
(nbval --nbval-lax) and each cell must make the same calls, each answering with the same kind of
result.

With no Engine (and none named), the lab's three-line message is printed once, the phases that
need one are not run, and the run fails with a one-line summary of what it could not run.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["ENGINES_SETTING", "PHASES", "Engine", "main", "one_engine"]

ROOT = Path(__file__).resolve().parents[1]
PER_ENGINE = ("engine", "live", "drift", "safety")
ONE_ENGINE = ("faults", "browser")
PHASES = (
    "lint",
    "pairs",
    "api",
    "unit",
    "engine",
    "live",
    "drift",
    "safety",
    "faults",
    "replay",
    "browser",
)
SANITIZE = ROOT / "tests" / "nbval-sanitize.cfg"
FRESH = ROOT / "build" / "recordings"
ENGINES_SETTING = "LABHELPERS_ENGINES"
SOCKETS = Path("/run/lab-engines")


@dataclasses.dataclass
class Engine:
    """One Engine of the matrix: its name, its DOCKER_HOST (None: the default one) and facts."""

    name: str
    host: str | None
    version: str = ""
    driver: str = ""
    image_store: str = ""
    problem: str = ""

    @property
    def env(self) -> dict:
        env = dict(os.environ)
        if self.host:
            env["DOCKER_HOST"] = self.host
        return env

    @property
    def kind(self) -> tuple:
        return (self.version.split(".", 1)[0], self.driver, self.image_store)

    def describe(self) -> str:
        return f"Docker {self.version}, {self.driver}, {self.image_store} image store"


def _facts(engine: Engine) -> Engine:
    done = subprocess.run(
        ["docker", "info", "--format", "{{json .}}"],
        env=engine.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    info = {}
    if done.returncode == 0:
        info = json.loads(done.stdout or "{}")
    if not info.get("ServerVersion"):
        from labhelpers.engine.connection import unavailable_message

        host = engine.host or os.environ.get("DOCKER_HOST", "")
        problem = unavailable_message(Exception(done.stderr.strip()), host=host)
        if engine.host:  # one of the matrix's own Engines
            problem.why = "the Engine of the test matrix is not running."
            problem.todo = f"start it: `sudo scripts/lab-engines start {engine.name}`."
        engine.problem = str(problem)
        return engine
    status = dict(tuple(pair) for pair in info.get("DriverStatus") or [])
    snapshotter = "io.containerd.snapshotter" in str(status.get("driver-type", ""))
    engine.version = info["ServerVersion"]
    engine.driver = info.get("Driver", "?")
    engine.image_store = "containerd" if snapshotter else "graph driver"
    return engine


def engines() -> tuple[list[Engine], bool]:
    """The Engines to test, with their facts; and whether they were named (a matrix)."""
    named = os.environ.get(ENGINES_SETTING, "").split()
    if not named:
        return [_facts(Engine("default", None))], False
    found = []
    for name in named:
        host = None if name == "system" else f"unix://{SOCKETS / name / 'docker.sock'}"
        found.append(_facts(Engine(name, host)))
    return found, True


def reference() -> tuple:
    """The kind of Engine the stored outputs and recordings come from."""
    path = ROOT / "labhelpers" / "recordings" / "00-check-your-lab.json"
    meta = json.loads(path.read_text()).get("meta", {}) if path.exists() else {}
    version = str(meta.get("engine_version", "")).split(".", 1)[0]
    return (version, meta.get("storage_driver", ""), meta.get("image_store", "graph driver"))


def one_engine(matrix: list[Engine], kind: tuple) -> Engine:
    """The Engine a phase run once (faults, browser) runs on: the first of KIND (the reference
    kind), else the first of the matrix."""
    return next((e for e in matrix if not e.problem and e.kind == kind), matrix[0])


def _nbval(env: dict, lax: bool) -> list[str]:
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval"]
    argv += ["--nbval-current-env", "--nbval-sanitize-with", str(SANITIZE)]
    argv += ["--nbval-cell-timeout", "900", "notebooks"]
    if lax:
        argv.insert(6, "--nbval-lax")
    return argv


def _commands(phase: str, engine: Engine | None, strict: bool) -> list[tuple[list[str], dict]]:
    py = sys.executable
    env = engine.env if engine else dict(os.environ)
    pytest = [py, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    if phase == "lint":
        ruff = shutil.which("ruff", path=str(Path(py).parent)) or "ruff"
        return [([ruff, "check", "-q", "."], env), ([ruff, "format", "--check", "-q", "."], env)]
    if phase == "pairs":
        return [
            ([py, "-m", "tools.notebooks", "--check"], env),
            ([py, "-m", "tools.lengths", "--check"], env),
        ]
    if phase == "api":
        return [
            ([py, "-m", "tools.api", "--check"], env),
            ([py, "-m", "tools.catalogue", "--check"], env),
        ]
    if phase == "unit":
        return [([*pytest, "-m", "not engine and not faults and not browser"], env)]
    if phase == "engine":
        return [([*pytest, "-m", "engine and not faults and not browser"], env)]
    if phase == "faults":
        return [([*pytest, "-m", "faults"], env)]
    if phase == "browser":
        state = FRESH / "browser-state"
        shutil.rmtree(state, ignore_errors=True)
        seen = {**env, "LABHELPERS_STATE_DIR": str(state)}  # names chosen afresh, as in `live`
        return [
            ([py, "-m", "tools.browser"], seen),
            ([*pytest, "-m", "browser", "tests/test_browser.py"], seen),
        ]
    fresh = FRESH / (engine.name if engine else "default")
    if phase == "live":
        shutil.rmtree(fresh, ignore_errors=True)
        live = {**env, "LABHELPERS_MODE": "live", "LABHELPERS_RECORD_DIR": str(fresh)}
        live["LABHELPERS_NAMES_LOG"] = str(fresh / "names.log")
        live["LABHELPERS_STATE_DIR"] = str(fresh / "state")  # names chosen afresh for this run
        live["LABHELPERS_AUDIT"] = str(fresh / "audit.jsonl")
        return [(_nbval(live, lax=not strict), live)]
    if phase == "drift":
        argv = [py, "-m", "tools.record", "--check", str(fresh)]
        return [(argv if strict else [*argv, "--calls-only"], env)]
    if phase == "safety":
        return [([py, "-m", "tools.audit", str(fresh / "audit.jsonl")], env)]
    if phase == "replay":
        dead = {**env, "LABHELPERS_MODE": "replay", "DOCKER_HOST": "unix:///nonexistent.sock"}
        return [(_nbval(dead, lax=False), dead)]
    raise ValueError(phase)


def _no_chromium() -> str:
    """Why the browser pass cannot run here ("" when it can): it needs a Chromium."""
    from .browser import chromium

    try:
        chromium()
    except RuntimeError as exc:
        return str(exc)
    return ""


def main(phases: list[str] | None = None) -> int:
    """Run the phases (all by default); 0 when every one ran and passed."""
    wanted = phases or list(PHASES)
    unknown = [p for p in wanted if p not in PHASES]
    if unknown:
        print(f"Unknown phase {', '.join(unknown)}; the phases are: {', '.join(PHASES)}.")
        return 2
    os.chdir(ROOT)
    needs_engine = any(p in PER_ENGINE + ONE_ENGINE for p in wanted)
    matrix, named = engines() if needs_engine else ([], False)
    down = [e for e in matrix if e.problem]
    for engine in down:
        prefix = f"Engine {engine.name}: " if named else ""
        print(prefix + engine.problem)
    kind = reference()
    outcomes: list[tuple[str, str]] = []  # (label, "passed" | "failed" | "not run")
    reasons: dict[str, str] = {}  # label -> why it was not run, when not the usual reason
    timings: list[str] = []

    def run(label: str, phase: str, engine: Engine | None, strict: bool = True) -> None:
        print(f"== {label}", flush=True)
        started = time.perf_counter()
        commands = _commands(phase, engine, strict)
        ok = all(subprocess.run(argv, env=env).returncode == 0 for argv, env in commands)
        timings.append(f"{label} {time.perf_counter() - started:.0f}s")
        outcomes.append((label, "passed" if ok else "failed"))

    for phase in wanted:
        if phase == "browser" and (no_browser := _no_chromium()):
            print(f"== browser\n{no_browser}")
            outcomes.append(("browser", "not run"))
            reasons["browser"] = "no Chromium"
            continue
        if phase not in PER_ENGINE + ONE_ENGINE:
            run(phase, phase, None)
            continue
        for engine in matrix if phase in PER_ENGINE else [one_engine(matrix, kind)]:
            label = phase if not named else f"{phase}@{engine.name}"
            live = "live" if not named else f"live@{engine.name}"
            if engine.problem:
                outcomes.append((label, "failed" if named else "not run"))
            elif phase in ("drift", "safety") and (live, "failed") in outcomes:
                outcomes.append((label, "not run"))
            else:
                strict = engine.kind == kind
                if phase == "live":
                    how = (
                        "every output compared"
                        if strict
                        else "cells must run, outputs not compared"
                    )
                    print(f"   {engine.name}: {engine.describe()} ({how})")
                if phase in ONE_ENGINE:
                    print(f"   {engine.name}: {engine.describe()} (this phase runs on it alone)")
                run(label, phase, engine, strict)
    failed = [label for label, status in outcomes if status == "failed"]
    skipped = [label for label, status in outcomes if status == "not run"]
    passed = len(outcomes) - len(failed) - len(skipped)
    summary = f"test: {passed}/{len(outcomes)} phases passed ({', '.join(timings)})"
    if failed:
        summary += f"; failed: {', '.join(failed)}"
    usual = "no Docker Engine answers" if down and not named else "an earlier phase failed"
    for why in dict.fromkeys(reasons.get(label, usual) for label in skipped):
        labels = [label for label in skipped if reasons.get(label, usual) == why]
        summary += f"; not run ({why}): {', '.join(labels)}"
    print(summary)
    return 0 if not failed and not skipped else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
