"""Lesson 02 helpers: the storage arithmetic, the scaling run, docker diff and copy-on-write and
the upper directory, measured on the real Engine; the arithmetic and tables also as pure logic."""

from __future__ import annotations

import os

import pytest

import labhelpers as lh
from conftest import docker_cli
from labhelpers import engine as eng
from labhelpers import replay
from labhelpers.engine import connection
from labhelpers.engine.containers import ContainerSize
from labhelpers.lessons.writable import experiments, results, views, widgets

MIB = 1024 * 1024
NAMES = ("lab-t-w1", "lab-t-w2", "lab-t-w3")


# --- pure logic -------------------------------------------------------------------------------


def test_the_units_table_gives_bytes_and_the_clis_si_figure():
    text = repr(views.units_table())
    assert "4,194,304" in text and "4.19MB" in text
    assert "10,485,760" in text and "10.5MB" in text
    assert "4,000,000" in text and "4MB" in text


def _snapshot(moment, layers, containers, total, sizes=(), df=None):
    return results.Snapshot(
        moment, layers, containers, total, "my-image", 100_000_000, tuple(sizes), tuple(df or ())
    )


def test_the_equation_adds_the_image_once_and_the_naive_figure_once_per_container():
    sizes = [
        ContainerSize("a", "running", 4 * MIB, 100_000_000 + 4 * MIB),
        ContainerSize("b", "running", 10 * MIB, 100_000_000 + 10 * MIB),
    ]
    before = _snapshot("before", 500, 7, 1_000)
    after = _snapshot(
        "after", 500, 7 + 14 * MIB, 1_000 + 14 * MIB, sizes, [("a", 4 * MIB), ("b", 10 * MIB)]
    )
    equation = results.storage_equation(before, after)
    assert equation.deltas_bytes == 14 * MIB
    assert equation.model_total_bytes == 100_000_000 + 14 * MIB
    assert equation.naive_total_bytes == 200_000_000 + 14 * MIB
    assert all(holds for _claim, holds in equation.checks())
    verdict = equation.verdict()
    assert "4,194,304 + 10,485,760 = 14,680,064 B" in verdict
    assert " no " not in verdict


def test_the_checks_say_no_when_the_figures_disagree():
    sizes = [ContainerSize("a", "running", 4 * MIB, 100_000_000 + 4 * MIB)]
    before = _snapshot("before", 500, 0, 1_000)
    after = _snapshot("after", 900, 4 * MIB, 1_000 + 4 * MIB + 400, sizes, [("a", 5)])
    checks = dict(results.storage_equation(before, after).checks())
    assert list(checks.values()) == [False, False, True, False, True]


def test_the_equation_needs_containers():
    with pytest.raises(lh.BadInput):
        results.storage_equation(_snapshot("b", 0, 0, 0), _snapshot("a", 0, 0, 0))


def test_the_scaling_table_leaves_out_the_image_size():
    points = (results.ScalePoint(1, MIB, 0, MIB), results.ScalePoint(2, 2 * MIB, 0, 2 * MIB + 1))
    scaling = results.Scaling("my-image", 123_456_789, MIB, points, 1.0)
    text = repr(scaling.table())
    assert "123" not in text
    assert text.splitlines()[2].endswith("yes") and text.splitlines()[3].endswith("no")
    assert scaling.naive_bytes(points[1]) == 2 * 123_456_789 + 2 * MIB
    assert scaling.measured_bytes(points[1]) == 123_456_789 + 2 * MIB + 1


def test_the_storage_view_explains_a_containerd_engine():
    view = results.StorageView("c", "overlayfs", True, (), "", "", "", 4)
    assert "containerd" in repr(view) and "docker diff" in view.explanation()


def test_an_upper_directory_is_walked_with_kinds_and_sizes(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "delta.bin").write_bytes(b"\0" * 1000)
    (tmp_path / "link").symlink_to("app")
    entries = {e.path: e for e in experiments._walk(str(tmp_path))}
    assert entries["app"].kind == "directory" and entries["app"].size_bytes == 0
    assert entries["app/delta.bin"].kind == "file" and entries["app/delta.bin"].size_bytes == 1000
    assert entries["link"].kind == "symlink"


@pytest.mark.skipif(os.geteuid() != 0, reason="making a 0/0 character device needs root")
def test_a_whiteout_is_recognised(tmp_path):
    os.mknod(tmp_path / "gone", 0o600 | 0o020000, os.makedev(0, 0))
    assert experiments._walk(str(tmp_path))[0].kind == "whiteout"


def test_the_scaling_panel_keeps_its_own_last_run():
    panel = widgets.ScalingPanel()
    with pytest.raises(lh.BadInput):
        panel.table()
    points = (results.ScalePoint(1, MIB, 0, MIB),)
    panel.last = results.Scaling("my-image", 1, MIB, points, 1.0)
    assert "1 containers from my-image" in repr(panel.table())
    assert widgets.ScalingPanel().last is None  # nothing shared between panels


# --- on the Engine ------------------------------------------------------------------------------


def test_three_containers_add_exactly_their_deltas(lesson_image, no_leftovers):
    experiments.clear_stage(NAMES)
    before = experiments.snapshot("before", NAMES, lesson_image)
    assert before.containers == ()
    experiments.start_containers(NAMES, lesson_image)
    zero = experiments.write_deltas((0, 0, 0), NAMES)
    assert [s.writable_layer_bytes for s in zero.sizes] == [0, 0, 0]
    sizes = experiments.write_deltas((4, 10, 6), NAMES)
    assert [s.writable_layer_bytes for s in sizes.sizes] == [4 * MIB, 10 * MIB, 6 * MIB]
    after = experiments.snapshot("after", NAMES, lesson_image)
    equation = results.storage_equation(before, after)
    assert equation.deltas_bytes == 20_971_520
    assert all(holds for _claim, holds in equation.checks()), equation.verdict()
    # a second press replaces the delta instead of adding to it
    again = experiments.write_deltas((1, 1, 1), NAMES)
    assert [s.writable_layer_bytes for s in again.sizes] == [MIB, MIB, MIB]
    eng.cleanup(session_only=True)


