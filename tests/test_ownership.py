"""The lab never touches what the learner owns: it refuses their names and cleans up by label."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest

import labhelpers as lh
from conftest import docker_cli, make_room_for
from labhelpers import engine as eng
from labhelpers.core.labels import MANAGED, OWNER, OWNER_SETTING, full_tag, owner
from labhelpers.engine.names import PREFIX_SETTING


def _volume_file(volume: str, image: str) -> bytes:
    out = docker_cli("run", "--rm", "-v", f"{volume}:/data", image, "cat", "/data/notes.txt")
    return out.stdout.encode()


def _fingerprint(image: str) -> dict:
    """Everything a change to the learner's container or volume would alter."""
    container = json.loads(docker_cli("inspect", "my-cont-1").stdout)[0]
    volume = json.loads(docker_cli("volume", "inspect", "my-vol").stdout)[0]
    return {
        "container_id": container["Id"],
        "container_state": container["State"]["Status"],
        "container_started": container["State"]["StartedAt"],
        "container_labels": container["Config"]["Labels"],
        "volume": volume,
        "file_sha256": hashlib.sha256(_volume_file("my-vol", image)).hexdigest(),
        "container_file": docker_cli("exec", "my-cont-1", "cat", "/root/mine.txt").stdout,
    }


@pytest.fixture
def learner_resources(engine, lesson_image):
    """A learner-owned my-vol (with a file) and my-cont-1, made with the plain CLI, no labels."""
    base = eng.choose_base_image().image
    make_room_for("container", "my-cont-1")  # the lab's leftovers go; someone's skips the test
    make_room_for("volume", "my-vol")
    docker_cli("volume", "create", "my-vol")
    docker_cli(
        "run",
        "--rm",
        "-v",
        "my-vol:/data",
        base,
        "sh",
        "-c",
        "echo 'my own notes, not the lab' > /data/notes.txt",
    )
    docker_cli("run", "-d", "--name", "my-cont-1", base, "sleep", "infinity")
    docker_cli("exec", "my-cont-1", "sh", "-c", "echo mine > /root/mine.txt")
    yield base
    docker_cli("rm", "-f", "my-cont-1", check=False)
    docker_cli("volume", "rm", "-f", "my-vol", check=False)


def test_learner_resources_survive_the_lab_byte_for_byte(
    learner_resources, lesson_image, no_leftovers, monkeypatch
):
    """With the lecture's names forced (the course would otherwise choose `lab-` names beside
    the learner's), every step that would touch the learner's my-cont-1 or my-vol refuses."""
    monkeypatch.setenv(PREFIX_SETTING, "")
    before = _fingerprint(learner_resources)

    with pytest.raises(lh.NameClash) as clash:
        lh.run_container("my-cont-1", image=lesson_image)
    assert "my-cont-1" in str(clash.value) and "yours" in str(clash.value)
    with pytest.raises(lh.NameClash):
        lh.create_volume("my-vol")
    with pytest.raises(lh.NameClash):
        lh.run_container("lab-cont", image=lesson_image, mounts=[lh.volume_mount("my-vol", "/app")])
    with pytest.raises(lh.BadInput):
        lh.remove_container("my-cont-1")
    with pytest.raises(lh.BadInput):
        lh.write_data("my-cont-1", 1)

    # the lab's own steps on other names, then its cleanup
    lh.create_volume("lab-vol")
    lh.run_container("my-cont-2", image=lesson_image, mounts=[lh.volume_mount("lab-vol", "/app")])
    lh.write_data("my-cont-2", 1)
    report = eng.cleanup(eng.SESSION)
    removed = {(r.kind, r.name) for r in report.removed}
    assert ("container", "my-cont-2") in removed and ("volume", "lab-vol") in removed
    assert not {("container", "my-cont-1"), ("volume", "my-vol")} & removed

    assert _fingerprint(learner_resources) == before


def test_a_learner_image_tag_is_refused(engine, learner_resources, tmp_path, no_leftovers):
    docker_cli("tag", learner_resources, "my-image-of-my-own")
    try:
        lh.write_lesson_files(tmp_path)
        with pytest.raises(lh.NameClash):
            eng.build_image(tmp_path, tag="my-image-of-my-own")
        image = json.loads(docker_cli("image", "inspect", "my-image-of-my-own").stdout)[0]
        assert image["Id"].split(":")[1].startswith(eng.find_image(learner_resources).id)
    finally:
        docker_cli("rmi", "my-image-of-my-own", check=False)


