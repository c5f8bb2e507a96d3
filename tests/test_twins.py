"""Every notebook's CLI twin (`python -m labhelpers twin`): written from recorded command data,
and run against the Engine.

The Engine tests write each twin and run it with bash, with the lecture's names and with the
course's `lab-` names: it must exit 0 and leave the Engine as it found it (containers, volumes,
images, networks). 99's twin, like notebook 99, removes every resource of the lab's made by you,
so for 99 only what is not the lab's must be unchanged. And a twin never touches what is not its
own: a learner's `my-cont-1` made after the twin was written survives it, byte for byte.

LABHELPERS_TWIN_RECORDINGS names a folder of fresh recordings to write the twins from (a live
run's, `LABHELPERS_RECORD_DIR` and the `tools.recorder` plugin): the twins then check today's
helpers, not the committed run.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import containers_snapshot, docker_cli, make_room_for, volumes_snapshot
from labhelpers import twin
from labhelpers.core.errors import BadInput
from labhelpers.core.labels import MANAGED, is_lab_image, is_lab_owned

NOTEBOOKS = sorted(p.stem for p in twin.NOTEBOOKS.glob("[0-9]*.ipynb"))
RECORDINGS = os.environ.get("LABHELPERS_TWIN_RECORDINGS") or None
# the prefix those recordings' own run used (the pipeline's live run beside a learner's own
# my-image records the course's `lab-` names)
RECORDED_PREFIX = os.environ.get("LABHELPERS_TWIN_RECORDED_PREFIX", "")
# Which names the twins run with: the lecture's (my-image, ...) and the course's `lab-` ones (a
# learner who holds a my-image of their own). Both by default. The pipeline runs what differs by
# Engine once per Engine: the lecture's names on the other Engines; on the reference Engine the
# `lab-` names here, and the lecture's in the learner-who-goes-beyond check that follows
# (tools/beyond.py runs every twin beside the learner's own work), so no twin runs twice there.
NAMES = {"lecture": "", "lab": "lab-"}
TWIN_NAMES = os.environ.get("LABHELPERS_TWIN_NAMES", "lecture lab").split()


def _lines(*args: str) -> list[str]:
    return sorted(docker_cli(*args).stdout.splitlines())


def _labs() -> dict:
    """What the lab owns by its mark (the mark names the resource: containers run from a lab
    image and images built FROM one inherit the image's mark but are not the lab's), by the
    first field `snapshot` lists."""
    mark = f'{{{{.Label "{MANAGED}"}}}}'
    labs: dict = {"containers": set(), "volumes": set(), "images": set(), "networks": set()}
    label = f"label={MANAGED}"
    for line in _lines(
        "ps", "-a", "--no-trunc", "--filter", label, "--format", "{{.ID}} {{.Names}} " + mark
    ):
        ident, name, value = ([*line.split(" ", 2), ""])[:3]
        if is_lab_owned("container", name, {MANAGED: value}):
            labs["containers"].add(ident)
    for line in _lines("volume", "ls", "--filter", label, "--format", "{{.Name}} " + mark):
        name, _, value = line.partition(" ")
        if is_lab_owned("volume", name, {MANAGED: value}):
            labs["volumes"].add(name)
    ids = set(_lines("image", "ls", "-q", "--no-trunc", "--filter", label))
    if ids:
        shown = "{{.Id}}\t{{json .Config.Labels}}\t{{json .RepoTags}}"
        for line in _lines("image", "inspect", "-f", shown, *sorted(ids)):
            ident, labels, tags = line.split("\t")
            tags = [t for t in json.loads(tags) or [] if t != "<none>:<none>"]
            if tags and is_lab_image(json.loads(labels) or {}, tags):
                labs["images"].add(ident)
    for line in _lines(
        "network", "ls", "--no-trunc", "--filter", label, "--format", "{{.ID}} {{.Name}} " + mark
    ):
        ident, name, value = ([*line.split(" ", 2), ""])[:3]
        if is_lab_owned("network", name, {MANAGED: value}):
            labs["networks"].add(ident)
    return labs


def snapshot(lab_too: bool = True) -> dict:
    """What the Engine holds, by id and name (without the lab's resources unless LAB_TOO)."""
    found = {
        "containers": containers_snapshot(),
        "volumes": volumes_snapshot(),
        "images": _lines(
            "image", "ls", "--no-trunc", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}"
        ),
        "networks": _lines("network", "ls", "--no-trunc", "--format", "{{.ID}} {{.Name}}"),
    }
    if not lab_too:
        lab = _labs()
        found = {
            kind: [line for line in lines if line.split()[0] not in lab[kind]]
            for kind, lines in found.items()
        }
    return found


