"""The Engine matrix the pipeline tests on, and which of its Engines is the reference.

LABHELPERS_ENGINES names the Engines, separated by spaces: "system 28-overlay2 28-containerd".
`system` is the Engine the docker CLI reaches by default (DOCKER_HOST, else the CLI's context);
any other NAME is one started by scripts/lab-engines, on /run/lab-engines/NAME/docker.sock. Each
name can be mapped to any socket, `NAME=DOCKER_HOST`, so that a contributor runs the matrix on
Engines of their own: "system=unix:///run/lab-engines/pl-20/docker.sock
28-overlay2=unix:///run/lab-engines/pl-28-overlay2/docker.sock ...". Unset: the one default Engine.

The reference Engine is the first that answers and is of the kind the stored outputs and the
recordings come from (same major version, storage driver and image store): every output is
compared there and the whole suite runs there. On the others, sizes, ids and verdicts may rightly
differ: cells must run, calls must match, and only the tests marked `per_engine` run.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
from pathlib import Path

__all__ = [
    "ENGINES_SETTING",
    "SOCKETS",
    "Engine",
    "facts",
    "matrix",
    "named",
    "reference",
    "reference_kind",
]

ROOT = Path(__file__).resolve().parents[1]
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
        """The environment a command run against this Engine gets (DOCKER_HOST set)."""
        env = dict(os.environ)
        if self.host:
            env["DOCKER_HOST"] = self.host
        return env

    @property
    def kind(self) -> tuple:
        return (self.version.split(".", 1)[0], self.driver, self.image_store)

    def describe(self) -> str:
        return f"Docker {self.version}, {self.driver}, {self.image_store} image store"


def named(setting: str | None = None) -> list[Engine]:
    """The Engines LABHELPERS_ENGINES (or SETTING) names, without asking them anything; the one
    default Engine ("default") when it is unset."""
    text = os.environ.get(ENGINES_SETTING, "") if setting is None else setting
    found = []
    for word in text.split():
        name, _, host = word.partition("=")
        if not host and name != "system":
            host = f"unix://{SOCKETS / name / 'docker.sock'}"
        found.append(Engine(name, host or None))
    return found or [Engine("default", None)]


def facts(engine: Engine) -> Engine:
    """ENGINE with its version, storage driver and image store filled in, or its `problem` (the
    lab's three-line message) when it does not answer."""
    try:
        done = subprocess.run(
            ["docker", "info", "--format", "{{json .}}"],
            env=engine.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except FileNotFoundError:  # no docker CLI (WSL without Desktop's integration): no Engine
        done = subprocess.CompletedProcess([], 127, "", "docker: command not found")
    info = json.loads(done.stdout or "{}") if done.returncode == 0 else {}
    if not info.get("ServerVersion"):
        from labhelpers.engine.connection import unavailable_message

        host = engine.host or os.environ.get("DOCKER_HOST", "")
        problem = unavailable_message(Exception(done.stderr.strip()), host=host)
        if engine.host and engine.host.startswith(f"unix://{SOCKETS}/"):
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


def matrix(setting: str | None = None) -> list[Engine]:
    """The Engines to test, with their facts."""
    return [facts(engine) for engine in named(setting)]


def reference_kind() -> tuple:
    """The kind of Engine the stored outputs and recordings come from."""
    path = ROOT / "labhelpers" / "recordings" / "00-check-your-lab.json"
    meta = json.loads(path.read_text()).get("meta", {}) if path.exists() else {}
    version = str(meta.get("engine_version", "")).split(".", 1)[0]
    return (version, meta.get("storage_driver", ""), meta.get("image_store", "graph driver"))


def reference(engines: list[Engine], kind: tuple | None = None) -> Engine | None:
    """The Engine the whole suite (and what runs once: faults, browser) runs on: the first that
    answers and is of KIND (the reference kind), else the first that answers; None when none
    does."""
    kind = kind or reference_kind()
    answering = [e for e in engines if not e.problem]
    return next((e for e in answering if e.kind == kind), answering[0] if answering else None)
