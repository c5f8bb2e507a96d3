"""Lesson 03: stop keeps the writable layer, remove deletes it and gives the space back, a tmpfs
empties on every stop; docker stop with and without --init; --rm. Measured on the Engine, and the
timeline and its claims as pure logic.

The claims are data (`Claim.answer`, `Claim.holds`): on every Engine the timeline must answer the
lecture's questions as measured: `docker stop` lost nothing (the lecture's warning does not hold
there), the tmpfs was emptied, `docker rm` deleted the data and gave its bytes back, whatever the
store's `docker system df` counted twice."""

from __future__ import annotations

import os

import pytest

import labhelpers as lh
from labhelpers import engine as eng
from labhelpers.lessons.lifecycle import experiments, results, views, widgets

MIB = 1024 * 1024
NAME = "lab-t-life"
LAYER = 10 * MIB + len(results.NOTE) + 1
MEASURED = [  # (question starts, the answer measured, does the lecture hold)
    ("Did `docker stop` lose the writable layer", "no", False),
    ("Did `docker stop` lose what was in the tmpfs", "yes", True),
    ("Did `docker rm` delete the data", "yes", True),
    ("Did `docker rm` give back", "yes", True),
]


def _decided(history: results.Timeline) -> list:
    return [
        (want, c.answer, c.holds)
        for (want, _, _), c in zip(MEASURED, history.claims, strict=True)
        if c.question.startswith(want)
    ]


def _seen(step, status, delta, tmpfs_note, layer, total, mounted=None, **kw):
    mounted = status == "running" if mounted is None else mounted
    note = results.NOTE if delta >= 0 else ""
    images, containers = kw.pop("images", 0), kw.pop("containers", max(layer, 0))
    return results.Observation(
        NAME, step, step, status, delta, note, mounted, tmpfs_note, layer, images, containers,
        total, kw.pop("store", "graph driver"), **kw,
    )  # fmt: skip


def test_the_timeline_answers_the_lectures_questions():
    tmpfs = results.TMPFS_NOTE
    history = results.timeline(
        (
            _seen("run", "running", -1, "", 0, 1000),
            _seen("write", "running", 10, tmpfs, 10, 1010),
            _seen("stop", "exited", 10, "", 10, 1010),
            _seen("start", "running", 10, "", 10, 1010),
            _seen("remove", "removed", -1, "", -1, 1000),
        )
    )
    assert _decided(history) == MEASURED
    rows = [line.split() for line in repr(history.table()).splitlines()[1:]]
    assert rows[2][:5] == ["3", "stop", "exited", "10", "B"] and "unmounted" in rows[2]
    assert rows[4][-2:] == ["+0", "B"]
    assert results.timeline(()).claims == ()
    views.plot_timeline(history).savefig(os.devnull, format="png")


def test_on_the_containerd_store_rm_gives_back_the_layer_counted_twice():
    init, layer = 12_288, 10 * MIB + 8_192
    c8d = dict(store="containerd", init_layer_bytes=init)
    history = results.timeline(
        (
            _seen("write", "running", 10, "", layer, 2_000 + 2 * layer + init,
                  images=1_000 + layer + init, **c8d),
            _seen("remove", "removed", -1, "", -1, 2_000, images=1_000, containers=0, **c8d),
        )
    )  # fmt: skip
    *_, removed = history.claims
    assert (removed.answer, removed.holds) == ("yes", True)


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
    assert written.delta_bytes == 10 * MIB and written.tmpfs_note_there
    if not containerd:
        assert written.writable_layer_bytes == LAYER == written.total_change_bytes
    stopped = box.step("stop")
    assert stopped.status == "exited" and stopped.delta_bytes == 10 * MIB
    assert stopped.note == results.NOTE and not stopped.tmpfs_mounted
    assert stopped.writable_layer_bytes == written.writable_layer_bytes
    assert stopped.total_change_bytes == 0
    started = box.step("start")
    assert started.delta_bytes == 10 * MIB and started.tmpfs_mounted
    assert not started.tmpfs_note_there
    removed = box.step("remove")
    assert removed.status == "removed" and removed.writable_layer_bytes == -1
    # the lecture's questions, answered as measured, on every Engine
    assert _decided(box.timeline()) == MEASURED, box.timeline().verdict()
    with pytest.raises(lh.BadInput, match="it was removed"):
        box.step("start")
    again = box.step("recreate")
    assert again.status == "running" and not again.delta_there
    box.step("write")
    box.step("restart")
    assert [o.step for o in box.timeline().steps] == [
        "run", "write", "stop", "start", "remove", "recreate", "write", "restart",
    ]  # fmt: skip
    eng.cleanup(eng.SESSION)


def test_a_new_run_starts_a_new_timeline(lesson_image, no_leftovers):
    box = experiments.Experiment(NAME, lesson_image)
    box.step("run")
    box.step("run")
    assert len(box.timeline().steps) == 1
    assert experiments.Experiment(NAME, lesson_image).timeline().steps == ()  # its own timeline
    eng.cleanup(eng.SESSION)


def test_docker_stop_waits_for_the_timeout_only_without_init(lesson_image, no_leftovers):
    with_init, without = experiments.stop_timing(lesson_image).runs
    assert with_init.init and with_init.pid1.startswith("/sbin/docker-init -- python app.py")
    assert with_init.exit_code == 143 and not with_init.waited_for_timeout
    assert not without.init and without.pid1 == "python app.py"
    assert without.exit_code == 137 and without.waited_for_timeout


def test_a_container_run_with_rm_is_gone_after_stop(lesson_image, no_leftovers):
    gone = experiments.removed_on_stop("lab-t-rm", lesson_image)
    assert gone.written_bytes == MIB and not gone.exists_after_stop
    assert gone.command.startswith("docker run -d --rm --init --name lab-t-rm")


def test_the_widget_adds_its_default_steps_to_the_experiment(lesson_image, no_leftovers):
    box = experiments.Experiment(NAME, lesson_image)
    box.step("run")
    widgets.lifecycle_widget(box, ("write", "stop"))
    assert [o.step for o in box.timeline().steps] == ["run", "write", "stop"]
    eng.cleanup(eng.SESSION)
