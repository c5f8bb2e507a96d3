"""Every notebook's CLI twin (`python -m labhelpers twin`): its shape, and a run against the Engine.

The Engine test writes each twin and runs it with bash: it must exit 0 and leave the Engine as it
found it (containers, volumes, images, networks). 99's twin, like notebook 99, removes every
resource with the lab's label, so for 99 only what is not the lab's must be unchanged (this file
is in conftest's WHOLE_COURSE: it runs after the tests that share the lab's images).

LABHELPERS_TWIN_RECORDINGS names a folder of fresh recordings to write the twins from (a live
run's, `LABHELPERS_RECORD_DIR`): then the twins check today's helpers' echo, not the committed run.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import containers_snapshot, docker_cli
from labhelpers import twin
from labhelpers.core.errors import BadInput
from labhelpers.core.labels import MANAGED

NOTEBOOKS = sorted(p.stem for p in twin.NOTEBOOKS.glob("[0-9]*.ipynb"))
RECORDINGS = os.environ.get("LABHELPERS_TWIN_RECORDINGS") or None


def _lines(*args: str) -> list[str]:
    return sorted(docker_cli(*args).stdout.splitlines())


def snapshot(lab_too: bool = True) -> dict:
    """What the Engine holds, by id and name (without the lab's resources unless LAB_TOO)."""
    found = {
        "containers": containers_snapshot(),
        "volumes": _lines("volume", "ls", "--format", "{{.Name}} {{.Driver}}"),
        "images": _lines(
            "image", "ls", "--no-trunc", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}"
        ),
        "networks": _lines("network", "ls", "--no-trunc", "--format", "{{.ID}} {{.Name}}"),
    }
    if not lab_too:
        lab = {
            kind: set(
                _lines(*command, "-q", "--no-trunc", "--filter", f"label={MANAGED}")
                if kind != "volumes"
                else _lines(*command, "-q", "--filter", f"label={MANAGED}")
            )
            for kind, command in (
                ("containers", ("ps", "-a")),
                ("volumes", ("volume", "ls")),
                ("images", ("image", "ls")),
                ("networks", ("network", "ls")),
            )
        }
        found = {
            kind: [line for line in lines if line.split()[0] not in lab[kind]]
            for kind, lines in found.items()
        }
    return found


# --- no Engine --------------------------------------------------------------------------------


def test_twin_shape():
    """Headings as comments, strict bash, the cleanup on exit, translations commented."""
    text = twin.twin_script("02", recordings=RECORDINGS, prefix="")
    lines = text.splitlines()
    assert lines[0] == "#!/usr/bin/env bash"
    assert "set -euo pipefail" in lines[:12]
    assert "trap twin_cleanup EXIT" in lines
    assert "# ## 1. Three containers from one image" in lines
    assert "# ## 4. More containers" in lines
    assert f"--filter label={MANAGED}" in text  # the cleanup finds what it made by the label
    assert "    docker rm -f -v my-cont-1 >/dev/null 2>&1" in lines  # and by name
    run = lines.index(
        "docker run -d --init --name my-cont-1 --label io.labhelpers.managed=true my-image"
    )
    assert run > lines.index("trap twin_cleanup EXIT")
    assert f"# {twin.TRANSLATED['upper directory']}:" in lines  # no run-specific path left
    assert "/snapshots/" not in text and "/overlay2/" not in text


def test_twin_names_use_the_prefix():
    text = twin.twin_script("05", recordings=RECORDINGS, prefix="lab-")
    assert "docker volume create --label io.labhelpers.managed=true lab-my-vol" in text
    assert " my-vol:" not in text and "-t my-image " not in text
    assert "--label io.labhelpers.managed=image:lab-my-image:latest -t lab-my-image" in text


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_every_twin_is_bash(stem, tmp_path):
    path = twin.write_twin(stem, tmp_path, recordings=RECORDINGS, prefix="")
    assert path == tmp_path / f"{stem}.sh"
    checked = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("name", ["42", "no-such-notebook", "0"])
def test_unknown_notebook_fails_clearly(name):
    with pytest.raises(BadInput) as raised:
        twin.twin_script(name, prefix="")
    message = str(raised.value)
    assert repr(name) in message and "02b" in message  # what it got, and the names it knows


def test_cli_unknown_notebook(capsys):
    from labhelpers.__main__ import main

    assert main(["twin", "42"]) == 1
    assert "No single notebook is called '42'" in capsys.readouterr().err


# --- the Engine -------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_twin_runs_and_leaves_the_engine_as_found(stem, engine, tmp_path):
    path = twin.write_twin(stem, tmp_path, recordings=RECORDINGS)  # the names of this Engine
    whole = stem.startswith("99")  # removes every lab resource, as notebook 99 does
    before = snapshot(lab_too=not whole)
    done = subprocess.run(
        ["bash", str(path)], capture_output=True, text=True, timeout=900, cwd=tmp_path
    )
    tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
    assert done.returncode == 0, f"{path.name} failed:\n{tail}"
    assert snapshot(lab_too=not whole) == before, f"{path.name} left the Engine changed"
    if whole:
        left = json.dumps(snapshot(lab_too=True)) != json.dumps(snapshot(lab_too=False))
        assert not left, "99's twin left resources with the lab's label"


def test_twin_reads_another_recordings_folder(tmp_path):
    """`--recordings DIR`: a twin from a fresh live run's recordings (the committed ones here)."""
    copy = tmp_path / "fresh"
    copy.mkdir()
    source = Path(twin.RECORDINGS) / "07-sharing-data.json"
    (copy / source.name).write_text(source.read_text())
    assert twin.twin_script("07", recordings=copy, prefix="") == twin.twin_script("07", prefix="")
