"""Exercise 99 (with the plain CLI, remove the containers the lab made for you, keep a container of
your own run from the lab's image): the check fails before, passes after the solution, and the
learner's own container (which inherits the image's labels) survives the solution."""

from __future__ import annotations

from pathlib import Path

import labhelpers as lh
from conftest import docker_cli, make_room_for
from labhelpers.lessons.cleanup.exercise import MINE_NAME
from labhelpers.notebook import run_solution

SOLUTION = Path(__file__).parent.parent / "notebooks" / "solutions" / "99-clean-up.sh"


def test_the_check_fails_before_and_passes_after_the_solution(my_image, no_leftovers):
    make_room_for("container", MINE_NAME)
    lh.run_container("lab-t99-box", image=my_image)
    try:
        before = lh.cleanup.check_cli_cleanup()
        assert not before.passed and f"there is no container {MINE_NAME}" in before.message
        out = run_solution(SOLUTION)
        assert MINE_NAME in out
        after = lh.cleanup.check_cli_cleanup()
        assert after.passed, after
        assert docker_cli("container", "inspect", "lab-t99-box", check=False).returncode != 0
        kept = docker_cli("container", "inspect", "-f", "{{.State.Running}}", MINE_NAME)
        assert kept.stdout.strip() == "true"  # the learner's own: never the lab's to remove
    finally:
        docker_cli("rm", "-f", MINE_NAME, check=False)


def test_the_check_names_what_is_left(my_image, no_leftovers):
    make_room_for("container", MINE_NAME)
    docker_cli("run", "-d", "--name", MINE_NAME, my_image, "sleep", "infinity")
    lh.run_container("lab-t99-left", image=my_image)
    try:
        left = lh.cleanup.check_cli_cleanup()
        assert not left.passed and "lab-t99-left" in left.message
        assert "container:THEIR-NAME" in left.hint or "container:$name" in left.more
    finally:
        docker_cli("rm", "-f", MINE_NAME, check=False)
        lh.remove_container("lab-t99-left")
