"""Notebook 01's exercise: the check fails on an untouched Engine and on near misses (a missing or
inherited mark, a layer too many, no ENV), and passes after the solution."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import docker_cli, make_room_for
from labhelpers.core.labels import MANAGED, is_lab_image
from labhelpers.engine import find_image
from labhelpers.lessons.layers.exercise import EXERCISE_TAG, check_layer_exercise
from labhelpers.notebook import run_solution

SOLUTION = Path(__file__).resolve().parents[1] / "notebooks" / "solutions" / "01-image-layers.sh"
TAG = EXERCISE_TAG
MARK = f"{MANAGED}=image:{TAG}:latest"


@pytest.fixture
def untouched(my_image, no_leftovers):
    """my-image exists and my-layer-exercise does not; the name of my-image as this Engine has
    it (`lab-my-image` when a prefix is in play)."""
    make_room_for("image", TAG)
    yield my_image
    docker_cli("image", "rm", "-f", TAG, check=False)


def _build(tmp_path, dockerfile: str, *labels: str) -> None:
    (tmp_path / "Dockerfile").write_text(dockerfile)
    marks = [arg for label in labels for arg in ("--label", label)]
    docker_cli("build", *marks, "-t", TAG, str(tmp_path))


def test_check_fails_on_an_untouched_engine_with_its_hint(untouched):
    verdict = check_layer_exercise()
    assert not verdict.passed
    assert f"there is no image '{TAG}'" in verdict.message
    assert "Dockerfile FROM" in verdict.hint and "docker build" not in verdict.hint
    assert f"docker build --label {MARK} -t {TAG}" in verdict.more


def test_check_wants_the_exact_mark(untouched, tmp_path):
    one_layer = f"FROM {untouched}\nENV STAGE=exercise\nRUN head -c 2000000 /dev/zero > /app/a\n"
    _build(tmp_path, one_layer)  # no mark: it inherits my-image's, which names my-image
    verdict = check_layer_exercise()
    assert not verdict.passed and MARK in verdict.message
    assert "image:my-image:latest" in verdict.message or "lab-my-image" in verdict.message


def test_check_counts_the_layers_added(untouched, tmp_path):
    _build(
        tmp_path,
        f"FROM {untouched}\nENV STAGE=exercise\n"
        "RUN head -c 1000000 /dev/zero > /app/a\nRUN head -c 1000000 /dev/zero > /app/b\n",
        MARK,
    )
    verdict = check_layer_exercise()
    assert not verdict.passed and "2 layer(s) more" in verdict.message


def test_check_wants_the_env_line(untouched, tmp_path):
    _build(tmp_path, f"FROM {untouched}\nRUN head -c 2000000 /dev/zero > /app/a\n", MARK)
    verdict = check_layer_exercise()
    assert not verdict.passed and "STAGE=exercise" in verdict.message


def test_the_solution_passes_the_check(untouched):
    run_solution(SOLUTION)
    verdict = check_layer_exercise()
    assert verdict.passed, verdict
    assert f"Cleanup removes {TAG} only" in verdict.message
    image = find_image(TAG)
    assert is_lab_image(image.labels, image.tags)
    assert f"{MANAGED}={image.labels[MANAGED]}" == MARK
