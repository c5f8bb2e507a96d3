"""With no Engine, a learner reads one short message, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

DEAD = "unix:///tmp/labhelpers-no-engine-here.sock"


@pytest.fixture
def dead_engine_env():
    # live mode: with no Engine, the default (auto) mode would replay recordings instead
    env = dict(os.environ, DOCKER_HOST=DEAD, LABHELPERS_MODE="live")
    env.pop("BINDER_SERVICE_HOST", None)
    return env


def test_client_raises_docker_unavailable_with_three_lines(monkeypatch):
    import labhelpers as lh
    from labhelpers.engine import connection

    monkeypatch.setenv("DOCKER_HOST", DEAD)
    monkeypatch.setenv("LABHELPERS_MODE", "live")
    monkeypatch.setattr(connection, "_client", None)
    with pytest.raises(lh.DockerUnavailable) as caught:
        connection.client()
    lines = str(caught.value).splitlines()
    assert len(lines) == 3
    assert lines[0] == f"Could not reach a Docker Engine at DOCKER_HOST={DEAD}."
    assert lines[1].startswith("Why: ") and "daemon is not running" in lines[1]
    assert lines[2].startswith("What to do: ") and "systemctl start docker" in lines[2]
    assert isinstance(caught.value.__cause__, Exception)  # raised `from` the SDK's error


def test_doctor_exits_non_zero_with_a_readable_report(dead_engine_env):
    out = subprocess.run(
        [sys.executable, "-m", "labhelpers", "doctor"],
        env=dead_engine_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1
    assert "FAIL  Docker Engine" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr
    assert "cannot run here yet" in out.stderr


def test_notebook_shows_the_message_not_a_traceback(dead_engine_env):
    """In IPython (as in JupyterLab) a lab error prints as its message, without a traceback."""
    code = (
        "from IPython.testing.globalipapp import start_ipython\n"
        "shell = start_ipython()\n"
        "shell.run_cell('import labhelpers as lh')\n"
        "result = shell.run_cell('lh.start_lesson(\"00-check-your-lab\")')\n"
        "print('FAILED' if result.error_in_exec else 'PASSED')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=dead_engine_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    text = out.stdout + out.stderr
    assert "Could not reach a Docker Engine" in text
    assert "DockerUnavailable" not in text  # the message, not the exception's class name
    assert "What to do:" in text
    assert "Traceback" not in text and "requests" not in text and "urllib3" not in text
    assert "FAILED" in text  # the cell still fails, so "Run All" and nbval stop there


def test_binder_gets_its_own_explanation(dead_engine_env):
    env = dict(dead_engine_env, BINDER_SERVICE_HOST="10.0.0.1")
    code = (
        "import labhelpers as lh\nfrom labhelpers.engine.connection import client\n"
        "try:\n    client()\nexcept lh.DockerUnavailable as e:\n    print(e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert "this is Binder" in out.stdout
