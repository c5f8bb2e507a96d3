"""Notebook 00's exercise: the check fails on an untouched Engine, and passes after the solution."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import docker_cli
from labhelpers.core.labels import MANAGED, mark
from labhelpers.engine import find_volume
from labhelpers.lessons.setup.exercise import VOLUME_NAME, check_first_volume
from labhelpers.notebook import run_solution

SOLUTION = Path(__file__).resolve().parents[1] / "notebooks" / "solutions" / "00-check-your-lab.sh"
NAME = VOLUME_NAME


@pytest.fixture
def untouched(engine, no_leftovers):
    """No volume of the exercise's name (a learner's own one would stop the test, untouched)."""
    found = find_volume(NAME)
    if found is not None:
        if not found.lab_owned:
            pytest.skip(f"a volume '{NAME}' without the lab's label exists: it is the learner's")
        docker_cli("volume", "rm", NAME)
    yield
    docker_cli("volume", "rm", NAME, check=False)


def test_check_fails_on_an_untouched_engine_with_its_hint(untouched):
    verdict = check_first_volume()
    assert not verdict.passed
    assert "there is no volume" in verdict.message
    assert "docker volume create" in verdict.hint and "docker info" in verdict.hint


def test_check_names_a_wrong_driver_label(untouched):
    managed = f"{MANAGED}={mark('volume', NAME)}"
    docker_cli("volume", "create", "--label", managed, "--label", "storage-driver=zfs", NAME)
    verdict = check_first_volume()
    assert not verdict.passed and "says 'zfs'" in verdict.message


def test_check_names_a_missing_lab_label(untouched):
    docker_cli("volume", "create", NAME)
    verdict = check_first_volume()
    assert not verdict.passed
    assert f"no {MANAGED}=volume:{NAME} label" in verdict.message


def test_a_mark_naming_something_else_is_not_the_labs(untouched):
    docker_cli("volume", "create", "--label", f"{MANAGED}=true", NAME)
    verdict = check_first_volume()
    assert not verdict.passed and f"{MANAGED}=volume:{NAME}" in verdict.message


def test_the_solution_passes_the_check(untouched):
    output = run_solution(SOLUTION)
    assert "storage driver: " in output
    verdict = check_first_volume()
    assert verdict.passed, verdict
    assert f"/volumes/{NAME}/_data" in verdict.message
