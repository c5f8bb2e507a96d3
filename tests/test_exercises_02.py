"""Exercises 02 (a writable layer of exactly 3,000,000 bytes) and 02b (a whole copy of app.py,
its content unchanged), made with the CLI: each check fails on an untouched Engine with its hint,
gives a precise hint on near misses, and passes after its solution file runs."""

from __future__ import annotations

from pathlib import Path

import pytest

import labhelpers as lh
from conftest import docker_cli
from labhelpers import engine as eng
from labhelpers.core.labels import MANAGED, mark
from labhelpers.notebook import run_solution

SOLUTIONS = Path(__file__).parent.parent / "notebooks" / "solutions"
BOX, COPY_BOX = "ex02-box", "ex02b-box"


@pytest.fixture
def no_box():
    for name in (BOX, COPY_BOX):
        docker_cli("rm", "-f", name, check=False)
    yield
    for name in (BOX, COPY_BOX):
        docker_cli("rm", "-f", name, check=False)


def _run(name: str, image: str) -> None:
    label = f"{MANAGED}={mark('container', name)}"
    docker_cli("run", "-d", "--init", "--name", name, "--label", label, image)


def test_02_fails_untouched_and_passes_after_the_solution(my_image, no_box, no_leftovers):
    before = lh.writable.check_three_megabytes()
    assert not before.passed and "no container 'ex02-box'" in before.message
    assert f"--label {MANAGED}=container:ex02-box" in before.more
    out = run_solution(SOLUTIONS / "02-writable-layer.sh")
    after = lh.writable.check_three_megabytes()
    assert after.passed, after
    if eng.engine_facts().image_store == "containerd":
        assert "ex02-box 3.0" in out and "disk blocks" in after.message
    else:
        assert "ex02-box 3MB (virtual" in out and "prints 3MB." in after.message


def test_02_three_mebibytes_get_a_hint_about_units(my_image, no_box, no_leftovers):
    _run(BOX, my_image)
    docker_cli("exec", BOX, "dd", "if=/dev/zero", "of=/app/data.bin", "bs=1M", "count=3")
    near = lh.writable.check_three_megabytes()
    assert not near.passed and "3 MiB" in near.message and "3.15MB" in near.message
    assert "1,000,000" in near.hint


def test_02_other_sizes_and_a_missing_mark_are_explained(my_image, no_box, no_leftovers):
    docker_cli("run", "-d", "--init", "--name", BOX, my_image)  # inherits only the image's mark
    unmarked = lh.writable.check_three_megabytes()
    assert not unmarked.passed and f"no {MANAGED}=container:ex02-box" in unmarked.message
    docker_cli("rm", "-f", BOX)
    _run(BOX, my_image)
    docker_cli("exec", BOX, "sh", "-c", "head -c 2999999 /dev/zero > /app/data.bin")
    off_by_one = lh.writable.check_three_megabytes()
    assert not off_by_one.passed and "2,999,999" in off_by_one.message
    docker_cli("stop", BOX)
    stopped = lh.writable.check_three_megabytes()
    assert not stopped.passed and "docker start ex02-box" in stopped.more


def test_02b_fails_untouched_and_passes_after_the_solution(my_image, no_box, no_leftovers):
    before = lh.writable.check_whole_copy()
    assert not before.passed and "no container 'ex02b-box'" in before.message
    _run(COPY_BOX, my_image)
    untouched = lh.writable.check_whole_copy()
    assert not untouched.passed and "metadata" in untouched.hint
    out = run_solution(SOLUTIONS / "02b-inside-the-writable-layer.sh")
    assert "C /app/app.py" in out
    after = lh.writable.check_whole_copy()
    assert after.passed, after


def test_02b_a_changed_content_is_not_a_whole_copy(my_image, no_box, no_leftovers):
    _run(COPY_BOX, my_image)
    docker_cli("exec", COPY_BOX, "sh", "-c", "echo '# mine' >> /app/app.py")
    changed = lh.writable.check_whole_copy()
    assert not changed.passed and "sha256sum differs" in changed.message
