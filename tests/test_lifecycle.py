"""Lesson 03 helpers: stop keeps the writable layer, remove deletes it and gives the space back, a
tmpfs empties on every stop; docker stop with and without --init; --rm. Measured on the Engine,
and the timeline table as pure logic. With the containerd image store `docker system df` counts
a writable layer twice (under images too) and its init layer, and `docker rm` gives all of that
back: the tests assert each store's own figures."""

from __future__ import annotations

import os

import pytest

import labhelpers as lh
from labhelpers import engine as eng
from labhelpers.core.units import si_exact
from labhelpers.lessons.lifecycle import experiments, results, widgets

MIB = 1024 * 1024
NAME = "lab-t-life"
LAYER = 10 * MIB + len(results.NOTE) + 1


def _seen(step, status, delta, tmpfs_note, layer, total, mounted=None, **lines):
    mounted = status == "running" if mounted is None else mounted
    note = results.NOTE if delta >= 0 else ""
    return results.Observation(
        NAME, step, step, status, delta, note, mounted, tmpfs_note, layer, total, "", **lines
    )


def test_the_timeline_says_what_survived_each_step():
    tmpfs = results.TMPFS_NOTE
    history = results.Timeline(
        (
            _seen("run", "running", -1, "", 0, 1000),
            _seen("write", "running", 10, tmpfs, 10, 1010),
            _seen("stop", "exited", 10, "", 10, 1010),
            _seen("start", "running", 10, "", 10, 1010),
            _seen("remove", "removed", -1, "", -1, 1000),
        )
    )
    rows = [line.split("  ") for line in repr(history).splitlines()[1:]]
    cells = [[c.strip() for c in row if c.strip()] for row in rows]
    assert cells[2][:6] == ["3", "stop", "exited", "there (10 B)", "yes", "not mounted (stopped)"]
    assert cells[2][6] == "no"  # the tmpfs note did not survive the stop
    assert cells[3][4] == "yes"  # delta.bin survived the start
    assert cells[4][3:5] == ["not there", "no"]
    assert cells[4][-1] == "+0 B" and cells[1][-1] == "+10 B"
    assert "gave back 10B (10 B)" in history.reclaimed()
    assert history.reclaimed().endswith("yes")
    assert results.Timeline(()).reclaimed() == "No remove step yet."
    history.plot().savefig(os.devnull, format="png")


def test_on_the_containerd_store_remove_gives_back_the_layer_twice_and_the_init_layer():
    init, layer = 12_288, 10 * MIB + 8_192
    c8d = dict(store="containerd", init_layer_bytes=init)
    history = results.Timeline(
        (
            _seen(
                "write",
                "running",
                10,
                "",
                layer,
                2_000 + 2 * layer + init,
                **c8d,
                images_bytes=1_000 + layer + init,
                containers_bytes=layer,
            ),
            _seen(
                "remove",
                "removed",
                -1,
                "",
                -1,
                2_000,
                **c8d,
                images_bytes=1_000,
                containers_bytes=0,
            ),
        )
    )
    text = history.reclaimed()
    assert f"gave back {si_exact(2 * layer + init)}" in text and "the same bytes: no" in text
    assert f"CONTAINERS fell by {layer:,} B: the writable layer: yes" in text
    assert f"its init layer ({init:,} B, measured when it started): yes" in text
    assert "counts the writable layer twice" in text


def test_unknown_steps_are_refused():
    with pytest.raises(lh.BadInput):
        experiments.lifecycle_step("pause", NAME)
    with pytest.raises(lh.BadInput):
        experiments.Experiment(NAME).step("pause")


