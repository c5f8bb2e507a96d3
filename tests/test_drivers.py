"""Storage drivers and volume drivers (notebook 04), measured on the real Engine."""

from __future__ import annotations

import pytest

import labhelpers as lh
from conftest import docker_cli
from labhelpers import drivers
from labhelpers.core import commands
from labhelpers.engine import SESSION, cleanup, engine_facts
from labhelpers.engine.names import course_name
from labhelpers.lessons.drivers.experiments import _size_bytes
from labhelpers.lessons.drivers.results import PLATFORMS, EnginePlatform, detail_meaning


def test_the_storage_driver_is_the_one_docker_info_prints(engine):
    report = drivers.storage_driver()
    assert report.driver == docker_cli("info", "--format", "{{.Driver}}").stdout.strip()
    root = docker_cli("info", "--format", "{{.DockerRootDir}}").stdout.strip()
    assert report.docker_root_dir == root
    names = {d.name for d in report.details}
    assert all(d.meaning for d in report.details)  # every line docker info prints is explained
    if report.containerd_snapshotter:  # the containerd image store: one line, the driver-type
        assert names == {"driver-type"}
    else:  # the graph driver reports what it found on the backing filesystem
        assert {"Backing Filesystem", "Supports d_type"} <= names
    assert "Storage Driver" in repr(report) and root in repr(report)


def test_each_driver_detail_is_explained_for_its_value():
    assert "trusted.*" in detail_meaning("userxattr", "false")
    assert "user.*" in detail_meaning("userxattr", "true")
    assert "whole file" in detail_meaning("Using metacopy", "false")
    assert "only its metadata" in detail_meaning("Using metacopy", "true")
    assert "containerd image store" in detail_meaning("driver-type", "io.containerd.snapshotter.v1")
    assert (
        detail_meaning("Backing Filesystem", "xfs") and detail_meaning("Something new", "x") == ""
    )
    assert _size_bytes("16m") == 16 * lh.MIB and _size_bytes("50%") is None


def test_local_is_a_built_in_volume_driver(engine):
    found = drivers.volume_drivers()
    assert any(d.name == "local" and d.source == "built in" and d.enabled for d in found.drivers)


def test_root_is_overlay_a_local_volume_is_a_directory_and_a_tmpfs_volume_is_memory(
    lesson_image, no_leftovers
):
    lh.create_volume("lab-t-disk")
    info = drivers.create_tmpfs_volume("lab-t-ram", size="16m")
    assert info.options == {"type": "tmpfs", "device": "tmpfs", "o": "size=16m"}
    assert "--opt type=tmpfs --opt device=tmpfs --opt o=size=16m" in info.command
    box = lh.run_container(
        "lab-t-fs",
        image=lesson_image,
        mounts=[lh.volume_mount("lab-t-disk", "/data"), lh.volume_mount("lab-t-ram", "/scratch")],
    )
    paths = {p.path: p for p in drivers.filesystems("lab-t-fs").paths}
    assert paths["/"].fs_type == "overlay" and "storage driver" in paths["/"].provided_by
    assert paths["/data"].fs_type not in ("overlay", "tmpfs")  # the data root's own filesystem
    assert paths["/data"].provided_by.endswith(course_name("lab-t-disk", "volume"))
    assert paths["/scratch"].fs_type == "tmpfs"
    assert paths["/scratch"].capacity_bytes == 16 * lh.MIB
    stack = drivers.layer_stack("lab-t-fs")
    assert stack.fstype == "overlay" and stack.storage == engine_facts().storage
    assert stack.lower_dirs == stack.image_layers + 1 and stack.init_layer  # both stores
    assert stack.container == box.name
    upper = docker_cli("inspect", "-f", "{{.GraphDriver.Data.UpperDir}}", box.name).stdout
    if engine_facts().image_store == "containerd":  # docker inspect lists no directories
        assert upper.strip() in ("", "<no value>") and not stack.inspect_lists_dirs
        assert "/io.containerd.snapshotter.v1.overlayfs/snapshots/" in stack.upper_dir
    else:  # overlay2: the mount table and docker inspect agree
        assert upper.strip() == stack.upper_dir and stack.inspect_lists_dirs
        lower = docker_cli("inspect", "-f", "{{.GraphDriver.Data.LowerDir}}", box.name).stdout
        assert lower.split(":")[0].endswith("-init/diff")  # the init layer, on top
        assert len(lower.strip().split(":")) == stack.lower_dirs
    figure = drivers.plot_storage(stack, drivers.filesystems("lab-t-fs"))
    assert len(figure.axes) == 1
    cleanup(SESSION)


