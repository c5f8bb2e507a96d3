"""Tests talk to a real Docker Engine. Pure-logic tests need none.

Every Engine test is checked for leftovers: a test that leaves a resource carrying this session's
lab labels fails (and the leftovers are removed so the next test starts clean).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import labhelpers as lh


@pytest.fixture(autouse=True)
def _quiet_commands():
    lh.echo_commands(False)
    yield
    lh.echo_commands(True)


@pytest.fixture
def engine():
    """A connected client; fails the test with the lab's own message when no Engine answers."""
    try:
        return lh.client()
    except lh.DockerUnavailable as exc:
        pytest.fail(f"these tests need a Docker Engine:\n{exc}", pytrace=False)


SHARED_IMAGE = "lab-test-image"  # built once per run by the `lesson_image` fixture


@pytest.fixture
def no_leftovers(engine):
    """Fail the test if it leaves a resource labelled with this session behind.

    Tests clean up after themselves (usually `lh.cleanup(session_only=True)` at the end); this
    fixture only checks, then removes what is left so the next test starts clean.
    """
    yield
    left = remove_leftovers()
    if left:
        pytest.fail(f"the test left lab resources behind: {left}", pytrace=False)


def remove_leftovers() -> tuple:
    """Remove what this session's tests left labelled in the Engine; return what that was."""
    left = lh.lab_resources(session_only=True)
    for kind, name in left:
        args = ("rm", "-f", "-v", name) if kind == "container" else (kind, "rm", "-f", name)
        docker_cli(*args, check=False)
    return left


def docker_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run the real docker CLI, the way a learner would."""
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check)


@pytest.fixture(scope="session")
def my_image():
    """`my-image`, as the exercises' solutions and the notebooks use it: built (in another lab
    session, like `lesson_image`) if the Engine lacks it; it stays, as the notebooks leave it."""
    if docker_cli("image", "inspect", "my-image", check=False).returncode != 0:
        env = dict(os.environ, LABHELPERS_SESSION=f"{lh.SESSION_ID}-shared")
        code = "import labhelpers as lh; lh.ensure_lesson_image()"
        subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    return "my-image"


@pytest.fixture(scope="session")
def lesson_image(tmp_path_factory):
    """The lesson's image, built once for the whole run and removed at the end.

    It is built by another process (another lab session), so a test's own session cleanup
    leaves it alone while it still counts as the lab's.
    """
    context = tmp_path_factory.mktemp("my-app")
    code = (
        "import sys, labhelpers as lh\n"
        "lh.write_lesson_files(sys.argv[1])\n"
        "lh.build_image(sys.argv[1], tag=sys.argv[2])\n"
    )
    env = dict(os.environ, LABHELPERS_SESSION=f"{lh.SESSION_ID}-shared")
    subprocess.run(
        [sys.executable, "-c", code, str(context), SHARED_IMAGE],
        env=env,
        check=True,
        capture_output=True,
    )
    yield SHARED_IMAGE
    lh.client().images.remove(SHARED_IMAGE, force=True)