# --- no Engine --------------------------------------------------------------------------------


def test_twin_shape():
    """Headings as comments, strict bash, the cleanup on exit, every removal guarded by the
    lab's marks, and no value of the recorded run left (paths, ids, the recorder's account)."""
    text = twin.twin_script("02", RECORDINGS, "", RECORDED_PREFIX)
    lines = text.splitlines()
    assert lines[0] == "#!/usr/bin/env bash"
    assert "set -euo pipefail" in lines[:12]
    assert "trap twin_cleanup EXIT" in lines
    assert any(line.startswith("# 1. ") for line in lines)  # the notebook's headings
    run = next(line for line in lines if line.startswith("docker run -d --init --name my-cont-1"))
    assert f"--label {MANAGED}=container:my-cont-1" in run
    assert '"io.labhelpers.owner=${LAB_OWNER}"' in run  # the twin's runner owns what it makes
    assert lines.index(run) > lines.index("trap twin_cleanup EXIT")
    helper = lines[lines.index(next(x for x in lines if x.startswith("remove() {"))) :]
    helper = helper[: helper.index("}") + 1]  # removes only what the owned listing fed it
    for line in lines:
        if line in helper:
            continue
        if line.startswith("docker rm ") or " docker rm " in line.split("||")[-1]:
            assert line.startswith("! owned container"), line
    assert "/snapshots/" not in text and "/overlay2/" not in text and "<notebooks>" not in text


def test_twin_names_use_the_prefix_also_inside_paths():
    text = twin.twin_script("05", RECORDINGS, "lab-", RECORDED_PREFIX)
    assert "lab-my-vol" in text and " my-vol:" not in text and " -t my-image " not in text
    assert f"{MANAGED}=volume:lab-my-vol" in text
    if "/volumes/" in text:  # the volume's folder on the Engine's machine, by its name
        assert "/volumes/my-vol/" not in text


def test_what_an_earlier_notebook_made_comes_apart_for_the_benchmark(tmp_path):
    """02b uses 02's my-cont-1: the twin makes it first; `prerequisites` is that part alone (a
    script of its own, with the owner mark), and a twin written without it starts at 02b's own
    work (tools/bench.py makes it, untimed, before the notebook and before the twin)."""
    header = "# What this notebook uses that an earlier one made:"
    whole = twin.twin_script("02b", RECORDINGS, "", RECORDED_PREFIX)
    alone = twin.twin_script("02b", RECORDINGS, "", RECORDED_PREFIX, made_earlier=False)
    before = twin.prerequisites("02b", RECORDINGS, "", RECORDED_PREFIX)
    assert header in whole and header not in alone
    made = [line for line in before.splitlines() if line.startswith("docker run ")]
    assert any("--name my-cont-1 " in line for line in made), before
    assert all(line in whole and line not in alone for line in made)
    assert before.startswith("set -euo pipefail\nLAB_OWNER=")
    assert twin.prerequisites("00", RECORDINGS, "", RECORDED_PREFIX) == ""
    script = tmp_path / "before.sh"
    script.write_text(before)
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0


def test_the_twin_waits_for_the_app_as_the_notebook_does():
    """05 reads its app's log once the app has run 3 s or exited (the lab polls in Python); the
    twin waits the same way (from the recording's "wait" events), so its `docker logs` shows
    the app's "Running on" line as the notebook's does, not an empty log."""
    lines = twin.twin_script("05", RECORDINGS, "", RECORDED_PREFIX).splitlines()
    for app in ("app-on-volume", "app-on-bind"):
        logs = next(i for i, line in enumerate(lines) if line.startswith(f"docker logs {app}"))
        waits = lines[logs - 2 : logs]
        assert all(w.startswith("for _ in $(seq ") and app in w for w in waits), waits
        assert waits[0].startswith("for _ in $(seq 15); do ! [ ")  # 3 s while it runs
        assert "grep 'Running on' >/dev/null" in waits[1]


