"""Notebook 00's helpers: the doctor's report in words, the data root, and the lab's preparation."""

from __future__ import annotations

import pytest

import labhelpers as lh
from labhelpers.doctor import Finding, Report
from labhelpers.engine import cleanup
from labhelpers.engine.system import EngineFacts
from labhelpers.lessons.setup import experiments, views


def _facts(platform_kind: str = "native-linux", root: str = "/var/lib/docker") -> EngineFacts:
    return EngineFacts(
        "20.10.24", "1.41", "Debian", "6.1", platform_kind, root, "overlay2", (), ("local",),
        False, 2, 1000, "linux", "amd64",
    )  # fmt: skip


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


def test_require_ready_stops_on_a_blocking_finding():
    fine = Report((Finding("Python", "3.11", True, ""),), _facts())
    assert lh.setup.require_ready(fine).startswith("Ready")
    blocked = Report((Finding("Base image", "none", False, "provision it", blocking=True),), None)
    with pytest.raises(lh.LabError, match=r"Base image \(none\)"):
        lh.setup.require_ready(blocked)


def test_the_data_root_needs_the_doctors_facts_and_is_not_listed_inside_a_vm():
    with pytest.raises(lh.BadInput, match="no Engine answered"):
        experiments.list_data_root(None)
    inside = experiments.list_data_root(_facts("docker-desktop"))
    assert not inside.listed and "VM" in inside.reason
    elsewhere = experiments.list_data_root(_facts(root="/nonexistent/lab-t-root"))
    assert not elsewhere.listed and "another machine" in elsewhere.reason
    assert elsewhere.table().rows[0] == ["cannot list", "/nonexistent/lab-t-root"]


def test_a_listed_data_root_explains_its_directories(tmp_path):
    for name in ("volumes", "overlay2", "mystery"):
        (tmp_path / name).mkdir()
    listing = experiments.list_data_root(_facts(root=str(tmp_path)))
    assert listing.listed and listing.entries == ("mystery", "overlay2", "volumes")
    meanings = dict(listing.table().rows)
    assert meanings["volumes"] == views.DATA_ROOT_MEANINGS["volumes"]
    assert meanings["mystery"] == "(not explained here)"


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
