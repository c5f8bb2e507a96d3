"""Storage drivers and volume drivers (notebook 04), measured on the real Engine."""

from __future__ import annotations

import pytest

import labhelpers as lh
from conftest import docker_cli
from labhelpers import drivers
from labhelpers.engine import cleanup, engine_facts, real
from labhelpers.lessons.drivers import views
from labhelpers.lessons.drivers.experiments import _size_bytes, detail_meaning
from labhelpers.lessons.drivers.views import VOLUME_DRIVER_EXAMPLES


def test_the_storage_driver_is_the_one_docker_info_prints(engine):
    report = drivers.storage_driver()
    assert report.driver == docker_cli("info", "--format", "{{.Driver}}").stdout.strip()
    root = docker_cli("info", "--format", "{{.DockerRootDir}}").stdout.strip()
    assert report.docker_root_dir == root
    names = {d.name for d in report.details}
    assert all(d.meaning for d in report.details)  # every line docker info prints is explained
    if report.containerd_snapshotter:  # the containerd image store: one line, the driver-type
        assert names == {"driver-type"} and "containerd image store" in report.explanation()
        assert "snapshotter" in report.driver_meaning
    else:  # the graph driver reports what it found on the backing filesystem
        assert {"Backing Filesystem", "Supports d_type"} <= names
        assert "graph driver" in report.explanation() and root in report.driver_meaning
    assert "Storage Driver" in repr(report) and report.explanation() in repr(report)


def test_each_driver_detail_is_explained_for_its_value():
    assert "trusted.*" in detail_meaning("userxattr", "false")
    assert "user.*" in detail_meaning("userxattr", "true")
    # the value shown is what the sentence says: false means root's trusted.* attributes
    assert detail_meaning("userxattr", "false").startswith("false: ")
    assert "not rootless" in detail_meaning("userxattr", "false")
    assert detail_meaning("userxattr", "true").startswith("true: ")
    assert "whole file" in detail_meaning("Using metacopy", "false")
    assert "only its metadata" in detail_meaning("Using metacopy", "true")
    assert "compares files itself" in detail_meaning("Native Overlay Diff", "false")
    assert "containerd image store" in detail_meaning("driver-type", "io.containerd.snapshotter.v1")
    assert "ext2/3/4" in detail_meaning("Backing Filesystem", "extfs")
    assert "ext2/3/4" not in detail_meaning("Backing Filesystem", "xfs")
    assert detail_meaning("Something new", "x") == ""
    assert _size_bytes("16m") == 16 * lh.MIB and _size_bytes("50%") is None


def test_local_is_a_built_in_volume_driver(engine):
    found = drivers.volume_drivers()
    assert any(d.name == "local" and d.source == "built in" and d.enabled for d in found.drivers)
    assert "local" in repr(found) and "built in" in repr(found)


def test_root_is_overlay_a_local_volume_is_a_directory_and_a_tmpfs_volume_is_memory(
    lesson_image, no_leftovers
):
    lh.create_volume("lab-t-disk")
    info = drivers.create_tmpfs_volume("lab-t-ram", size="16m")
    assert info.options == {"type": "tmpfs", "device": "tmpfs", "o": "size=16m"}
    assert "--opt type=tmpfs --opt device=tmpfs --opt o=size=16m" in info.command
    lh.run_container(
        "lab-t-fs",
        image=lesson_image,
        mounts=[lh.volume_mount("lab-t-disk", "/data"), lh.volume_mount("lab-t-ram", "/scratch")],
    )
    paths = {p.path: p for p in drivers.filesystems("lab-t-fs").paths}
    assert paths["/"].fs_type == "overlay" and "storage driver" in paths["/"].provided_by
    assert paths["/data"].fs_type not in ("overlay", "tmpfs")  # the data root's own filesystem
    assert f"volume {real('lab-t-disk', 'volume')}" in paths["/data"].provided_by
    assert paths["/scratch"].fs_type == "tmpfs"
    assert paths["/scratch"].capacity_bytes == 16 * lh.MIB
    facts = engine_facts()
    assert facts.storage in paths["/"].provided_by
    stack = drivers.layer_stack("lab-t-fs")
    assert stack.fstype == "overlay" and stack.storage == facts.storage
    assert stack.lower_dirs == stack.image_layers + 1 and stack.init_layer  # both stores
    assert "+ 1 init layer: yes" in stack.explanation()
    assert stack.container == real("lab-t-fs") and real("lab-t-fs") in stack.command
    upper = docker_cli("inspect", "-f", "{{.GraphDriver.Data.UpperDir}}", real("lab-t-fs")).stdout
    if facts.image_store == "containerd":  # docker inspect lists no directories
        assert upper.strip() in ("", "<no value>") and not stack.inspect_lists_dirs
        assert "/io.containerd.snapshotter.v1.overlayfs/snapshots/" in stack.upper_dir
        assert stack.upper_dir.endswith("/fs") and stack.merged_dir == ""
        assert "lists none of them" in stack.explanation()
    else:  # overlay2: the mount table and docker inspect agree
        assert upper.strip() == stack.upper_dir and stack.inspect_lists_dirs
        assert stack.upper_dir.endswith("/diff") and stack.merged_dir.endswith("/merged")
        lower = docker_cli("inspect", "-f", "{{.GraphDriver.Data.LowerDir}}", real("lab-t-fs"))
        lower = lower.stdout
        assert lower.split(":")[0].endswith("-init/diff")  # the init layer, on top
        assert len(lower.strip().split(":")) == stack.lower_dirs
    figure = drivers.plot_storage(stack, drivers.filesystems("lab-t-fs"))
    assert len(figure.axes) == 1
    cleanup(session_only=True)


