"""Notebook 01's exercise: the check fails on an untouched Engine, and passes after the solution."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import docker_cli

import labhelpers as lh
from labhelpers import layers
from labhelpers._ownership import find_image

SOLUTION = Path(__file__).resolve().parents[1] / "notebooks" / "solutions" / "01-image-layers.sh"
TAG = layers.EXERCISE_TAG


@pytest.fixture
def untouched(engine, no_leftovers):
    """my-image exists (built for the test if needed) and my-layer-exercise does not."""
    found = find_image(TAG)
    if found is not None:
        if not lh._labels.is_lab_owned(found.labels):
            pytest.skip(f"an image '{TAG}' without the lab's label exists: it is the learner's")
        docker_cli("image", "rm", "-f", TAG)
    built_here = find_image("my-image") is None
    lh.ensure_lesson_image()
    yield
    docker_cli("image", "rm", "-f", TAG, check=False)
    if built_here:
        lh.cleanup(session_only=True)


def test_check_fails_on_an_untouched_engine_with_its_hint(untouched):
    verdict = layers.check_layer_exercise()
    assert not verdict.passed
    assert f"there is no image '{TAG}'" in verdict.message
    assert "docker build --label io.labhelpers.managed=true" in verdict.hint


def test_check_counts_the_layers_added(untouched, tmp_path):
    (tmp_path / "Dockerfile").write_text(
        "FROM my-image\nENV STAGE=exercise\n"
        "RUN head -c 1000000 /dev/zero > /app/a\nRUN head -c 1000000 /dev/zero > /app/b\n"
    )
    docker_cli("build", "--label", f"{lh.MANAGED}=true", "-t", TAG, str(tmp_path))
    verdict = layers.check_layer_exercise()
    assert not verdict.passed and "2 layer(s) more" in verdict.message


def test_check_wants_the_env_line(untouched, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM my-image\nRUN head -c 2000000 /dev/zero > /app/a\n")
    docker_cli("build", "--label", f"{lh.MANAGED}=true", "-t", TAG, str(tmp_path))
    verdict = layers.check_layer_exercise()
    assert not verdict.passed and "STAGE=exercise" in verdict.message


def test_the_solution_passes_the_check(untouched):
    lh.teaching.run_solution(SOLUTION)
    verdict = layers.check_layer_exercise()
    assert verdict.passed, verdict
    assert "2MB (2,000,000 B)" in verdict.message