def test_what_the_learner_makes_from_the_labs_image_stays_theirs(
    lesson_image, no_leftovers, tmp_path
):
    """Labels are inherited: a container run from the lab's image and an image built FROM it
    carry the image's managed label. Its value (image:TAG) keeps both out of the lab's hands."""
    docker_cli("run", "-d", "--name", "lab-t-mine", lesson_image, "sleep", "infinity")
    (tmp_path / "Dockerfile").write_text(f"FROM {lesson_image}\nRUN echo mine > /mine.txt\n")
    docker_cli("build", "-q", "-t", "lab-t-mine-image", str(tmp_path))
    try:
        inherited = docker_cli(
            "inspect", "-f", '{{index .Config.Labels "io.labhelpers.managed"}}', "lab-t-mine"
        ).stdout.strip()
        assert inherited == f"image:{full_tag(lesson_image)}"

        listed = {(r.kind, r.name) for r in eng.lab_resources()}
        assert ("container", "lab-t-mine") not in listed
        assert ("image", "lab-t-mine-image:latest") not in listed
        assert ("image", full_tag(lesson_image)) in listed  # the lab's own image
        with pytest.raises(lh.NameClash):
            lh.run_container("lab-t-mine", image=lesson_image)
        lh.write_lesson_files(tmp_path / "ctx")
        with pytest.raises(lh.NameClash):
            eng.build_image(tmp_path / "ctx", tag="lab-t-mine-image")
        names = {item.name for item in lh.cleanup.inventory().items}
        assert "lab-t-mine" not in names and "lab-t-mine-image:latest" not in names
        mine = {t.name for t in lh.cleanup.unlabelled_snapshot().things}
        assert {"lab-t-mine", "lab-t-mine-image:latest"} <= mine
        eng.cleanup(eng.SESSION)
        assert docker_cli("inspect", "lab-t-mine", check=False).returncode == 0
    finally:
        docker_cli("rm", "-f", "lab-t-mine", check=False)
        docker_cli("image", "rm", "-f", "lab-t-mine-image", check=False)


@pytest.mark.parametrize("snapshot", ["lab-t-snapshot", None], ids=["tagged", "untagged"])
def test_a_commit_of_a_lab_container_stays_the_learners(
    lesson_image, no_leftovers, monkeypatch, snapshot
):
    """`docker commit` keeps a container's labels, owner mark included: a snapshot of the lab's
    running container carries `container:NAME`, which names the container, not the image, so the
    default cleanup (this account's lab work) keeps it, tagged or untagged. The test runs as an
    owner of its own: that cleanup then removes nothing but what this test made."""
    monkeypatch.setenv(OWNER_SETTING, f"t-commit-{uuid.uuid4().hex[:8]}@test")
    made = lh.run_container("lab-t-snap", image=lesson_image, command=["sleep", "infinity"])
    docker_cli("exec", made.name, "sh", "-c", "echo mine > /mine.txt")
    committed = docker_cli("commit", made.name, *([snapshot] if snapshot else [])).stdout.strip()
    try:
        labels = json.loads(
            docker_cli("image", "inspect", "-f", "{{json .Config.Labels}}", committed).stdout
        )
        assert labels[MANAGED] == f"container:{made.name}"  # inherited, and it names the container
        assert labels[OWNER] == owner()  # inherited: this account's, so in the cleanup's scope

        short = committed.split(":")[-1][:12]
        listed = {r.id for r in eng.lab_resources() if r.kind == "image"}
        assert short not in listed
        assert {(r.kind, r.name) for r in eng.lab_resources()} == {("container", made.name)}

        report = eng.cleanup()  # MINE: what `python -m labhelpers cleanup` removes
        assert {(r.kind, r.name) for r in report.removed} == {("container", made.name)}
        after = docker_cli("image", "inspect", "-f", "{{.Id}}", committed, check=False)
        assert after.returncode == 0 and after.stdout.strip() == committed
        kept = docker_cli("run", "--rm", "--entrypoint", "cat", committed, "/mine.txt")
        assert kept.stdout == "mine\n"
    finally:
        docker_cli("rm", "-f", made.name, check=False)
        docker_cli("image", "rm", "-f", committed, check=False)


def test_a_listing_row_has_the_name_and_tags_the_sdk_would_give():
    """The name plan and the cleanup read `docker image ls` rows, not inspected images: an
    untagged image's `<none>:<none>` is no tag, as the SDK's `Image.tags` has it."""
    from labhelpers.engine.names import listed_name, listed_tags

    assert listed_tags({"RepoTags": ["my-image:latest", "<none>:<none>"]}) == ["my-image:latest"]
    assert listed_tags({"RepoTags": None}) == listed_tags({}) == []
    assert listed_name({"Names": ["/web/db", "/my-cont-1"]}) == "my-cont-1"  # not a --link alias
