"""The lab reaches the Engine the learner's docker CLI reaches: DOCKER_HOST, else DOCKER_CONTEXT,
else the CLI's current context (Docker Desktop, Colima, OrbStack and rootless Docker each set
one), and says which it used. Checked with a context of a throw-away docker config that points at
a second Engine on this machine, and with one whose endpoint is dead."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools import engines


def _cli(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], env=env, capture_output=True, text=True, check=check)


def _engine_id(host: str) -> str:
    done = subprocess.run(
        ["docker", "-H", host, "info", "-f", "{{.ID}}"], capture_output=True, text=True
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def _second_engine(engine_under_test: str) -> str:
    """Another Engine of the matrix LABHELPERS_ENGINES names (never one it does not name: it may
    be someone else's), or ''."""
    mine = _engine_id(engine_under_test)
    for host in [e.host for e in engines.named() if e.host]:
        found = _engine_id(host)
        if found and found != mine:
            return host
    return ""


@pytest.fixture
def config(tmp_path, engine):
    """A docker config folder of the test's own (DOCKER_CONFIG), and an environment without
    DOCKER_HOST, so that contexts decide."""
    under_test = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_HOST", "DOCKER_CONTEXT")}
    env.update(DOCKER_CONFIG=str(tmp_path / "docker-config"), LABHELPERS_MODE="live")
    (tmp_path / "docker-config").mkdir()
    return env, under_test


def _doctor(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "labhelpers", "doctor"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _lab_engine_id(env: dict) -> str:
    code = "from labhelpers.engine.connection import client\nprint(client().info()['ID'])"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_lab_follows_the_clis_current_context_to_a_second_engine(config):
    env, under_test = config
    second = _second_engine(under_test)
    if not second:
        pytest.skip("no second Engine here (scripts/lab-engines start 28-overlay2 makes one)")
    _cli(env, "context", "create", "second", "--docker", f"host={second}")
    _cli(env, "context", "use", "second")
    assert json.loads(Path(env["DOCKER_CONFIG"], "config.json").read_text())["currentContext"]
    cli_sees = _cli(env, "info", "-f", "{{.ID}}").stdout.strip()
    assert cli_sees == _engine_id(second) != _engine_id(under_test)
    assert _lab_engine_id(env) == cli_sees  # the lab measures the Engine `docker` reaches

    shown = _doctor(env)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "(context second)" in shown.stdout  # shown as the learner names the address

    # DOCKER_CONTEXT wins over the current context, as it does for the CLI
    _cli(env, "context", "create", "first", "--docker", f"host={under_test}")
    assert _lab_engine_id({**env, "DOCKER_CONTEXT": "first"}) == _engine_id(under_test)


def test_a_context_whose_engine_is_gone_is_named_in_one_message(config):
    env, _ = config
    _cli(env, "context", "create", "gone", "--docker", "host=unix:///nonexistent/docker.sock")
    _cli(env, "context", "use", "gone")
    shown = _doctor(env)
    assert shown.returncode == 1
    assert "a socket on this machine (context gone)" in shown.stdout
    assert "Traceback" not in shown.stdout + shown.stderr

    code = "from labhelpers.engine.connection import client\nclient()"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    said = done.stdout + done.stderr
    assert "Could not reach a Docker Engine at unix:///nonexistent/docker.sock" in said
    assert "the docker CLI's context gone" in said
    assert "docker context use NAME" in said

    missing = _doctor({**env, "DOCKER_CONTEXT": "no-such-context"})
    assert missing.returncode == 1
    assert "names a context this machine does not have" in missing.stdout
