"""Notebook 99's cleanup lesson: the inventory with sizes, label inheritance, the removal behind a
button (a recording run presses it), and the before/after proof that nothing else changed. Engine
tests use the SESSION scope, so they never remove another session's resources."""

from __future__ import annotations

import os

import pytest

import labhelpers as lh
from conftest import docker_cli
from labhelpers.core import labels
from labhelpers.core.sessions import SESSION_ID
from labhelpers.engine import EVERYONE, MINE, SESSION, lab_resources
from labhelpers.engine.system import UsageRow
from labhelpers.lessons.cleanup import experiments as cv
from labhelpers.lessons.cleanup import results as cr
from labhelpers.lessons.cleanup.views import plot_space
from labhelpers.replay.modes import RECORD_SETTING


@pytest.fixture
def learners_volume():
    """A volume without the lab's labels: the learner's, which the cleanup must leave alone."""
    name = f"t99-mine-{SESSION_ID}"
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

    listed = cv.inventory(SESSION)
    sizes = {(i.kind, i.name): i.size_bytes for i in listed.items}
    assert sizes[("container", "lab-t99-box")] >= 2 * lh.MIB  # its writable layer
    assert sizes[("volume", "lab-t99-vol")] == lh.MIB
    assert all(i.name != learners_volume for i in listed.items)
    assert "lab-t99-box" in repr(listed) and listed.total_bytes >= 3 * lh.MIB

    before = cv.unlabelled_snapshot(SESSION)
    assert ("volume", learners_volume) in [(t.kind, t.name) for t in before.things]
    report = cv.remove_lab_resources(SESSION)
    assert {(r.kind, r.name) for r in report.removed} >= {
        ("container", "lab-t99-box"),
        ("volume", "lab-t99-vol"),
    }
    assert report.reclaimed_bytes >= 3 * lh.MIB
    assert cv.inventory(SESSION).items == ()
    # the plot and the report give the same figure: docker system df before and after
    assert report.before.total_bytes - report.after.total_bytes == report.reclaimed_bytes
    assert report.inventory_bytes == listed.total_bytes
    assert report.proof.untouched, report.proof.verdict()
    assert docker_cli("volume", "inspect", learners_volume, check=False).returncode == 0


def test_the_panel_waits_for_its_button(lesson_image, no_leftovers, monkeypatch):
    monkeypatch.delenv(RECORD_SETTING, raising=False)
    lh.create_volume("lab-t99-panel")
    panel = lh.cleanup.cleanup_panel(SESSION)
    assert panel.last is None  # running the cell removes nothing
    assert docker_cli("volume", "inspect", "lab-t99-panel", check=False).returncode == 0
    panel.button.click()
    assert docker_cli("volume", "inspect", "lab-t99-panel", check=False).returncode != 0
    assert ("volume", "lab-t99-panel") in {(i.kind, i.name) for i in panel.last.removed}
    assert "Reclaimed" in panel.shown.value and "<img" in panel.shown.value


def test_a_recording_run_presses_the_button(lesson_image, no_leftovers, monkeypatch, tmp_path):
    monkeypatch.setenv(RECORD_SETTING, str(tmp_path))
    lh.create_volume("lab-t99-pressed")
    panel = lh.cleanup.cleanup_panel(SESSION)
    assert panel.last is not None
    assert docker_cli("volume", "inspect", "lab-t99-pressed", check=False).returncode != 0


def test_a_container_inherits_its_images_labels_but_not_the_labs_ownership(
    lesson_image, no_leftovers
):
    shown = cv.label_inheritance(image=lesson_image, name="lab-t99-probe")
    assert all(from_image for _, _, from_image in shown.labels)
    assert shown.values[labels.MANAGED].startswith("image:")
    assert not shown.lab_owned and "cleanup leaves it" in repr(shown)
    assert docker_cli("container", "inspect", "lab-t99-probe", check=False).returncode != 0


