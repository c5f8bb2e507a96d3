"""Lesson 02 helpers: the storage arithmetic, the scaling run, docker diff and copy-on-write and
the upper directory, measured on the real Engine; the arithmetic and tables also as pure logic.

The two image stores count differently, and the Engine tests assert each store's own rule: the
overlay2 graph driver counts the sizes of a writable layer's files, the containerd snapshotter
the disk blocks of its files and directories; and the containerd store's `docker system df`
counts the containers' writable and init layers among the image layers too."""

from __future__ import annotations

import os

import pytest

import labhelpers as lh
from conftest import docker_cli
from labhelpers import engine as eng
from labhelpers import replay
from labhelpers.engine import connection
from labhelpers.engine.containers import (
    ContainerSize,
    LayerEntry,
    LayerFiles,
    parse_find,
    walk_layer,
)
from labhelpers.lessons.writable import experiments, results, views, widgets

MIB = 1024 * 1024
NAMES = ("lab-t-w1", "lab-t-w2", "lab-t-w3")


def _containerd() -> bool:
    return eng.engine_facts().image_store == "containerd"


# --- pure logic -------------------------------------------------------------------------------


def test_the_units_table_gives_bytes_and_the_clis_si_figure():
    text = repr(views.units_table())
    assert "4,194,304" in text and "4.19MB" in text
    assert "10,485,760" in text and "10.5MB" in text
    assert "4,000,000" in text and "4MB" in text


