"""Exercise 03 (rescue report.txt from a stopped container with docker cp, then remove it): the
check fails on the prepared state, when the container was removed first, and before the removal;
it passes after the solution file runs."""

from __future__ import annotations

from pathlib import Path

import pytest

import labhelpers as lh
from conftest import docker_cli
from labhelpers import engine as eng
from labhelpers.lessons.lifecycle.exercise import RESCUE_TEXT
from labhelpers.notebook import run_solution

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
SOLUTION = NOTEBOOKS / "solutions" / "03-stop-start-remove.sh"
COPY = NOTEBOOKS / "workspace" / "rescued" / "report.txt"
BOX = "ex03-box"


@pytest.fixture
def learners_copy():
    """Keep a copy the learner may have made, and put it back afterwards."""
    kept = COPY.read_bytes() if COPY.exists() else None
    COPY.unlink(missing_ok=True)
    yield COPY
    COPY.unlink(missing_ok=True)
    docker_cli("rm", "-f", BOX, check=False)
    if kept is not None:
        COPY.write_bytes(kept)


def test_the_check_fails_before_and_passes_after_the_solution(
    my_image, learners_copy, no_leftovers
):
    start = lh.lifecycle.prepare_rescue()
    assert start.status == "exited"
    if eng.engine_facts().image_store == "containerd":  # whole disk blocks, directories too
        assert start.writable_layer_bytes > len(RESCUE_TEXT) + 1
    else:
        assert start.writable_layer_bytes == len(RESCUE_TEXT) + 1
    before = lh.lifecycle.check_rescue(learners_copy)
    assert not before.passed and "still holds report.txt" in before.message
    assert "docker cp ex03-box:/app/report.txt" in before.more
    out = run_solution(SOLUTION)
    assert out.strip().endswith(RESCUE_TEXT)
    after = lh.lifecycle.check_rescue(learners_copy)
    assert after.passed, after


def test_removing_first_loses_the_report(my_image, learners_copy, no_leftovers):
    lh.lifecycle.prepare_rescue()
    docker_cli("rm", BOX)
    too_late = lh.lifecycle.check_rescue(learners_copy)
    assert not too_late.passed and "is gone" in too_late.message
    assert "prepare_rescue()" in too_late.hint


def test_the_container_must_go_after_the_copy(my_image, learners_copy, no_leftovers):
    lh.lifecycle.prepare_rescue()
    learners_copy.parent.mkdir(parents=True, exist_ok=True)
    learners_copy.write_text("not the report\n")
    wrong = lh.lifecycle.check_rescue(learners_copy)
    assert not wrong.passed and "does not hold the report" in wrong.message
    docker_cli("cp", f"{BOX}:/app/report.txt", str(learners_copy))
    still_there = lh.lifecycle.check_rescue(learners_copy)
    assert not still_there.passed and "docker rm ex03-box" in still_there.more
    eng.cleanup(session_only=True)
