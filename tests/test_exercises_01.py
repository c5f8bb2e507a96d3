"""Notebook 01's exercise: the check fails on an untouched Engine, and passes after the solution."""

from __future__ import annotations

from pathlib import Path

import pytest

import labhelpers as lh
from conftest import docker_cli
from labhelpers.core.labels import MANAGED, is_lab_owned
from labhelpers.engine import cleanup, find_image, image_sizes, real
from labhelpers.lessons.layers.exercise import EXERCISE_TAG, check_layer_exercise
from labhelpers.notebook import run_solution

SOLUTION = Path(__file__).resolve().parents[1] / "notebooks" / "solutions" / "01-image-layers.sh"
TAG = EXERCISE_TAG


@pytest.fixture
def untouched(engine, no_leftovers):
    """my-image exists (built for the test if needed) and my-layer-exercise does not."""
    found = find_image(TAG)
    if found is not None:
        if not is_lab_owned(found.labels):
            pytest.skip(f"an image '{TAG}' without the lab's label exists: it is the learner's")
        docker_cli("image", "rm", "-f", TAG)
    built_here = find_image("my-image") is None
    lh.ensure_lesson_image()
    yield
    docker_cli("image", "rm", "-f", TAG, check=False)
    if built_here:
        cleanup(session_only=True)


@pytest.fixture
def base(untouched) -> str:
    """The lesson's image as this Engine names it (`lab-my-image` when a prefix is in play)."""
    return real("my-image", "image")


def test_check_fails_on_an_untouched_engine_with_its_hint(untouched):
    verdict = check_layer_exercise()
    assert not verdict.passed
    assert f"there is no image '{TAG}'" in verdict.message
    assert "starts FROM" in verdict.hint and "docker build" not in verdict.hint
    assert "docker build --label io.labhelpers.managed=true" in verdict.more


def test_check_counts_the_layers_added(base, tmp_path):
    (tmp_path / "Dockerfile").write_text(
        f"FROM {base}\nENV STAGE=exercise\n"
        "RUN head -c 1000000 /dev/zero > /app/a\nRUN head -c 1000000 /dev/zero > /app/b\n"
    )
    docker_cli("build", "--label", f"{MANAGED}=true", "-t", TAG, str(tmp_path))
    verdict = check_layer_exercise()
    assert not verdict.passed and "2 layer(s) more" in verdict.message


def test_check_wants_the_env_line(base, tmp_path):
    (tmp_path / "Dockerfile").write_text(f"FROM {base}\nRUN head -c 2000000 /dev/zero > /app/a\n")
    docker_cli("build", "--label", f"{MANAGED}=true", "-t", TAG, str(tmp_path))
    verdict = check_layer_exercise()
    assert not verdict.passed and "STAGE=exercise" in verdict.message


def test_the_solution_passes_the_check(untouched):
    run_solution(SOLUTION)
    verdict = check_layer_exercise()
    assert verdict.passed, verdict
    if image_sizes(TAG).store == "containerd":  # whole disk blocks, a little over 2,000,000 B
        assert "unpacked (the containerd image store counts the disk blocks" in verdict.message
    else:
        assert "2MB (2,000,000 B) unpacked;" in verdict.message