def test_what_the_notebook_only_shows_runs_in_the_twin_unless_asked_not_to():
    """04 shows an EBS volume's command without running it (no plugin here). The learner's twin
    runs it where it can and says what the notebook did; the benchmark's twin (not_run=False)
    keeps it as a comment, so that it times the notebook's work only."""
    ebs = "docker volume create --driver rexray/ebs "
    learner = twin.twin_script("04", RECORDINGS, "", RECORDED_PREFIX).splitlines()
    bench = twin.twin_script("04", RECORDINGS, "", RECORDED_PREFIX, not_run=False).splitlines()
    ran = [line for line in learner if line.startswith(ebs)]
    assert len(ran) == 1 and "|| echo '(not run in the notebook: needs the plugin" in ran[0]
    assert not any(line.startswith(ebs) for line in bench)
    assert any(line.startswith("# " + ebs) for line in bench)
    assert len(learner) == len(bench)


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_every_twin_is_bash(stem, tmp_path):
    for prefix in ("", "lab-"):
        path = twin.write_twin(stem, tmp_path / prefix, RECORDINGS, prefix, RECORDED_PREFIX)
        assert path.name == f"{stem}.sh"
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


def test_twin_reads_another_recordings_folder(tmp_path):
    """`--recordings DIR`: a twin from a fresh live run's recordings (the committed ones here)."""
    copy = tmp_path / "fresh"
    copy.mkdir()
    source = Path(twin.RECORDINGS) / "07-sharing-data.json"
    (copy / source.name).write_text(source.read_text())
    assert twin.twin_script("07", recordings=copy, prefix="") == twin.twin_script("07", prefix="")


# --- the Engine -------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "prefix", [NAMES[n] for n in TWIN_NAMES], ids=[f"{n}-names" for n in TWIN_NAMES]
)
@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_twin_runs_and_leaves_the_engine_as_found(stem, prefix, engine, tmp_path):
    path = twin.write_twin(stem, tmp_path, RECORDINGS, prefix, RECORDED_PREFIX)
    whole = stem.startswith("99")  # removes every lab resource of yours, as notebook 99 does
    before = snapshot(lab_too=not whole)
    done = subprocess.run(
        ["bash", str(path)], capture_output=True, text=True, timeout=900, cwd=tmp_path
    )
    tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
    assert done.returncode == 0, f"{path.name} failed:\n{tail}"
    assert snapshot(lab_too=not whole) == before, f"{path.name} left the Engine changed"
    if whole:
        left = json.dumps(snapshot(lab_too=True)) != json.dumps(snapshot(lab_too=False))
        assert not left, "99's twin left resources with the lab's mark"


@pytest.mark.slow
def test_a_twin_never_touches_a_same_named_resource_of_the_learners(engine, tmp_path):
    """The twin was written for the lecture's names; the learner then makes a `my-cont-1` of
    their own. The twin stops where its `docker run` finds the name taken, and its cleanup
    leaves the learner's container as it was (id, state, a file in it)."""
    path = twin.write_twin("02", tmp_path, RECORDINGS, "", RECORDED_PREFIX)
    make_room_for("container", "my-cont-1")
    base = docker_cli("image", "ls", "-q", "labhelpers/python-base:bookworm").stdout.strip()
    image = base or "python:3.13-slim"
    docker_cli("run", "-d", "--name", "my-cont-1", image, "sleep", "infinity")
    try:
        docker_cli("exec", "my-cont-1", "sh", "-c", "echo mine > /root/mine.txt")
        before = json.loads(docker_cli("inspect", "my-cont-1").stdout)[0]
        done = subprocess.run(
            ["bash", str(path)], capture_output=True, text=True, timeout=900, cwd=tmp_path
        )
        assert done.returncode != 0  # it stopped at the name the learner holds
        after = json.loads(docker_cli("inspect", "my-cont-1").stdout)[0]
        assert (
            after["Id"] == before["Id"]
            and after["State"]["StartedAt"] == before["State"]["StartedAt"]
        )
        assert docker_cli("exec", "my-cont-1", "cat", "/root/mine.txt").stdout == "mine\n"
    finally:
        docker_cli("rm", "-f", "my-cont-1", check=False)
