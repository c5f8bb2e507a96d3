"""scripts/provision-engine on a provisioned machine: it only checks and changes nothing."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "provision-engine"


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("apt-get"), reason="needs root on Debian")
def test_a_second_run_changes_nothing(engine):
    images_before = subprocess.run(
        ["docker", "image", "ls", "-q", "--no-trunc"], capture_output=True, text=True, check=True
    ).stdout
    out = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "Docker Engine already answers" in out.stdout
    assert "is present" in out.stdout and "building" not in out.stdout
    images_after = subprocess.run(
        ["docker", "image", "ls", "-q", "--no-trunc"], capture_output=True, text=True, check=True
    ).stdout
    # `docker image ls` orders images created in the same second arbitrarily: compare the sets
    assert sorted(images_after.split()) == sorted(images_before.split())


def test_the_script_is_valid_bash():
    assert subprocess.run(["bash", "-n", str(SCRIPT)]).returncode == 0
