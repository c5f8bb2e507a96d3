"""Exercise 06 (one container, three mounts, made with the CLI): the check fails on an untouched
Engine and on near misses, and passes after the solution file runs."""

from __future__ import annotations

from pathlib import Path

import pytest

import labhelpers as lh
from conftest import docker_cli
from labhelpers.notebook import run_solution

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
SOLUTION = NOTEBOOKS / "solutions" / "06-volume-vs-bind-vs-tmpfs.sh"
CONFIG = NOTEBOOKS / "workspace" / "ex06-config"


def _remove_exercise_resources() -> None:
    docker_cli("rm", "-f", "ex06-app", check=False)
    docker_cli("volume", "rm", "-f", "ex06-data", check=False)


@pytest.fixture
def exercise(my_image, no_leftovers):
    _remove_exercise_resources()
    yield
    _remove_exercise_resources()


def check():
    return lh.mounts.check_mount_mix(host_dir=CONFIG)


def test_the_check_fails_before_and_passes_after_the_solution(exercise):
    before = check()
    assert not before.passed and "no container 'ex06-app'" in before.message
    assert "--tmpfs /cache" in before.more and ":/config:ro" in before.more
    assert "ex06-data" not in before.hint  # the first hint points at the idea
    out = run_solution(SOLUTION)
    assert "bind /config RW=false" in out and "greeting=hello" in out
    after = check()
    assert after.passed, after
    assert "notebook 99" not in after.message  # the solution labels the volume


def test_near_misses_get_a_precise_message(exercise, my_image):
    CONFIG.mkdir(parents=True, exist_ok=True)
    bind = f"{CONFIG.resolve()}:/config"
    base = ["run", "-d", "--name", "ex06-app", "-v", "ex06-data:/data"]
    docker_cli(*base, "-v", bind + ":ro", my_image, "sleep", "infinity")
    no_tmpfs = check()
    assert not no_tmpfs.passed and "/cache should be a tmpfs" in no_tmpfs.message
    _remove_exercise_resources()
    docker_cli(*base, "--tmpfs", "/cache", "-v", bind, my_image, "sleep", "infinity")
    writable = check()
    assert not writable.passed and "read-write" in writable.message
    _remove_exercise_resources()
    docker_cli(*base, "--tmpfs", "/cache", "-v", bind + ":ro", my_image, "sleep", "infinity")
    unlabelled = check()  # right, but `-v` made the volume without the lab's label
    assert unlabelled.passed and "notebook 99 will leave it" in unlabelled.message
    docker_cli("stop", "-t", "1", "ex06-app")
    stopped = check()
    assert not stopped.passed and "exited" in stopped.message
    assert "docker start ex06-app" in stopped.more


def test_a_container_removed_during_the_check_gives_a_verdict_not_an_sdk_error(
    exercise, my_image, monkeypatch
):
    """The container (or its volume) going between two looks is an ordinary "not yet"."""
    from labhelpers.lessons.mounts import exercise as ex06

    CONFIG.mkdir(parents=True, exist_ok=True)
    docker_cli(
        "run", "-d", "--name", "ex06-app", "-v", "ex06-data:/data", "--tmpfs", "/cache",
        "-v", f"{CONFIG.resolve()}:/config:ro", my_image, "sleep", "infinity",
    )  # fmt: skip
    looked_up = ex06.find_container

    def then_removed(name: str):
        found = looked_up(name)
        _remove_exercise_resources()
        return found

    monkeypatch.setattr(ex06, "find_container", then_removed)
    verdict = check()
    assert verdict.passed and "notebook 99 will leave it" in verdict.message
    _remove_exercise_resources()
    gone = check()
    assert not gone.passed and "no container 'ex06-app'" in gone.message
