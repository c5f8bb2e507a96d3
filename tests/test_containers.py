"""Containers and their writable layers, measured on the real Engine.

What a writable layer's size counts depends on the image store: the overlay2 graph driver adds up
the sizes of its files (a fresh layer is 0 B), the containerd snapshotter the disk blocks of its
files and directories (a fresh layer already holds a few). The tests assert the data written on
both, and the Engine's figure by the store's own rule."""

from __future__ import annotations

import json

import pytest

import labhelpers as lh
from conftest import docker_cli
from labhelpers import engine as eng
from labhelpers.core.labels import MANAGED, OWNER, owner


def _counted(name: str) -> int:
    """NAME's writable layer counted by this store's rule, from its upper directory."""
    upper = eng.layer_files(name)
    return (
        upper.blocks_bytes if eng.engine_facts().image_store == "containerd" else upper.sizes_bytes
    )


def test_a_4_mib_delta_is_4194304_bytes_of_writable_layer(lesson_image, no_leftovers):
    lh.run_container("lab-t-delta", image=lesson_image)
    lh.run_container("lab-t-clean", image=lesson_image)
    written = lh.write_data("lab-t-delta", 4)
    assert written.size_bytes == 4 * 1024 * 1024
    assert eng.layer_files("lab-t-delta").sizes_bytes == 4194304  # the data, on either store
    sizes = {s.name: s for s in eng.container_sizes(["lab-t-delta", "lab-t-clean"])}
    assert sizes["lab-t-delta"].writable_layer_bytes == _counted("lab-t-delta") >= 4194304
    assert sizes["lab-t-clean"].writable_layer_bytes == _counted("lab-t-clean")
    if eng.engine_facts().image_store != "containerd":
        assert sizes["lab-t-delta"].writable_layer == "4.19MB"
        assert sizes["lab-t-clean"].writable_layer_bytes == 0
    # the same figure the CLI reports
    ps = docker_cli("ps", "-a", "-s", "--filter", "name=lab-t-delta", "--format", "{{.Size}}")
    assert ps.stdout.startswith(sizes["lab-t-delta"].writable_layer + " ")
    eng.cleanup(eng.SESSION)


def test_stop_keeps_the_writable_layer_and_remove_loses_it(lesson_image, no_leftovers):
    lh.run_container("lab-t-life", image=lesson_image)
    lh.write_data("lab-t-life", 2, path="/app/keep.bin")
    layer = eng.container_sizes(["lab-t-life"])[0].writable_layer_bytes
    assert layer >= 2 * lh.MIB
    assert lh.stop_container("lab-t-life").status == "exited"
    assert eng.container_sizes(["lab-t-life"])[0].writable_layer_bytes == layer
    assert lh.start_container("lab-t-life").status == "running"
    assert "keep.bin" in lh.exec_in("lab-t-life", "ls /app").output
    lh.remove_container("lab-t-life")
    with pytest.raises(lh.BadInput):
        eng.container_sizes(["lab-t-life"])


def test_containers_run_with_an_init_and_the_lab_labels(lesson_image, no_leftovers):
    info = lh.run_container("lab-t-init", image=lesson_image)
    attrs = json.loads(docker_cli("inspect", "lab-t-init").stdout)[0]
    assert attrs["HostConfig"]["Init"] is True
    labels = attrs["Config"]["Labels"]
    assert labels[MANAGED] == "container:lab-t-init" and labels[OWNER] == owner()
    assert info.command.startswith("docker run -d --init --name lab-t-init --label")
    eng.cleanup(eng.SESSION)


def test_writing_more_than_the_disk_holds_is_refused_and_writes_nothing(lesson_image, no_leftovers):
    lh.run_container("lab-t-full", image=lesson_image)
    fresh = eng.container_sizes(["lab-t-full"])[0].writable_layer_bytes
    free = eng.free_bytes("lab-t-full", "/app")
    asked = free + 1024 * lh.MIB  # over what is free by more than other work on the disk moves it
    with pytest.raises(lh.NotEnoughSpace) as caught:
        lh.write_data("lab-t-full", asked / lh.MIB)
    # free space is measured again inside write_data; the host's disk is shared with whatever
    # else runs (CI's other Engines load and build meanwhile), so the two readings only agree
    # to within that work, and the refusal's own reading is what it compares with
    assert "free" in str(caught.value) and caught.value.free_bytes < asked
    assert abs(caught.value.free_bytes - free) < 1024 * lh.MIB
    assert eng.container_sizes(["lab-t-full"])[0].writable_layer_bytes == fresh
    with pytest.raises(lh.BadInput):
        lh.write_data("lab-t-full", -1)
    eng.cleanup(eng.SESSION)


def test_tmpfs_is_limited_by_memory_not_disk(lesson_image, no_leftovers):
    lh.run_container("lab-t-tmpfs", image=lesson_image, mounts=[lh.tmpfs_mount("/scratch")])
    fresh = eng.container_sizes(["lab-t-tmpfs"])[0].writable_layer_bytes
    lh.write_data("lab-t-tmpfs", 1, path="/scratch/a.bin")
    assert eng.container_sizes(["lab-t-tmpfs"])[0].writable_layer_bytes == fresh
    assert eng.layer_files("lab-t-tmpfs").sizes_bytes == 0
    eng.cleanup(eng.SESSION)


def test_bind_mount_of_a_missing_host_path_is_a_clear_error(tmp_path):
    with pytest.raises(lh.BadInput) as caught:
        lh.bind_mount(tmp_path / "not-there", "/data")
    assert "does not exist" in str(caught.value) and "mkdir -p" in str(caught.value)


def test_anonymous_volumes_carry_the_lab_labels(lesson_image, no_leftovers):
    info = lh.run_container("lab-t-anon", image=lesson_image, mounts=[lh.anonymous_volume("/d")])
    volume = next(m.volume_name for m in info.mounts if m.destination == "/d")
    labels = json.loads(docker_cli("volume", "inspect", volume).stdout)[0]["Labels"]
    assert labels[MANAGED] == "volume:" and labels[OWNER] == owner()
    lh.remove_container("lab-t-anon")  # leaves the anonymous volume behind, as `docker rm` does
    assert ("volume", volume) in {(r.kind, r.name) for r in eng.lab_resources()}
    eng.cleanup(eng.SESSION)


def test_exec_failure_says_what_the_command_printed(lesson_image, no_leftovers):
    lh.run_container("lab-t-exec", image=lesson_image)
    with pytest.raises(lh.CommandFailed) as caught:
        lh.exec_in("lab-t-exec", "cat /no/such/file")
    assert caught.value.exit_code != 0 and "No such file" in str(caught.value)
    eng.cleanup(eng.SESSION)


def test_disk_usage_counts_writable_layers(lesson_image, no_leftovers):
    lh.run_container("lab-t-df", image=lesson_image)
    lh.write_data("lab-t-df", 3)
    usage = eng.disk_usage()
    row = next(r for r in usage.rows if r.kind == "container" and r.name == "lab-t-df")
    assert row.size_bytes == eng.container_sizes(["lab-t-df"])[0].writable_layer_bytes
    assert row.size_bytes >= 3 * lh.MIB and row.lab_owned
    assert usage.containers_bytes >= 3 * lh.MIB
    eng.cleanup(eng.SESSION)