def test_a_tmpfs_volume_keeps_files_only_while_a_running_container_mounts_it(
    lesson_image, no_leftovers
):
    report = drivers.tmpfs_volume_lifetime("lab-t-life", image=lesson_image)
    assert report.volume == course_name("lab-t-life", "volume")
    assert [s.note_present for s in report.steps] == [True, True, True, False, False, False]
    assert [s.running_users for s in report.steps] == [1, 2, 1, 0, 1, 1]
    # seen through a helper container, wherever the Engine's files are
    assert [s.tmpfs_mounted for s in report.steps] == ["yes", "yes", "yes", "no", "yes", "yes"]
    # the containers are gone; the volume stays
    assert lh.inspect_volume("lab-t-life").options["type"] == "tmpfs"
    assert docker_cli("ps", "-aq", "--filter", f"name={report.volume}-").stdout.strip() == ""
    cleanup(SESSION)


def test_a_tmpfs_size_is_checked_before_anything_connects():
    for size in ("lots", "-1m", "", 64):
        with pytest.raises(lh.BadInput):
            drivers.create_tmpfs_volume("lab-t-bad", size=size)
        with pytest.raises(lh.BadInput):
            drivers.tmpfs_volume_lifetime("lab-t-bad", size=size)


def test_examples_that_need_servers_are_shown_as_not_run(engine):
    with commands.collect() as shown:
        drivers.volume_driver_examples()
    assert len(shown) == 2 and all(c.expect == commands.NOT_RUN for c in shown)
    assert all(c.note.startswith("not run: ") for c in shown)
    assert docker_cli("volume", "inspect", "nfs-vol", check=False).returncode != 0  # not run


def test_the_kubernetes_manifests_match_the_named_volume_demo(engine):
    yaml = pytest.importorskip("yaml")
    vol, image = course_name("my-vol", "volume"), course_name("my-image", "image")
    claim, pod = yaml.safe_load_all(repr(drivers.kubernetes_manifests()))
    assert claim["kind"] == "PersistentVolumeClaim" and claim["metadata"]["name"] == vol
    assert claim["spec"]["resources"]["requests"]["storage"] == "1Gi"
    container = pod["spec"]["containers"][0]
    assert pod["kind"] == "Pod" and container["image"] == image
    assert pod["metadata"]["name"] == course_name("vol-cont-1", "container")
    assert container["volumeMounts"][0]["mountPath"] == "/app"
    volume = pod["spec"]["volumes"][0]
    assert volume["name"] == container["volumeMounts"][0]["name"]
    assert volume["persistentVolumeClaim"]["claimName"] == vol
    with pytest.raises(lh.BadInput):
        drivers.kubernetes_manifests(volume="My_Vol")  # refused before anything connects


def test_the_platform_says_where_the_files_are(engine):
    found = drivers.engine_platform()
    assert found.platform_kind in PLATFORMS and found.platform_kind == engine_facts().platform_kind
    assert found.docker_root_dir in repr(found)
    here = EnginePlatform("native-linux", "Debian", "/var/lib/docker", True, True)
    assert "on this machine" in repr(here) and "not on" not in repr(here)
    away = EnginePlatform("in-a-container", "Debian", "/var/lib/docker", False, None)
    assert "not on this machine" in repr(away) and PLATFORMS["in-a-container"] in repr(away)
