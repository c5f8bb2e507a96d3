"""Exercise 02 (a writable layer of exactly 3,000,000 bytes, made with the CLI): the check fails on
an untouched Engine, gives a precise hint on near misses (3 MiB; no label; stopped), and passes
after the solution file runs. The data is what counts: with the containerd image store
`docker ps -s` prints a little more than 3MB (whole disk blocks), and the check says why."""

from __future__ import annotations

from pathlib import Path

import pytest

import labhelpers as lh
from conftest import docker_cli
from labhelpers import engine as eng
from labhelpers.core.labels import MANAGED
from labhelpers.notebook import run_solution

SOLUTION = Path(__file__).parent.parent / "notebooks" / "solutions" / "02-writable-layer.sh"
BOX = "ex02-box"


@pytest.fixture
def no_box():
    docker_cli("rm", "-f", BOX, check=False)
    yield
    docker_cli("rm", "-f", BOX, check=False)


def test_the_check_fails_before_and_passes_after_the_solution(my_image, no_box, no_leftovers):
    before = lh.writable.check_three_megabytes()
    assert not before.passed and "no container 'ex02-box'" in before.message
    assert "docker run -d --init --name ex02-box" in before.more
    out = run_solution(SOLUTION)
    after = lh.writable.check_three_megabytes()
    assert after.passed, after
    assert "3,000,000" in after.message
    if eng.engine_facts().image_store == "containerd":
        assert "ex02-box 3.0" in out and "disk blocks" in after.message
    else:
        assert "ex02-box 3MB (virtual" in out and "docker ps -s prints 3MB." in after.message


def test_three_mebibytes_get_a_hint_about_units(my_image, no_box, no_leftovers):
    docker_cli("run", "-d", "--init", "--name", BOX, "--label", f"{MANAGED}=true", my_image)
    docker_cli("exec", BOX, "dd", "if=/dev/zero", "of=/app/data.bin", "bs=1M", "count=3")
    near = lh.writable.check_three_megabytes()
    assert not near.passed and "3 MiB" in near.message and "3.15MB" in near.message
    assert "1,000,000" in near.hint


def test_other_sizes_and_a_missing_label_are_explained(my_image, no_box, no_leftovers):
    # my-image carries the lab's labels (its last build steps), and containers inherit them; a
    # container without them needs an image without them.
    docker_cli("run", "-d", "--name", BOX, "labhelpers/python-base:bookworm", "sleep", "60")
    unlabelled = lh.writable.check_three_megabytes()
    assert not unlabelled.passed and "no io.labhelpers.managed=true label" in unlabelled.message
    docker_cli("rm", "-f", BOX)
    docker_cli("run", "-d", "--init", "--name", BOX, "--label", f"{MANAGED}=true", my_image)
    docker_cli("exec", BOX, "sh", "-c", "head -c 2999999 /dev/zero > /app/data.bin")
    off_by_one = lh.writable.check_three_megabytes()
    assert not off_by_one.passed and "2,999,999" in off_by_one.message
    assert "docker diff ex02-box" in off_by_one.more
    docker_cli("stop", BOX)
    stopped = lh.writable.check_three_megabytes()
    assert not stopped.passed and "docker start ex02-box" in stopped.more