def _snapshot(moment, layers, containers, total, sizes=(), df=None, store="graph driver", **kw):
    data = kw.get("data", tuple((s.name, s.writable_layer_bytes) for s in sizes))
    return results.Snapshot(
        moment,
        store,
        layers,
        containers,
        total,
        "my-image",
        100_000_000,
        kw.get("content", 0),
        100_000_000,
        tuple(sizes),
        tuple(df or ()),
        data,
        kw.get("inits", ()),
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
    assert all(holds for _claim, holds, _why in equation.checks())
    verdict = equation.verdict()
    assert "4,194,304 + 10,485,760 = 14,680,064 B" in verdict
    assert " no " not in verdict and "holds to the byte" in verdict
    assert "beside the equation" not in repr(equation)  # no compressed content on this store


def test_the_checks_say_no_when_the_figures_disagree():
    sizes = [ContainerSize("a", "running", 4 * MIB, 100_000_000 + 4 * MIB)]
    before = _snapshot("before", 500, 0, 1_000)
    after = _snapshot("after", 900, 4 * MIB, 1_000 + 4 * MIB + 400, sizes, [("a", 5)])
    checks = [holds for _claim, holds, _why in results.storage_equation(before, after).checks()]
    assert checks == [False, False, True, False, True]


def test_on_the_containerd_store_the_equation_explains_the_double_count():
    """Figures as the containerd store reports them: blocks in SizeRw, the writable and init
    layers inside LayersSize too, the init layer inside the virtual size."""
    image, init, extra = 100_000_000, 12_288, 20_480
    sizes = [
        ContainerSize(n, "running", d + extra, image + init + d + extra)
        for n, d in (("a", 4 * MIB), ("b", 10 * MIB))
    ]
    deltas = 14 * MIB + 2 * extra
    kw = dict(store="containerd", content=50_000_000)
    before = _snapshot("before", 500, 0, 1_000, **kw)
    after = _snapshot(
        "after",
        500 + deltas + 2 * init,
        deltas,
        1_000 + 2 * deltas + 2 * init,
        sizes,
        [(s.name, s.writable_layer_bytes) for s in sizes],
        data=(("a", 4 * MIB), ("b", 10 * MIB)),
        inits=(("a", init), ("b", init)),
        **kw,
    )
    equation = results.storage_equation(before, after)
    checks = {claim[:30]: (holds, why) for claim, holds, why in equation.checks()}
    assert [holds for holds, _ in checks.values()] == [True, False, True, True, False, False]
    verdict = equation.verdict()
    assert f"the other {2 * extra:,} B are there because the containerd snapshotter" in verdict
    assert f"= 2 x {deltas:,} + {2 * init:,}" in verdict and "counted twice" in verdict
    assert "the disk holds the image's layers once" in verdict
    assert "compressed layers" in repr(equation)
    assert all(row[-1] == "yes" for row in equation.virtual_table().rows)


def test_the_equation_needs_containers():
    with pytest.raises(lh.BadInput):
        results.storage_equation(_snapshot("b", 0, 0, 0), _snapshot("a", 0, 0, 0))


def test_the_scaling_table_leaves_out_the_image_size():
    points = (
        results.ScalePoint(1, MIB, 0, MIB, MIB),
        results.ScalePoint(2, 2 * MIB, 0, 2 * MIB, 2 * MIB + 1),
    )
    scaling = results.Scaling("my-image", 123_456_789, MIB, points, 1.0, "graph driver", -1)
    text = repr(scaling.table())
    assert "123" not in text
    assert text.splitlines()[2].endswith("yes") and text.splitlines()[3].endswith("no")
    assert scaling.naive_bytes(points[1]) == 2 * 123_456_789 + 2 * MIB
    assert scaling.measured_bytes(points[1]) == 123_456_789 + 2 * MIB + 1


def test_on_the_containerd_store_scaling_counts_each_writable_layer_once():
    init = 12_288
    point = results.ScalePoint(2, 2 * MIB, 2 * MIB + 2 * init, 2 * MIB, 4 * MIB + 2 * init)
    scaling = results.Scaling("my-image", 1_000, MIB, (point,), 1.0, "containerd", init)
    assert scaling.holds(point)
    assert scaling.measured_bytes(point) == 1_000 + 2 * MIB + 2 * init  # the disk, once
    assert scaling.reported_bytes(point) == 1_000 + 4 * MIB + 2 * init  # df's total, twice
    assert "counted twice" in scaling.caption() and "12,288 B" in scaling.caption()
    scaling.plot(3).savefig(os.devnull, format="png")


def test_layer_sizes_say_what_the_store_counts():
    sizes = (ContainerSize("a", "running", 4 * MIB + 20_480, 0),)
    blocks = results.LayerSizes(sizes, (("a", 4 * MIB),), "/app/delta.bin", "containerd", 4096)
    assert "+20,480 B each" in blocks.verdict() and "blocks of 4,096 B" in blocks.verdict()
    exact = results.LayerSizes(
        (ContainerSize("a", "running", 0, 0),), (("a", 0),), "/app/delta.bin", "graph driver", 0
    )
    assert exact.verdict().startswith("Each writable layer holds exactly")


def test_the_storage_view_explains_both_stores():
    lowers = ("/s/9/fs", "/s/3/fs", "/s/2/fs", "/s/1/fs")
    view = results.StorageView(
        "c", "containerd", "containerd image store", "overlay", lowers, "/s/10/fs", "/w", 3, False
    )
    assert view.explanation().startswith("containerd image store") and "yes" in view.explanation()
    assert "mountinfo" in view.explanation() and "init layer" in repr(view)
    flat = results.StorageView("c", "graph driver", "vfs graph driver", "", (), "", "", 3, False)
    assert "not an overlay" in repr(flat)


def test_find_output_and_a_walk_give_the_same_entries(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "delta.bin").write_bytes(b"\0" * 1000)
    (tmp_path / "link").symlink_to("app")
    walked = {e.path: e for e in walk_layer(str(tmp_path))}
    assert walked["."].kind == "directory" and walked["app"].size_bytes == 0
    assert walked["app/delta.bin"].kind == "file" and walked["app/delta.bin"].size_bytes == 1000
    assert walked["link"].kind == "symlink"
    found = parse_find(
        "d 4096 8 11 \nd 4096 8 12 app\nf 1000 8 13 app/delta.bin\nc 0 0 14 gone\nl 3 0 15 link\n"
    )
    assert [e.path for e in found] == [".", "app", "app/delta.bin", "gone", "link"]
    assert found[3] == LayerEntry("gone", "whiteout", 0, 0, 14)
    files = LayerFiles("c", "writable", "/x", "here", True, "", found, "")
    assert files.sizes_bytes == 1003 and files.blocks_bytes == 3 * 4096


@pytest.mark.skipif(os.geteuid() != 0, reason="making a 0/0 character device needs root")
def test_a_whiteout_is_recognised(tmp_path):
    os.mknod(tmp_path / "gone", 0o600 | 0o020000, os.makedev(0, 0))
    assert {e.path: e.kind for e in walk_layer(str(tmp_path))}["gone"] == "whiteout"


def test_the_scaling_panel_keeps_its_own_last_run():
    panel = widgets.ScalingPanel()
    with pytest.raises(lh.BadInput):
        panel.table()
    points = (results.ScalePoint(1, MIB, 0, MIB, MIB),)
    panel.last = results.Scaling("my-image", 1, MIB, points, 1.0, "graph driver", -1)
    assert "1 containers from my-image" in repr(panel.table())
    assert widgets.ScalingPanel().last is None  # nothing shared between panels


# --- on the Engine ------------------------------------------------------------------------------


def _layer_rule_holds(name: str) -> bool:
    """docker ps -s of NAME = its upper dir counted as this store counts."""
    upper = eng.layer_files(name)
    size = eng.container_sizes([name])[0].writable_layer_bytes
    return size == (upper.blocks_bytes if _containerd() else upper.sizes_bytes)


def test_three_containers_add_exactly_their_deltas(lesson_image, no_leftovers):
    experiments.clear_stage(NAMES)
    before = experiments.snapshot("before", NAMES, lesson_image)
    assert before.containers == ()
    experiments.start_containers(NAMES, lesson_image)
    zero = experiments.write_deltas((0, 0, 0), NAMES)
    assert dict(zero.data) == dict.fromkeys(NAMES, 0)
    assert all(_layer_rule_holds(n) for n in NAMES)
    sizes = experiments.write_deltas((4, 10, 6), NAMES)
    assert dict(sizes.data) == {"lab-t-w1": 4 * MIB, "lab-t-w2": 10 * MIB, "lab-t-w3": 6 * MIB}
    after = experiments.snapshot("after", NAMES, lesson_image)
    equation = results.storage_equation(before, after)
    assert equation.data_bytes == 20_971_520
    holds = {claim: ok for claim, ok, _why in equation.checks()}
    if _containerd():
        # blocks: each layer is its data + the same whole blocks of directories
        assert len(set(sizes.extras())) == 1 and sizes.extras()[0] % sizes.block_bytes == 0
        assert [ok for ok in holds.values()] == [True, False, True, True, False, False]
        assert equation.total_change_bytes == 2 * equation.deltas_bytes + equation.init_bytes
        assert len(equation.init_layers) == 3 and equation.init_bytes > 0
        assert "the disk holds the image's layers once" in equation.verdict()
    else:
        assert [s.writable_layer_bytes for s in zero.sizes] == [0, 0, 0]
        assert equation.deltas_bytes == 20_971_520
        assert all(holds.values()), equation.verdict()
    assert equation.image_bytes == eng.image_sizes(lesson_image).unpacked_bytes
    # a second press replaces the delta instead of adding to it
    again = experiments.write_deltas((1, 1, 1), NAMES)
    assert dict(again.data) == dict.fromkeys(NAMES, MIB)
    eng.cleanup(session_only=True)


def test_a_delta_that_does_not_fit_is_refused_before_writing(lesson_image, no_leftovers):
    experiments.start_containers(NAMES[:1], lesson_image)
    fresh = eng.container_sizes(list(NAMES[:1]))[0].writable_layer_bytes
    with pytest.raises(lh.NotEnoughSpace) as refused:
        experiments.write_deltas((10**9,), NAMES[:1])
    assert "free" in str(refused.value)
    assert eng.container_sizes(list(NAMES[:1]))[0].writable_layer_bytes == fresh
    eng.cleanup(session_only=True)


def test_scaling_measures_each_container_and_removes_them(lesson_image, no_leftovers):
    seen = []
    scaling = experiments.scaling_experiment(
        3, 1, lesson_image, on_progress=lambda done, total, so_far: seen.append((done, total))
    )
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert scaling.delta_bytes == MIB
    assert all(scaling.holds(p) for p in scaling.points), repr(scaling)
    assert [p.containers_change_bytes for p in scaling.points] == [
        p.writable_bytes for p in scaling.points
    ]
    if _containerd():
        assert scaling.init_layer_bytes > 0
        assert scaling.points[-1].total_change_bytes > 2 * 3 * MIB  # counted twice
    else:
        assert [p.writable_bytes for p in scaling.points] == [MIB, 2 * MIB, 3 * MIB]
        assert all(p.layers_change_bytes == 0 for p in scaling.points)
        assert [p.total_change_bytes for p in scaling.points] == [MIB, 2 * MIB, 3 * MIB]
    assert scaling.image_bytes == eng.image_sizes(lesson_image).unpacked_bytes
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
    assert add.new_diff_lines == ("C /app", "A /app/new.txt")
    assert change.new_diff_lines == ("C /app/app.py",)
    assert delete.new_diff_lines == ("C /etc", "D /etc/debian_version")
    assert change.copy is not None and change.copy.size_bytes == change.file_bytes + 10
    assert delete.file_bytes > 0 and delete.sizes_grew_bytes == 0
    assert {e.kind for e in delete.upper_new} == {"directory", "whiteout"}
    if _containerd():
        assert all(s.grew_by_bytes == s.blocks_grew_bytes for s in demo.steps)
        assert add.grew_by_bytes >= 4096 and delete.grew_by_bytes > 0
        assert "disk blocks" in demo.caption()
    else:
        assert add.grew_by_bytes == 6 and delete.grew_by_bytes == 0
        assert change.grew_by_bytes == change.file_bytes + len("# changed\n")  # the whole file
        assert all(s.grew_by_bytes == s.sizes_grew_bytes for s in demo.steps)
        assert "sizes of its files" in demo.caption()
    touched = experiments.touch_biggest_file("lab-t-cow")
    assert touched.file_bytes > 1_000_000
    assert touched.copy is not None and touched.copy.size_bytes == touched.file_bytes
    assert touched.grew_by_bytes >= touched.file_bytes
    assert touched.verdict().endswith("yes")
    listing = experiments.upper_dir("lab-t-cow")
    kinds = {e.path: e.kind for e in listing.entries}
    assert kinds["etc/debian_version"] == "whiteout"
    assert "yes" in listing.verdict()
    eng.cleanup(session_only=True)


def test_the_upper_directory_holds_the_delta_both_ways(lesson_image, no_leftovers):
    lh.run_container("lab-t-upper", image=lesson_image)
    lh.write_data("lab-t-upper", 4)
    here = experiments.upper_dir("lab-t-upper")
    helper = experiments.upper_dir("lab-t-upper", via="container", image=lesson_image)
    assert here.readable and helper.readable
    assert helper.how == "through a helper container"
    if not eng.engine_locality().files_here:
        assert here.how == "through a helper container"  # nothing read from this machine's disk
    assert here.entries == helper.entries
    files = {e.path: e.size_bytes for e in here.entries if e.kind == "file"}
    assert files == {"app/delta.bin": 4 * MIB, "usr/sbin/docker-init": 0}
    assert here.files_bytes == 4 * MIB
    counted = here.blocks_bytes if _containerd() else here.files_bytes
    assert counted == here.writable_layer_bytes
    assert [line for line in repr(experiments.changes("lab-t-upper")).splitlines()[1:]] == [
        "C  changed  /app",
        "A  added    /app/delta.bin",
        "C  changed  /usr",
        "C  changed  /usr/sbin",
        "A  added    /usr/sbin/docker-init",
    ]
    view = experiments.storage_view("lab-t-upper")
    assert view.upper_dir == here.upper_dir and view.fstype == "overlay"
    assert len(view.lower_dirs) == view.image_layers + 1
    assert view.explanation().split(".")[0].endswith("yes")
    assert view.inspect_lists_dirs is not _containerd()
    with pytest.raises(lh.BadInput):
        experiments.upper_dir("lab-t-upper", via="telepathy")
    eng.cleanup(session_only=True)


def test_the_init_layer_is_counted_as_this_store_counts(lesson_image, no_leftovers):
    """The containerd store counts each container's init layer among the image layers; the
    graph driver leaves it out of docker system df."""
    before = eng.disk_usage().layers_bytes
    lh.run_container("lab-t-init-layer", image=lesson_image)
    init = eng.layer_files("lab-t-init-layer", "init")
    assert {"etc/hosts", "etc/resolv.conf", "etc/hostname"} <= {e.path for e in init.entries}
    grew = eng.disk_usage().layers_bytes - before
    layer = eng.container_sizes(["lab-t-init-layer"])[0].writable_layer_bytes
    assert grew == (layer + init.blocks_bytes if _containerd() else 0)
    eng.cleanup(session_only=True)


def test_the_deltas_widget_writes_the_defaults_once(lesson_image, no_leftovers):
    experiments.start_containers(NAMES, lesson_image)
    view = widgets.deltas_widget(names=NAMES)
    pane = view.children[-1].value
    assert "4,194,304" in pane and "10,485,760" in pane and "6,291,456" in pane
    eng.cleanup(session_only=True)
