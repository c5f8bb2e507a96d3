"""Notebook 99's cleanup lesson: inventory with sizes, label inheritance, removal by label, and the
before/after proof that nothing unlabelled changed. Engine tests use session_only=True, so they
never remove another session's resources."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import labhelpers as lh
from conftest import docker_cli
from labhelpers.core import labels
from labhelpers.lessons.cleanup import experiments as cv
from labhelpers.lessons.cleanup import results as cr


@pytest.fixture
def learners_volume():
    """A volume without the lab's labels: the learner's, which the cleanup must leave alone."""
    name = f"lab-t99-mine-{labels.SESSION_ID}"
    docker_cli("volume", "create", name)
    yield name
    docker_cli("volume", "rm", "-f", name, check=False)


def test_cleanup_lists_removes_and_proves_nothing_else_changed(
    lesson_image, learners_volume, no_leftovers
):
    lh.run_container(
        "lab-t99-box", image=lesson_image, mounts=[lh.volume_mount("lab-t99-vol", "/data")]
    )
    lh.write_data("lab-t99-box", 1, path="/data/one.bin")
    lh.write_data("lab-t99-box", 2, path="/layer.bin")

    listed = cv.inventory(session_only=True)
    sizes = {(i.kind, i.name): i.size_bytes for i in listed.items}
    assert sizes[("container", "lab-t99-box")] >= 2 * lh.MIB  # its writable layer
    assert sizes[("volume", "lab-t99-vol")] == lh.MIB
    assert all(i.name != learners_volume for i in listed.items)
    assert "lab-t99-box" in repr(listed) and listed.total_bytes >= 3 * lh.MIB

    before = cv.unlabelled_snapshot()
    assert ("volume", learners_volume) in [(t.kind, t.name) for t in before.things]
    space_before = cv.space("before")
    report = cv.remove_lab_resources(session_only=True)
    assert {(r.kind, r.name) for r in report.removed} >= {
        ("container", "lab-t99-box"),
        ("volume", "lab-t99-vol"),
    }
    assert report.reclaimed_bytes >= 3 * lh.MIB
    assert "Space reclaimed" in repr(report)
    assert cv.inventory(session_only=True).items == ()
    space_after = cv.space("after")
    # the plot and the report give the same figure: docker system df before and after
    assert space_before.total_bytes - space_after.total_bytes == report.reclaimed_bytes
    assert report.before.total_bytes - report.after.total_bytes == report.reclaimed_bytes
    went = dict(report.before.lines())["containers"] - dict(report.after.lines())["containers"]
    assert went == sizes[("container", "lab-t99-box")]
    assert report.inventory_bytes == listed.total_bytes
    if space_before.store == "containerd":  # the writable layer is counted under images too
        assert "writable layers twice" in report.explanation()
    space_before.plot(space_after).savefig(os.devnull, format="png")

    proof = before.compare(cv.unlabelled_snapshot())
    assert proof.untouched and proof.verdict().startswith("Untouched")
    assert docker_cli("volume", "inspect", learners_volume, check=False).returncode == 0


def test_the_panel_waits_for_its_button_unless_told_to_remove(lesson_image, no_leftovers):
    lh.create_volume("lab-t99-panel")
    panel = lh.cleanup.cleanup_panel(remove_now=False, session_only=True)
    assert "lab-t99-panel" in panel.shown.value  # listed, not removed
    assert docker_cli("volume", "inspect", "lab-t99-panel", check=False).returncode == 0
    with pytest.raises(lh.LabError, match="Nothing has been removed yet"):
        panel.last_cleanup()
    panel.button.click()
    assert docker_cli("volume", "inspect", "lab-t99-panel", check=False).returncode != 0
    assert "Space reclaimed" in panel.shown.value
    assert ("volume", "lab-t99-panel") in {(i.kind, i.name) for i in panel.last.removed}
    assert "Space reclaimed" in repr(panel.last_cleanup())
    other = lh.cleanup.cleanup_panel(remove_now=False, session_only=True)
    with pytest.raises(lh.LabError):  # each panel keeps its own removals
        other.last_cleanup()


def test_a_container_inherits_its_images_labels_but_not_the_labs_ownership(
    lesson_image, no_leftovers
):
    shown = cv.label_inheritance(image=lesson_image, name="lab-t99-probe")
    assert shown.command == f"docker create --name lab-t99-probe {lesson_image}"
    assert all(from_image for _, _, from_image in shown.labels)
    assert dict((k, v) for k, v, _ in shown.labels)[labels.MANAGED].startswith("image:")
    assert not shown.managed and "would not select it" in repr(shown)
    assert docker_cli("container", "inspect", "lab-t99-probe", check=False).returncode != 0


def test_the_proof_names_what_changed():
    a = cr.Thing("volume", "v1", "v1", "")
    b = cr.Thing("container", "abc", "web", "running")
    stopped = cr.Thing("container", "abc", "web", "exited")
    same = cr.Snapshot((a, b)).compare(cr.Snapshot((a, b)))
    assert same.untouched and [row[3] for row in same.table().rows] == [1, 1, 0, 0]
    assert repr(same).endswith(same.verdict())
    changed = cr.Snapshot((a, b)).compare(cr.Snapshot((a, stopped)))
    assert not changed.untouched and "container web" in changed.verdict()


def test_the_cli_exercise_check(lesson_image, no_leftovers, monkeypatch):
    monkeypatch.setattr(labels, "_notebook", "lab-t99-notebook")
    lh.run_container(
        "lab-t99-ex", image=lesson_image, mounts=[lh.volume_mount("lab-t99-exv", "/d")]
    )
    left = lh.cleanup.check_cli_cleanup("lab-t99-notebook")
    assert not left.passed and "lab-t99-ex" in left.message
    assert "docker ps -a -q --filter label=io.labhelpers.notebook=lab-t99-notebook" in left.more
    lh.remove_container("lab-t99-ex")
    volumes_left = lh.cleanup.check_cli_cleanup("lab-t99-notebook")
    assert not volumes_left.passed and "lab-t99-exv" in volumes_left.message
    lh.remove_volume("lab-t99-exv")
    assert lh.cleanup.check_cli_cleanup("lab-t99-notebook").passed


def test_the_reclaimed_space_is_explained_for_each_store():
    def space(moment, store, images, containers):
        return cr.Space(moment, store, images, containers, 0, 100)

    removed = (cr.LabItem("container", "box", "02", 4096),)
    for store in ("graph driver", "containerd"):
        before, after = space("before", store, 1_000 + 4096, 4096), space("after", store, 1_000, 0)
        result = cr.CleanupResult(removed, 2 * 4096, (), 4096, before, after)
        text = result.explanation()
        assert "Space reclaimed: 8.19kB (8,192 bytes" in text and "images -4.1kB" in text
        assert "The inventory's sizes added up to 4.1kB" in text
        assert ("twice" in text) is (store == "containerd")
        assert "The difference, +4.1kB" in text
        assert text in repr(result)
    same = cr.CleanupResult(
        removed,
        4096,
        (),
        4096,
        space("b", "graph driver", 0, 4096),
        space("a", "graph driver", 0, 0),
    )
    assert same.explanation().endswith("added up to 4.1kB.")


def test_an_image_counts_its_unshared_unpacked_layers_as_its_own():
    from labhelpers.engine.system import UsageRow

    row = UsageRow("image", "my-image:latest", 418_000_000, 220_000_000, True, {}, "abc")
    assert cv._own_image_bytes(row, "graph driver", "my-image") == 198_000_000
    assert cv._own_image_bytes(None, "graph driver", "my-image") == -1
    unknown = UsageRow("image", "x", 5, -1, True, {}, "abc")
    assert cv._own_image_bytes(unknown, "containerd", "x") == -1


def test_removed_images_get_their_inventory_sizes():
    listed = (
        cr.LabItem("image", "my-app:one, my-app:two", "01", 10),
        cr.LabItem("image", "<none> (846da070ecdd)", "01", 0),
        cr.LabItem("volume", "v", "05", 3),
    )
    assert cv._match("image", "my-app:two", listed).size_bytes == 10
    assert cv._match("image", "sha256:846da070ecdd" + "0" * 52, listed).name.startswith("<none>")
    assert cv._match("volume", "v", listed).size_bytes == 3
    missing = cv._match("image", "sha256:" + "a" * 64, listed)
    assert missing.size_bytes == -1 and missing.name == "<none> (aaaaaaaaaaaa)"


def test_the_space_plot_names_everything_it_draws():
    import matplotlib

    matplotlib.use("Agg")
    before = cr.Space("before", "containerd", 9_000_000, 1_000_000, 500_000, 100)
    after = cr.Space("after", "containerd", 4_000_000, 0, 0, 100)
    result = cr.CleanupResult((), 6_500_000, (), 5_000_000, before, after)
    names = [t.get_text() for t in before.plot(after, result).axes[0].get_legend().get_texts()]
    assert names[:4] == ["images", "containers", "local volumes", "build cache"]
    assert names[4].startswith("reclaimed, measured") and "6.5MB" in names[4]
    assert names[5].startswith("the inventory's sizes") and "5MB" in names[5]
    assert len(before.plot(after).axes[0].get_legend().get_texts()) == 5  # no inventory given


def test_an_image_of_an_earlier_choice_of_names_is_listed_and_sized(lesson_image, tmp_path):
    """The course chose the lecture's names once (`my-image`), then a prefix (`lab-my-image`:
    the learner made a `my-vol` since). The lab's images of the first run still show in the
    inventory by the names they have, sized, and are never mapped to names that do not exist
    (on the containerd store, a size was asked for `lab-<its tag>` and the inventory failed)."""
    from labhelpers.engine import real

    old = "t99-earlier-image:latest"  # not the prefix's: as `my-image` is under `lab-`
    (tmp_path / "Dockerfile").write_text(f"FROM {real(lesson_image, 'image')}\n")
    label = f"{labels.MANAGED}=image:{old}"
    docker_cli("build", "-q", "--label", label, "-t", old, str(tmp_path))
    code = (
        "import json, sys\n"
        "from labhelpers.lessons.cleanup import experiments as cv\n"
        "items = [i for i in cv.inventory().items if i.name == sys.argv[1]]\n"
        "print(json.dumps([[i.kind, i.name, i.size_bytes] for i in items]))\n"
    )
    env = dict(os.environ, LABHELPERS_NAME_PREFIX="lab-", LABHELPERS_MODE="live")
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, old], env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-2000:]
        listed = json.loads(done.stdout.strip().splitlines()[-1])
        assert [(kind, name) for kind, name, _ in listed] == [("image", old)]
        assert listed[0][2] >= 0  # a size the Engine gave (0: all of it shared with the base)
    finally:
        docker_cli("image", "rm", "-f", old, check=False)
