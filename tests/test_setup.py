"""Notebook 00's helpers: the doctor's facts beside their commands, the data root, and the lab's
preparation."""

from __future__ import annotations

import dataclasses

import pytest

import labhelpers as lh
from labhelpers.doctor import Finding, Report
from labhelpers.engine import SESSION, cleanup, engine_facts, engine_locality
from labhelpers.engine.machine import Locality
from labhelpers.engine.system import EngineFacts
from labhelpers.lessons.setup import experiments, results
from labhelpers.lessons.setup.results import DataRootListing


def _facts(
    platform_kind: str = "native-linux", root: str = "/var/lib/docker", containerd: bool = False
) -> EngineFacts:
    driver = "overlayfs" if containerd else "overlay2"
    return EngineFacts(
        "20.10.24", "1.41", "Debian", "6.1", platform_kind, root, driver, (), ("local",),
        containerd, 2, 1000, "linux", "amd64", "host",
    )  # fmt: skip


HERE = Locality(True, True, True, "/work/notebooks", "on this machine")
ELSEWHERE = Locality(False, True, False, "/work/notebooks", "elsewhere")


# --- pure logic: no Engine ------------------------------------------------------------------------


def test_the_facts_table_shows_each_fact_beside_its_command():
    facts = dataclasses.replace(_facts(), driver_status=(("Backing Filesystem", "extfs"),))
    report = Report((), facts)
    table = lh.setup.facts_table(report, "os_name", "volume_drivers", "driver_status")
    status = "docker info --format '{{json .DriverStatus}}'"
    assert table.rows == [
        ["os_name", "Debian", "docker info --format '{{.OperatingSystem}}'"],
        ["volume_drivers", "local", "docker info --format '{{.Plugins.Volume}}'"],
        ["Storage Driver: Backing Filesystem", "extfs", status],
    ]
    assert "(" not in repr(table).splitlines()[1]  # no Python tuple shown
    with pytest.raises(lh.BadInput, match="No fact called nope"):
        lh.setup.facts_table(report, "nope")


def test_require_ready_stops_on_a_blocking_finding():
    fine = Report((Finding("Python", "3.11", True, ""),), _facts())
    assert lh.setup.require_ready(fine).startswith("Ready")
    assert repr(lh.setup.require_ready(fine)) == "Ready: nothing blocks the course on this machine."
    blocked = Report((Finding("Base image", "none", False, "provision it", blocking=True),), None)
    with pytest.raises(lh.LabError, match=r"Base image \(none\)"):
        lh.setup.require_ready(blocked)


def test_a_data_root_on_this_machine_is_listed_here(tmp_path, monkeypatch, request):
    # a folder of this machine, listed here: live, whether an Engine answers or not (with none,
    # `auto` would replay, and there is no recording of this test)
    monkeypatch.setenv("LABHELPERS_MODE", "live")
    lh.replay.reset()
    request.addfinalizer(lh.replay.reset)  # after monkeypatch's undo: the mode is decided anew
    for name in ("volumes", "overlay2", "mystery"):
        (tmp_path / name).mkdir()
    listing = experiments.list_data_root(_facts(root=str(tmp_path)), HERE)
    assert listing.listed and listing.entries == ("mystery", "overlay2", "volumes")
    assert listing.method == "this machine" and listing.command == f"ls -A {tmp_path}"
    meanings = dict(listing.table().rows)
    assert meanings["volumes"] == results.DATA_ROOT_MEANINGS["volumes"]
    assert "mystery" not in meanings and listing.others == "mystery"
    assert listing.table().caption.startswith(f"{tmp_path}, listed on this machine")


def test_the_containerd_directory_means_the_image_store_there():
    shown = DataRootListing(
        "/r", True, ("containerd",), "x", "a helper container", "ls", "containerd"
    )
    assert dict(shown.table().rows)["containerd"] == results.CONTAINERD_STORE_MEANING
    assert shown.table().caption == "/r, listed by a helper container"
    failed = DataRootListing("/r", False, (), "no such path", "", "docker run ...", "graph driver")
    assert failed.table().rows == [
        ["cannot list", "/r"],
        ["why", "no such path"],
        ["tried", "docker run ..."],
    ]


# --- against the Engine ---------------------------------------------------------------------------


def test_prepare_lab_reports_each_part_and_its_progress(tmp_path, engine, no_leftovers):
    parts, steps = [], []
    preparation = experiments.prepare_lab(
        tmp_path / "my-app",
        "lab-t-prepared",
        on_progress=lambda done, text: parts.append(done),
        on_build_step=lambda step, total, instruction: steps.append((step, total)),
    )
    assert preparation.ready, preparation
    assert [s.name for s in preparation.steps] == ["base image", "lesson files", "lab-t-prepared"]
    assert (tmp_path / "my-app" / "Dockerfile").is_file()
    assert parts == [0, 1, 2, 3]
    assert steps and steps[-1][0] == steps[-1][1]
    cleanup(SESSION)


def test_the_data_root_elsewhere_is_listed_by_a_helper_container(engine, no_leftovers):
    facts, locality = engine_facts(), engine_locality()
    listing = experiments.list_data_root(facts, locality)
    if locality.files_here is True:
        pytest.skip("the Engine's files are on this machine: listed here, not by a helper")
    assert listing.listed and listing.method == "a helper container", listing
    assert listing.command.startswith("docker run --rm --network none")
    assert f"-v {facts.docker_root_dir}:/data-root:ro" in listing.command
    assert "volumes" in listing.entries
    if facts.image_store == "containerd":  # no overlay2 graph driver, no image/ records
        assert "containerd" in listing.entries and "overlay2" not in listing.entries
    else:
        assert {"overlay2", "image"} <= set(listing.entries)


def test_a_data_root_that_is_not_there_says_why(engine, no_leftovers):
    facts = _facts(root="/nonexistent/lab-t-root")
    listing = experiments.list_data_root(facts, ELSEWHERE)
    assert not listing.listed and "not on this machine" in listing.reason
    assert "could not mount it either" in listing.reason or "not the Engine's data root" in (
        listing.reason
    )


def test_the_locality_probe_agrees_with_a_file_a_container_wrote(engine, no_leftovers):
    """The probe looks for a new volume's directory here instead of running a container in it:
    where a container's write into a volume shows at its mountpoint here, the probe says the
    Engine's files are here, and only there."""
    import os

    from labhelpers.engine import MountSpec, choose_base_image, run_once
    from labhelpers.engine.machine import _locality
    from labhelpers.engine.volumes import create_volume, remove_volume

    _locality.clear()  # probed anew, not the answer an earlier test kept
    probed = engine_locality()
    volume = create_volume("lab-t-locality")
    try:
        image = choose_base_image(pull=False).image
        mount = [MountSpec("volume", volume.name, "/probe")]
        run_once(image, ["sh", "-c", "echo seen > /probe/marker"], mount, writes=True)
        try:
            with open(os.path.join(volume.mountpoint, "marker")) as marker:
                seen_here = marker.read().strip() == "seen"
        except PermissionError:
            seen_here = True  # here, but only root may read it: the probe says root_only
        except OSError:
            seen_here = False
        # asked while the volume is there: after its removal its mountpoint is gone everywhere
        closed = seen_here and not os.access(volume.mountpoint, os.F_OK)
    finally:
        remove_volume(volume.name)
    assert probed.files_here is seen_here, probed
    assert probed.root_only is closed, probed
