"""Every case of the bad-input catalogue (tools/catalogue.py), on a real Engine.

Each case must raise the lab's own error (a `LabError` of the catalogue's class: never the SDK's,
never another exception) with three parts that name the input, or, for a case the lab handles by
choosing other names, do that; and change nothing: the containers, images, volumes and networks
(ids, states), the files in every volume and in the case's folder (checksums), the learner's own
`my-cont-1`, `my-vol`, `my-image` and network `my-cont-2` included, are the same before and after.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from conftest import (
    HARNESS_ENGINES,
    containers_snapshot,
    docker_cli,
    make_room_for,
    remove_leftovers,
    volumes_snapshot,
)
from labhelpers.core.errors import LabError
from tools import catalogue
from tools.catalogue import CASES, LEARNER, LEARNER_NETWORK, RO_CONTAINER, RO_VOLUME


def _lines(*args: str) -> list[str]:
    return sorted(docker_cli(*args).stdout.splitlines())


def _volume_files(image: str) -> list[str]:
    """`sha256sum` of every file in every volume, read by one throw-away container."""
    volumes = [v for v in _lines("volume", "ls", "-q") if not v.startswith(HARNESS_ENGINES)]
    if not volumes:
        return []
    mounts = [arg for i, v in enumerate(volumes) for arg in ("-v", f"{v}:/v/{i}:ro")]
    script = "cd /v && find . -type f -exec sha256sum {} + | sort"
    done = docker_cli("run", "--rm", "--network", "none", *mounts, image, "sh", "-c", script)
    return [
        f"{volumes[int(line.split('./', 1)[1].split('/', 1)[0])]} {line}"
        for line in done.stdout.splitlines()
    ]


def _folder_files(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*")):
        if ".fresh-state" in path.parts:
            continue  # the new kernel's own state folder (the lab's memory, not a resource)
        if path.is_file():
            found.append(
                f"{path.relative_to(root)} {hashlib.sha256(path.read_bytes()).hexdigest()}"
            )
        else:
            found.append(f"{path.relative_to(root)}/")
    return found


def snapshot(stage: catalogue.Stage) -> dict:
    """Everything a case could change, with ids and checksums."""
    return {
        "containers": containers_snapshot(),
        "images": _lines(
            "image", "ls", "-a", "--no-trunc", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}"
        ),
        "volumes": volumes_snapshot(),
        "networks": _lines("network", "ls", "--no-trunc", "--format", "{{.ID}} {{.Name}}"),
        "volume files": _volume_files(stage.image),
        "folder files": _folder_files(stage.root),
    }


@pytest.fixture(scope="module")
def stage(tmp_path_factory):
    """The cases' folder, this kernel's names chosen (the lecture's: the Engine is clean of the
    learner's), the learner's own resources, and the lab's read-only container."""
    import labhelpers as lh
    from labhelpers.engine import choose_base_image, name_plan
    from labhelpers.engine.connection import why_unavailable

    problem = why_unavailable()  # module fixtures come before `engine`: the same message
    if problem is not None:
        pytest.fail(f"this test needs a Docker Engine:\n{problem}", pytrace=False)

    # The lab's own leftovers go (a container `my-cont-2` of an earlier test would be replaced by
    # the learner-network case, and the snapshot would see it vanish); someone's skips the test.
    for kind, name in (*LEARNER, ("network", LEARNER_NETWORK), ("container", LEARNER_NETWORK)):
        make_room_for(kind, name)
    assert name_plan().prefix == "", "the lecture's names, chosen before the learner's appear"
    chosen = catalogue.Stage(
        tmp_path_factory.mktemp("bad-input").resolve(), choose_base_image().image
    )
    chosen.prepare()
    image = chosen.image
    docker_cli("tag", image, "my-image")
    docker_cli("volume", "create", "my-vol")
    docker_cli("run", "-d", "--name", "my-cont-1", "-v", "my-vol:/data", image, "sleep", "3600")
    docker_cli("exec", "my-cont-1", "sh", "-c", "echo 'my notes' > /data/notes.txt")
    docker_cli("network", "create", LEARNER_NETWORK)
    lh.run_container(
        RO_CONTAINER, image, [lh.volume_mount(RO_VOLUME, "/data", read_only=True)], "sleep 3600"
    )
    try:
        yield chosen
    finally:
        lh.remove_container(RO_CONTAINER, volumes=True)
        lh.remove_volume(RO_VOLUME)
        docker_cli("rm", "-f", "my-cont-1", check=False)
        docker_cli("volume", "rm", "-f", "my-vol", check=False)
        docker_cli("image", "rm", "my-image", check=False)
        docker_cli("network", "rm", LEARNER_NETWORK, check=False)
        docker_cli("image", "rm", "-f", catalogue.BROKEN_TAG, check=False)
        remove_leftovers()


def test_the_catalogue_covers_the_issue():
    assert len(CASES) >= 30
    assert len({case.key for case in CASES}) == len(CASES)
    assert {c.topic for c in CASES} == set(catalogue.TOPICS)


# The snapshot the last case ended with, when that case changed nothing (its test passed): the
# next case starts from it rather than taking the same snapshot again (about 2 s each, a
# throw-away container included). Nothing reaches the Engine between two cases of this module.
_unchanged: dict = {}


@pytest.mark.parametrize("case", CASES, ids=[case.key for case in CASES])
def test_bad_input_is_refused_clearly_and_changes_nothing(case, engine, stage):
    before = _unchanged.pop(stage.root, None) or snapshot(stage)
    previous = os.getcwd()
    os.chdir(stage.root)
    try:
        if case.refusal:
            with pytest.raises(LabError) as caught:
                case.call(stage)
            error = caught.value
            assert type(error).__name__ == case.refusal, str(error)
            assert error.what.startswith(catalogue.expected_what(case, stage)), error.what
            assert error.why and error.todo
            lines = str(error).splitlines()
            assert len(lines) == 3, lines
            assert lines[1].startswith("Why: ") and lines[2].startswith("What to do: ")
            assert case.mentions in str(error)
            assert case.why_has in error.why
            if error.__cause__ is not None:  # the SDK's error stays behind the lab's, as cause
                assert isinstance(error, LabError)
        else:
            outcome = case.call(stage)
            assert str(outcome).startswith(catalogue.expected_what(case, stage)), outcome
            assert case.mentions in str(outcome)
    finally:
        os.chdir(previous)
    after = snapshot(stage)
    assert after == before
    _unchanged[stage.root] = after
