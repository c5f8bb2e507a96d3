"""Exercise 07 (a read-only reader, made with the CLI): the check fails on an untouched Engine and
on near misses, and passes after the solution file runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import labhelpers as lh
from conftest import docker_cli
from labhelpers.core.labels import MANAGED, is_lab_owned
from labhelpers.notebook import run_solution

SOLUTION = Path(__file__).parent.parent / "notebooks" / "solutions" / "07-sharing-data.sh"


def _remove_exercise_resources() -> None:
    docker_cli("rm", "-f", "ex07-writer", "ex07-reader", check=False)
    docker_cli("volume", "rm", "-f", "ex07-data", check=False)


@pytest.fixture
def exercise(my_image, no_leftovers):
    _remove_exercise_resources()
    yield
    _remove_exercise_resources()


def test_the_check_fails_before_and_passes_after_the_solution(exercise):
    before = lh.sharing.check_read_only_share()
    assert not before.passed and "no volume 'ex07-data'" in before.message
    assert "-v ex07-data:/data:ro" in before.more
    assert f"--label {MANAGED}=volume:ex07-data ex07-data" in before.more
    out = run_solution(SOLUTION)
    assert out.splitlines()[-2:] == [
        "hello",
        "touch: cannot touch '/data/x': Read-only file system",
    ]
    after = lh.sharing.check_read_only_share()
    assert after.passed, after
    # the marks name exactly these three: the lab's cleanup removes them, nothing made from them
    for kind, name in (("volume", "ex07-data"), ("container", "ex07-writer")):
        inspect = ["volume", "inspect"] if kind == "volume" else ["inspect"]
        where = ".Labels" if kind == "volume" else ".Config.Labels"
        labels = docker_cli(*inspect, "--format", f"{{{{json {where}}}}}", name).stdout
        assert is_lab_owned(kind, name, json.loads(labels))


def _run(name: str, image: str, mount: str, *, marked: bool = True) -> None:
    label = ["--label", f"{MANAGED}=container:{name}"] if marked else []
    docker_cli("run", "-d", "--name", name, *label, "-v", mount, image, "sleep", "infinity")


def test_near_misses_get_a_precise_message(exercise, my_image):
    docker_cli("volume", "create", "ex07-data")
    unmarked = lh.sharing.check_read_only_share()
    assert not unmarked.passed and f"{MANAGED}=volume:ex07-data" in unmarked.message
    docker_cli("volume", "rm", "ex07-data")
    docker_cli("volume", "create", "--label", f"{MANAGED}=volume:ex07-data", "ex07-data")
    _run("ex07-writer", my_image, "ex07-data:/data", marked=False)
    inherited = lh.sharing.check_read_only_share()  # my-image's own mark is not the container's
    assert not inherited.passed and f"{MANAGED}=container:ex07-writer" in inherited.message
    docker_cli("rm", "-f", "ex07-writer")
    _run("ex07-writer", my_image, "ex07-data:/data")
    no_reader = lh.sharing.check_read_only_share()
    assert not no_reader.passed and "no container 'ex07-reader'" in no_reader.message
    _run("ex07-reader", my_image, "ex07-data:/data")
    writable = lh.sharing.check_read_only_share()
    assert not writable.passed and "read-only (:ro)" in writable.message
    docker_cli("rm", "-f", "ex07-reader")
    _run("ex07-reader", my_image, "ex07-data:/data:ro")
    no_file = lh.sharing.check_read_only_share()
    assert not no_file.passed and "holds no hello.txt" in no_file.message
    assert "docker exec ex07-writer" in no_file.more
    docker_cli("exec", "ex07-writer", "sh", "-c", "echo hi > /data/hello.txt")
    assert lh.sharing.check_read_only_share().passed