def test_the_proof_names_what_changed():
    a = cr.Thing("volume", "v1", "v1", "")
    b = cr.Thing("container", "abc", "web", "running")
    stopped = cr.Thing("container", "abc", "web", "exited")
    same = cr.Snapshot((a, b)).compare(cr.Snapshot((a, b)))
    assert same.untouched and [row[2] for row in same.table().rows] == [1, 1, 0, 0]
    changed = cr.Snapshot((a, b)).compare(cr.Snapshot((a, stopped)))
    assert not changed.untouched and "container web" in changed.verdict()


def _space(moment: str, store: str, images: int, containers: int) -> cr.Space:
    return cr.Space(moment, store, images, containers, 0, 100)


def test_the_reclaimed_space_is_explained_for_each_store():
    removed = (cr.LabItem("container", "box", 4096),)
    for store in ("graph driver", "containerd"):
        before = _space("before", store, 1_000 + 4096, 4096)
        after = _space("after", store, 1_000, 0)
        proof = cr.Snapshot(()).compare(cr.Snapshot(()))
        result = cr.CleanupResult(removed, 2 * 4096, 4096, before, after, proof)
        text = result.explanation()
        assert "Reclaimed 8.19kB (8,192 B" in text and "images -4.1kB" in text
        assert ("twice" in text) is (store == "containerd")
        assert text in repr(result)
    proof = cr.Snapshot(()).compare(cr.Snapshot(()))
    same = cr.CleanupResult(
        removed,
        4096,
        4096,
        _space("b", "graph driver", 0, 4096),
        _space("a", "graph driver", 0, 0),
        proof,
    )
    assert same.explanation().endswith("added up to 4.1kB.")


def test_an_image_counts_its_unshared_layers_as_its_own():
    row = UsageRow("image", "my-image:latest", 418_000_000, 220_000_000, True, {}, "abc")
    assert cv._own_image_bytes(row, "graph driver") == 198_000_000
    assert cv._own_image_bytes(None, "graph driver") == -1
    unknown = UsageRow("image", "x", 5, -1, True, {}, "abc")
    assert cv._own_image_bytes(unknown, "containerd") == -1


def test_removed_resources_get_their_inventory_sizes():
    listed = (cr.LabItem("image", "846da070ecdd", 10), cr.LabItem("volume", "v", 3))
    assert cv._sized("image", "846da070ecdd" + "0" * 52, listed).size_bytes == 10
    assert cv._sized("volume", "v", listed).size_bytes == 3
    assert cv._sized("volume", "gone", listed).size_bytes == -1


def test_the_space_plot_names_everything_it_draws():
    import matplotlib

    matplotlib.use("Agg")
    before = cr.Space("before", "containerd", 9_000_000, 1_000_000, 500_000, 100)
    after = cr.Space("after", "containerd", 4_000_000, 0, 0, 100)
    figure = plot_space(before, after, 5_000_000)
    names = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert names[:4] == ["images", "containers", "local volumes", "build cache"]
    assert names[4].startswith("reclaimed, measured") and "6.5MB" in names[4]
    assert names[5].startswith("the inventory's sizes") and "5MB" in names[5]
    assert len(plot_space(before, after).axes[0].get_legend().get_texts()) == 5
    figure.savefig(os.devnull, format="png")


def test_what_the_learner_makes_from_the_labs_image_is_never_selected(
    my_image, tmp_path, no_leftovers
):
    """A container run from the lab's image and images built FROM it (tagged and untagged) carry
    the image's labels, owner mark included; the lab's mark names my-image, not them."""
    (tmp_path / "Dockerfile").write_text(f"FROM {my_image}\nRUN touch /mine\n")
    tagged, box = f"t99-derived-{SESSION_ID}", f"t99-box-{SESSION_ID}"
    docker_cli("build", "-q", "-t", tagged, str(tmp_path))
    untagged = docker_cli("build", "-q", "--no-cache", str(tmp_path)).stdout.strip()
    docker_cli("run", "-d", "--name", box, my_image, "sleep", "infinity")
    try:
        found = lab_resources(MINE) + lab_resources(EVERYONE)
        selected = {r.name for r in found} | {r.id for r in found}
        assert box not in selected and f"{tagged}:latest" not in selected
        assert untagged.split(":")[-1][:12] not in selected
    finally:
        docker_cli("rm", "-f", box, check=False)
        docker_cli("image", "rm", "-f", tagged, untagged, check=False)