def test_a_delta_that_does_not_fit_is_refused_before_writing(lesson_image, no_leftovers):
    experiments.start_containers(NAMES[:1], lesson_image)
    with pytest.raises(lh.NotEnoughSpace) as refused:
        experiments.write_deltas((10**9,), NAMES[:1])
    assert "free" in str(refused.value)
    assert eng.container_sizes(list(NAMES[:1]))[0].writable_layer_bytes == 0
    eng.cleanup(session_only=True)


def test_scaling_measures_each_container_and_removes_them(lesson_image, no_leftovers):
    seen = []
    scaling = experiments.scaling_experiment(
        3, 1, lesson_image, on_progress=lambda done, total, so_far: seen.append((done, total))
    )
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert [p.writable_bytes for p in scaling.points] == [MIB, 2 * MIB, 3 * MIB]
    assert all(p.layers_change_bytes == 0 for p in scaling.points)
    assert [p.total_change_bytes for p in scaling.points] == [MIB, 2 * MIB, 3 * MIB]
    assert scaling.delta_bytes == MIB
    left = docker_cli("ps", "-a", "--filter", "name=my-scale-", "--format", "{{.Names}}")
    assert left.stdout.strip() == ""
    scaling.plot(3).savefig(os.devnull, format="png")


@pytest.mark.parametrize("count", [0, 21, 2.5, True])
def test_scaling_refuses_counts_outside_1_to_20(count):
    with pytest.raises(lh.BadInput):
        experiments.scaling_experiment(count)


DEAD = "unix:///tmp/labhelpers-no-engine-here.sock"


@pytest.fixture
def no_engine(monkeypatch):
    """Live mode with nothing behind DOCKER_HOST: a step that connects raises DockerUnavailable."""
    monkeypatch.setenv("LABHELPERS_MODE", "live")
    monkeypatch.setenv("DOCKER_HOST", DEAD)
    monkeypatch.setattr(connection, "_client", None)  # no client cached from an earlier test
    replay.reset()  # forget the mode's cached verdict
    yield
    replay.reset()


def test_a_bad_count_is_refused_before_anything_connects(no_engine):
    with pytest.raises(lh.BadInput) as refused:
        experiments.scaling_experiment(21)
    assert "from 1 to 20" in str(refused.value)
    with pytest.raises(lh.DockerUnavailable):  # a count it accepts does try the (dead) Engine
        experiments.scaling_experiment(2)


def test_adding_changing_and_deleting_are_measured(lesson_image, no_leftovers):
    demo = experiments.change_demo("lab-t-cow", lesson_image)
    add, change, delete = demo.steps
    assert add.new_diff_lines == ("C /app", "A /app/new.txt") and add.grew_by_bytes == 6
    assert change.new_diff_lines == ("C /app/app.py",)
    assert change.grew_by_bytes == change.file_bytes + len("# changed\n")  # the whole file
    assert delete.new_diff_lines == ("C /etc", "D /etc/debian_version")
    assert delete.grew_by_bytes == 0 and delete.file_bytes > 0
    touched = experiments.touch_biggest_file("lab-t-cow")
    assert touched.file_bytes > 1_000_000
    assert touched.grew_by_bytes == touched.file_bytes
    assert touched.verdict().endswith("yes")
    listing = experiments.upper_dir("lab-t-cow")
    kinds = {e.path: e.kind for e in listing.entries}
    assert kinds["etc/debian_version"] == "whiteout"
    assert listing.verdict().endswith("yes")
    eng.cleanup(session_only=True)


def test_the_upper_directory_holds_the_delta_both_ways(lesson_image, no_leftovers):
    lh.run_container("lab-t-upper", image=lesson_image)
    lh.write_data("lab-t-upper", 4)
    here = experiments.upper_dir("lab-t-upper")
    helper = experiments.upper_dir("lab-t-upper", via="container", image=lesson_image)
    assert here.readable and helper.readable
    assert helper.how == "through a helper container"
    assert here.entries == helper.entries
    files = {e.path: e.size_bytes for e in here.entries if e.kind == "file"}
    assert files == {"app/delta.bin": 4 * MIB, "usr/sbin/docker-init": 0}
    assert here.files_bytes == here.writable_layer_bytes == 4 * MIB
    assert [line for line in repr(experiments.changes("lab-t-upper")).splitlines()[1:]] == [
        "C  changed  /app",
        "A  added    /app/delta.bin",
        "C  changed  /usr",
        "C  changed  /usr/sbin",
        "A  added    /usr/sbin/docker-init",
    ]
    view = experiments.storage_view("lab-t-upper")
    assert view.driver == "overlay2"
    assert len(view.lower_dirs) == view.image_layers + 1 and view.init_layer
    assert view.explanation().endswith("yes")
    with pytest.raises(lh.BadInput):
        experiments.upper_dir("lab-t-upper", via="telepathy")
    eng.cleanup(session_only=True)


def test_the_deltas_widget_writes_the_defaults_once(lesson_image, no_leftovers):
    experiments.start_containers(NAMES, lesson_image)
    view = widgets.deltas_widget(names=NAMES)
    pane = view.children[-1].value
    assert "4,194,304" in pane and "10,485,760" in pane and "6,291,456" in pane
    eng.cleanup(session_only=True)
