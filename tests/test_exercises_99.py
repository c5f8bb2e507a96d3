"""Exercise 99 (remove notebook 07's containers and volumes with the CLI, by label): the check
fails while they exist, and passes after the solution file runs. Only resources labelled as made
by notebook 07 are touched (the solution's filter), and the test makes its own."""

from __future__ import annotations

from pathlib import Path

import labhelpers as lh
from conftest import docker_cli
from labhelpers.core import labels
from labhelpers.notebook import run_solution

SOLUTION = Path(__file__).parent.parent / "notebooks" / "solutions" / "99-clean-up.sh"


def test_the_check_fails_before_and_passes_after_the_solution(
    lesson_image, no_leftovers, monkeypatch
):
    monkeypatch.setattr(labels, "_notebook", "07-sharing-data")
    lh.run_container(
        "lab-t99-share", image=lesson_image, mounts=[lh.volume_mount("lab-t99-shared", "/data")]
    )
    anonymous = lh.sharing.start_with_anonymous_volume("lab-t99-anon", image=lesson_image)
    before = lh.cleanup.check_cli_cleanup()
    assert not before.passed and "lab-t99-share" in before.message
    out = run_solution(SOLUTION)
    assert "lab-t99-shared" in out
    after = lh.cleanup.check_cli_cleanup()
    assert after.passed, after
    for volume in ("lab-t99-shared", anonymous.volume):  # rm -v took the anonymous one
        assert docker_cli("volume", "inspect", volume, check=False).returncode != 0
