"""Notebook 00's helpers: the doctor's report in words, the data root, and the lab's preparation."""

from __future__ import annotations

import dataclasses

import pytest

import labhelpers as lh
from labhelpers.doctor import Finding, Report
from labhelpers.engine import cleanup, engine_facts, engine_locality
from labhelpers.engine.builds import Builder
from labhelpers.engine.system import EngineFacts, Locality
from labhelpers.lessons.setup import experiments, views
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
NOT_SHARED = Locality(False, False, False, "/work/notebooks", "elsewhere, folder not seen")
BUILDKIT = Builder("buildkit", "docker CLI 28.2.2 with the buildx plugin 0.29.1", "28.2.2",
                   "0.29.1", "", "2")  # fmt: skip
CLASSIC = Builder("classic", "DOCKER_BUILDKIT=0 asks for it", "28.2.2", "", "0", "")


# --- pure logic: no Engine ------------------------------------------------------------------------


def test_explain_says_what_each_line_means_on_this_platform():
    report = Report(
        (
            Finding("Data root", "/var/lib/docker", True, ""),
            Finding("Volume drivers", "x", False, "y"),
        ),
        _facts("docker-desktop"),
    )
    table = lh.setup.explain(report)
    assert [row[:2] for row in table.rows] == [["OK", "Data root"], ["WARN", "Volume drivers"]]
    assert "the VM's disk" in table.rows[0][2]
    assert "(inside the VM)" in table.rows[1][2] and "To do: y" in table.rows[1][2]


def _said(topic: str, facts=None, locality=None, builder=None) -> str:
    return views.meaning(topic, facts or _facts(), locality, builder)


def test_explain_names_an_engine_that_runs_elsewhere():
    assert "directly on this Linux machine" in _said("Platform", locality=HERE)
    elsewhere = _said("Platform", locality=ELSEWHERE)
    assert "not on this machine as this notebook sees it" in elsewhere
    assert "helper containers" in elsewhere
    assert "where the Engine runs, not on this machine" in _said("Data root", locality=ELSEWHERE)
    assert "only root may read it" in _said("Data root", locality=HERE)
    assert "(where the Engine runs)" in _said("Volume drivers", locality=ELSEWHERE)


def test_explain_says_whether_bind_mounts_of_this_folder_work():
    assert "sees this notebook's folder ($PWD)" in _said("Folders", locality=HERE)
    assert "cannot see this notebook's folder ($PWD)" in _said("Folders", locality=NOT_SHARED)
    assert _said("Folders").startswith("Not probed")


def test_explain_tells_the_two_image_stores_apart():
    containerd = _facts(containerd=True)
    driver = _said("Storage driver", containerd)
    assert (
        "containerd's snapshotter (overlayfs)" in driver and "/var/lib/docker/containerd" in driver
    )
    assert "/var/lib/docker/overlay2" in _said("Storage driver")
    store = _said("Image store", containerd)
    assert "compressed" in store and "Engine 29" in store
    classic = _said("Image store")
    assert "classic image store" in classic and "Engine 29" in classic


def test_explain_says_the_lab_builds_as_docker_build_does():
    kit = _said("Builder", builder=BUILDKIT)
    assert (
        kit.startswith("`docker build` in your terminal uses BuildKit") and "so does the lab" in kit
    )
    assert "classic builder, the only one" not in kit
    classic = _said("Builder", builder=CLASSIC)
    assert "uses the classic builder (DOCKER_BUILDKIT=0 asks for it)" in classic
    assert _said("Builder").startswith("Not checked")


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
    assert listing.method == "this machine" and listing.command == f"sudo ls {tmp_path}"
    meanings = dict(listing.table().rows)
    assert meanings["volumes"] == views.DATA_ROOT_MEANINGS["volumes"]
    assert meanings["mystery"] == "(not explained here)"
    assert listing.table().caption == f"{tmp_path} on this machine"


def test_the_containerd_directory_means_the_image_store_there():
    shown = DataRootListing(
        "/r", True, ("containerd",), "x", "a helper container", "ls", "containerd"
    )
    assert dict(shown.table().rows)["containerd"] == views.CONTAINERD_STORE_MEANING
    assert "listed by the helper container above: x" in shown.table().caption
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
    cleanup(session_only=True)


def test_the_data_root_elsewhere_is_listed_by_a_helper_container(engine, no_leftovers):
    facts, locality = engine_facts(), engine_locality()
    listing = experiments.list_data_root(facts, locality)
    if locality.files_here is True:
        pytest.skip("the Engine's files are on this machine: listed here, not by a helper")
    assert listing.listed and listing.method == "a helper container", listing
    assert listing.command.startswith(f"docker run --rm --network none -v {facts.docker_root_dir}:")
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
