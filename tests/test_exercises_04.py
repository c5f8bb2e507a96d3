"""Exercise 04 (a tmpfs-backed volume made with the CLI): the check fails on an untouched Engine
with its hint, fails with a precise message on a near miss, and passes after the solution runs."""

from __future__ import annotations

from pathlib import Path

import labhelpers as lh
from conftest import docker_cli
from labhelpers.core.labels import is_lab_owned
from labhelpers.notebook import run_solution

SOLUTION = (
    Path(__file__).parent.parent / "notebooks" / "solutions" / "04-storage-and-volume-drivers.sh"
)
TMPFS_32M = ["--opt", "type=tmpfs", "--opt", "device=tmpfs", "--opt", "o=size=32m"]


def _remove_exercise_resources() -> None:
    docker_cli("rm", "-f", "ex04-box", check=False)
    docker_cli("volume", "rm", "-f", "ex04-ram", check=False)


def test_the_check_fails_before_and_passes_after_the_solution(my_image, no_leftovers):
    _remove_exercise_resources()
    try:
        before = lh.drivers.check_ram_volume()
        assert not before.passed and "no volume 'ex04-ram'" in before.message
        assert "--opt" in before.hint and "docker volume create" not in before.hint
        assert "docker volume create" in before.more and "type=tmpfs" in before.more
        assert "io.labhelpers.managed=volume:ex04-ram" in before.more
        out = run_solution(SOLUTION)
        assert "tmpfs            32M" in out  # df -h /scratch inside the container
        after = lh.drivers.check_ram_volume()
        assert after.passed, after
        # the marks name exactly these two: cleanup takes them, nothing made from them
        labels = docker_cli("volume", "inspect", "-f", "{{json .Labels}}", "ex04-ram").stdout
        assert is_lab_owned("volume", "ex04-ram", __import__("json").loads(labels))
    finally:
        _remove_exercise_resources()


def test_near_misses_get_a_precise_hint(my_image, no_leftovers):
    _remove_exercise_resources()
    try:
        sixteen = [o.replace("32m", "16m") for o in TMPFS_32M]
        docker_cli("volume", "create", *sixteen, "ex04-ram")
        wrong_size = lh.drivers.check_ram_volume()
        assert not wrong_size.passed and "'16m', not 32m" in wrong_size.message
        docker_cli("volume", "rm", "ex04-ram")
        docker_cli("volume", "create", "ex04-ram")
        on_disk = lh.drivers.check_ram_volume()
        assert not on_disk.passed and "not held in tmpfs" in on_disk.message
        docker_cli("volume", "rm", "ex04-ram")
        docker_cli("volume", "create", *TMPFS_32M, "ex04-ram")
        docker_cli("create", "--name", "ex04-box", "-v", "ex04-ram:/scratch", my_image)
        stopped = lh.drivers.check_ram_volume()
        assert not stopped.passed and "created" in stopped.message
        assert "docker start ex04-box" in stopped.hint
    finally:
        _remove_exercise_resources()
