"""scripts/lab-engines: the Engine matrix beside the machine's own, each on its own socket, each
seeing the course's folders at the same paths; and how the test runner picks what to compare."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools import engines

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "lab-engines"


def test_the_script_is_valid_bash_and_names_each_socket():
    assert subprocess.run(["bash", "-n", str(SCRIPT)]).returncode == 0
    host = subprocess.run([str(SCRIPT), "host", "28-containerd"], capture_output=True, text=True)
    assert host.stdout.strip() == "unix:///run/lab-engines/28-containerd/docker.sock"
    usage = subprocess.run([str(SCRIPT)], capture_output=True, text=True)
    assert usage.returncode == 2 and "start NAME" in usage.stdout


def test_the_runner_compares_outputs_only_on_the_reference_kind_of_engine():
    kind = engines.reference_kind()
    assert kind[0] and kind[2] in ("containerd", "graph driver")
    same = engines.Engine("x", None, f"{kind[0]}.9.9", kind[1], kind[2])
    other = engines.Engine("y", None, "20.10.24", "overlay2", "graph driver")
    assert same.kind == kind
    assert other.kind != kind or kind == ("20", "overlay2", "graph driver")


def _running(host: str) -> str | None:
    done = subprocess.run(
        ["docker", "-H", host, "info", "--format", "{{json .}}"], capture_output=True, text=True
    )
    return host if done.returncode == 0 else None


# The Engine 28s of the matrix LABHELPERS_ENGINES names (each maybe mapped to a socket of one's
# own: 28-containerd=unix:///run/lab-engines/pl-28-containerd/docker.sock); never one it does not
# name (another worker's, say).
MATRIX_28 = {e.name: e.host for e in engines.named() if e.name.startswith("28-") and e.host}


@pytest.mark.parametrize("name", sorted(MATRIX_28) or ["28-containerd"])
def test_a_matrix_engine_is_what_its_name_says_and_sees_the_course(name, engine):
    if name not in MATRIX_28:
        pytest.skip("LABHELPERS_ENGINES names no Engine 28 (28-overlay2, 28-containerd)")
    host = _running(MATRIX_28[name])
    if host is None:
        pytest.skip(f"{name} is not running here (scripts/lab-engines start {name})")
    info = json.loads(
        subprocess.run(
            ["docker", "-H", host, "info", "--format", "{{json .}}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert info["ServerVersion"].startswith("28.")
    status = dict(tuple(pair) for pair in info.get("DriverStatus") or [])
    if name.endswith("containerd"):
        assert "io.containerd.snapshotter" in status.get("driver-type", "")
    else:
        assert info["Driver"] == "overlay2"
    code = (
        "from labhelpers.engine import engine_locality\n"
        "import labhelpers as lh\n"
        "lh.echo_commands(False)\n"
        "place = engine_locality(sys.argv[1])\n"
        "print(place.files_here, place.folders_shared)\n"
    )
    env = dict(os.environ, DOCKER_HOST=host, LABHELPERS_MODE="live")
    done = subprocess.run(
        [sys.executable, "-c", "import sys\n" + code, str(ROOT / "notebooks")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # in a container of its own, its files are not here, but the course's folders are shared
    assert done.stdout.split() == ["False", "True"], done.stderr