def test_stop_keeps_the_data_remove_deletes_it_and_tmpfs_empties(lesson_image, no_leftovers):
    box = experiments.Experiment(NAME, lesson_image)
    first = box.step("run")
    assert first.status == "running" and not first.delta_there and first.tmpfs_mounted
    containerd = eng.engine_facts().image_store == "containerd"
    assert (first.init_layer_bytes > 0) is containerd
    written = box.step("write")
    assert written.delta_bytes == 10 * MIB and written.note_there and written.tmpfs_note_there
    if containerd:  # whole disk blocks, counted under IMAGES and CONTAINERS
        assert written.writable_layer_bytes > LAYER
        assert written.images_change_bytes == written.containers_change_bytes > LAYER
        assert written.engine_change_bytes == 2 * written.containers_change_bytes
    else:
        assert written.writable_layer_bytes == LAYER
        assert written.engine_change_bytes == written.containers_change_bytes == LAYER
        assert written.images_change_bytes == 0
    layer = written.writable_layer_bytes

    stopped = box.step("stop")
    assert stopped.status == "exited" and stopped.read_with == "docker cp"
    assert stopped.delta_bytes == 10 * MIB and stopped.note == results.NOTE
    assert not stopped.tmpfs_mounted
    assert stopped.writable_layer_bytes == layer and stopped.engine_change_bytes == 0

    started = box.step("start")
    assert started.delta_bytes == 10 * MIB and started.note_there
    assert started.tmpfs_mounted and not started.tmpfs_note_there

    box.step("write")
    restarted = box.step("restart")
    assert restarted.delta_there and not restarted.tmpfs_note_there

    removed = box.step("remove")
    assert removed.status == "removed" and removed.writable_layer_bytes == -1
    layer = box.timeline().steps[-2].writable_layer_bytes
    if containerd:
        assert removed.engine_change_bytes == -(2 * layer + first.init_layer_bytes)
        assert removed.init_layer_bytes == first.init_layer_bytes  # carried along the steps
        reclaimed = box.timeline().reclaimed()
        assert "the same bytes: no" in reclaimed and reclaimed.count(": yes") == 2
    else:
        assert removed.engine_change_bytes == -layer
        assert box.timeline().reclaimed().endswith("yes")
    with pytest.raises(lh.BadInput):
        box.step("start")

    again = box.step("recreate")
    assert again.status == "running" and not again.delta_there
    assert again.writable_layer_bytes == (first.writable_layer_bytes if containerd else 0)
    assert [o.step for o in box.timeline().steps] == [
        "run",
        "write",
        "stop",
        "start",
        "write",
        "restart",
        "remove",
        "recreate",
    ]
    eng.cleanup(session_only=True)


def test_a_new_run_starts_a_new_timeline(lesson_image, no_leftovers):
    box = experiments.Experiment(NAME, lesson_image)
    box.step("run")
    box.step("run")
    assert len(box.timeline().steps) == 1
    assert experiments.Experiment(NAME, lesson_image).timeline().steps == ()  # its own timeline
    eng.cleanup(session_only=True)


def test_docker_stop_waits_for_the_timeout_only_without_init(lesson_image, no_leftovers):
    timing = experiments.stop_timing(lesson_image)
    with_init, without = timing.runs
    assert with_init.init and with_init.pid1.startswith("/sbin/docker-init -- python app.py")
    assert with_init.exit_code == 143 and not with_init.waited_for_timeout
    assert not without.init and without.pid1 == "python app.py"
    assert without.exit_code == 137 and without.waited_for_timeout
    assert "143 = 128 + 15" in timing.verdict() and "137 = 128 + 9" in timing.verdict()


def test_a_container_run_with_rm_is_gone_after_stop(lesson_image, no_leftovers):
    gone = experiments.removed_on_stop("lab-t-rm", lesson_image)
    assert gone.written_bytes == MIB and not gone.exists_after_stop
    assert gone.command.startswith("docker run -d --rm --init --name lab-t-rm")


def test_the_widget_adds_its_default_steps_to_the_experiment(lesson_image, no_leftovers):
    box = experiments.Experiment(NAME, lesson_image)
    box.step("run")
    widgets.lifecycle_widget(box, ("write", "stop"))
    assert [o.step for o in box.timeline().steps] == ["run", "write", "stop"]
    eng.cleanup(session_only=True)