def test_a_tmpfs_volume_keeps_files_only_while_a_running_container_mounts_it(
    lesson_image, no_leftovers
):
    report = drivers.tmpfs_volume_lifetime("lab-t-life", image=lesson_image)
    assert report.volume == real("lab-t-life", "volume")
    assert report.steps[0].step == f"{real('lab-t-life-1')} writes /data/note.txt"
    present = [s.note_present for s in report.steps]
    assert present == [True, True, True, False, False, True, False]
    assert [s.running_users for s in report.steps] == [1, 2, 1, 0, 1, 1, 1]
    # the containers are gone; the volume stays
    volume = lh.inspect_volume("lab-t-life")
    assert volume.options["type"] == "tmpfs"
    assert docker_cli("ps", "-aq", "--filter", "name=lab-t-life-").stdout.strip() == ""
    # seen through a helper container, wherever the Engine's files are
    mounted = [s.tmpfs_mounted for s in report.steps]
    assert mounted == ["yes", "yes", "yes", "no", "yes", "yes", "yes"]
    cleanup(session_only=True)


def test_a_tmpfs_size_is_checked_before_anything_connects():
    for size in ("lots", "-1m", "", 64):
        with pytest.raises(lh.BadInput):
            drivers.create_tmpfs_volume("lab-t-bad", size=size)
        with pytest.raises(lh.BadInput):
            drivers.tmpfs_volume_lifetime("lab-t-bad", size=size)


def test_volumes_with_driver_options_are_left_out_of_system_df(lesson_image, no_leftovers):
    lh.create_volume("lab-t-plain")
    drivers.create_tmpfs_volume("lab-t-opts")
    plain, opts = real("lab-t-plain", "volume"), real("lab-t-opts", "volume")
    usage = {r.name: r for r in lh.named_volumes.volume_usage(["lab-t-plain", "lab-t-opts"]).rows}
    assert usage[plain].listed and usage[plain].size_bytes == 0
    assert not usage[opts].listed
    df = docker_cli("system", "df", "-v").stdout.split()
    assert plain in df and opts not in df
    cleanup(session_only=True)


def test_examples_that_need_servers_are_marked_not_run():
    runnable = [e.name for e in VOLUME_DRIVER_EXAMPLES if e.runs_here]
    assert runnable == ["local driver, tmpfs (memory)"]
    for example in VOLUME_DRIVER_EXAMPLES:
        text = example.text()
        assert ("NOT RUN" in text) != example.runs_here
        assert example.kubernetes
    assert "no (example only)" in repr(drivers.DRIVER_EXAMPLES)


def test_the_kubernetes_manifests_match_the_named_volume_demo():
    yaml = pytest.importorskip("yaml")
    claim, pod = yaml.safe_load_all(views.kubernetes_manifests())
    assert claim["kind"] == "PersistentVolumeClaim" and claim["metadata"]["name"] == "my-vol"
    assert claim["spec"]["resources"]["requests"]["storage"] == "1Gi"
    container = pod["spec"]["containers"][0]
    assert pod["kind"] == "Pod" and container["image"] == "my-image"
    assert container["volumeMounts"][0]["mountPath"] == "/app"
    volume = pod["spec"]["volumes"][0]
    assert volume["name"] == container["volumeMounts"][0]["name"]
    assert volume["persistentVolumeClaim"]["claimName"] == "my-vol"
    with pytest.raises(lh.BadInput):
        drivers.kubernetes_manifests(volume="My_Vol")  # refused before anything connects


def test_examples_and_manifests_name_what_the_course_made_on_this_engine(engine):
    yaml = pytest.importorskip("yaml")
    vol, image = real("my-vol", "volume"), real("my-image", "image")
    claim, pod = yaml.safe_load_all(drivers.kubernetes_manifests())
    assert claim["metadata"]["name"] == vol and pod["metadata"]["name"] == real("vol-cont-1")
    assert pod["spec"]["containers"][0]["image"] == image
    assert f"# docker volume create {vol}\n" in drivers.kubernetes_manifests()
    assert f"docker volume create {vol}" in repr(drivers.CONCEPTS)
    assert f"-v {vol}:/app" in repr(drivers.CONCEPTS)
    tmpfs, nfs = drivers.experiments.driver_examples()[:2]
    ram = real("ram-vol", "volume")
    assert tmpfs.commands[1] == f"docker run -d --name web -v {ram}:/scratch {image}"
    assert nfs.commands[1].endswith(f"-v nfs-vol:/app/data {image}")  # not the course's volume


def test_the_driver_explorer_shows_the_first_example_at_once():
    box = drivers.driver_explorer()
    dropdown, shown = box.children
    assert "tmpfs" in shown.value
    dropdown.value = VOLUME_DRIVER_EXAMPLES[1].name
    assert "type=nfs" in shown.value and "NOT RUN" in shown.value
