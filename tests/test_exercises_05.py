"""Exercise 05 (back up file.txt from my-vol to the host): the check fails on an untouched state and
on a wrong copy, and passes after the solution file runs."""

from __future__ import annotations

from pathlib import Path

import pytest

import labhelpers as lh
from labhelpers.engine import SESSION, cleanup
from labhelpers.notebook import run_solution

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
SOLUTION = NOTEBOOKS / "solutions" / "05-named-volume.sh"
BACKUP = NOTEBOOKS / "workspace" / "backup" / "file.txt"


@pytest.fixture
def learners_backup():
    """Keep a backup the learner may have made, and put it back afterwards."""
    kept = BACKUP.read_bytes() if BACKUP.exists() else None
    BACKUP.unlink(missing_ok=True)
    yield BACKUP
    BACKUP.unlink(missing_ok=True)
    if kept is not None:
        BACKUP.write_bytes(kept)


def test_the_check_fails_before_and_passes_after_the_solution(
    my_image, learners_backup, no_leftovers
):
    lh.create_volume("my-vol")
    lh.run_container("vol-cont-1", mounts=[lh.volume_mount("my-vol", "/app")])
    lh.exec_in("vol-cont-1", 'echo "This is my delta data" > /app/file.txt')
    lh.remove_container("vol-cont-1")

    before = lh.named_volumes.check_backup(learners_backup)
    assert not before.passed and "no file" in before.message
    assert "docker run" not in before.hint and "--rm" in before.hint
    assert "docker run --rm" in before.more and "/backup" in before.more

    learners_backup.parent.mkdir(parents=True, exist_ok=True)
    learners_backup.write_text("something else\n")
    wrong = lh.named_volumes.check_backup(learners_backup)
    assert not wrong.passed and "differs" in wrong.message

    out = run_solution(SOLUTION)
    assert out == "This is my delta data\n"
    after = lh.named_volumes.check_backup(learners_backup)
    assert after.passed, after
    cleanup(SESSION)


def test_the_check_says_when_the_volume_is_missing(tmp_path, no_leftovers):
    result = lh.named_volumes.check_backup(tmp_path / "file.txt", volume="lab-t-no-such-volume")
    assert not result.passed and "no volume" in result.message
