"""The replay mode: recordings of real runs, replayed call by call, labelled, and kept honest.

Most tests record fake helpers (decorated like the real ones, touching no Engine) and replay
them. The last ones record a small notebook live, then replay it with the Engine unreachable.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

import labhelpers as lh
from labhelpers import engine as eng
from labhelpers import replay
from labhelpers.core.errors import NotEnoughSpace, StaleRecording
from labhelpers.core.plugins import PLUGINS_SETTING
from labhelpers.core.results import result
from labhelpers.core.sessions import SESSION_ID
from labhelpers.engine import engine_step
from labhelpers.engine.connection import client
from labhelpers.replay import banners, codec, keys, modes, player, state
from labhelpers.teaching import exercise_check, not_yet
from tools import drift, plugin_env
from tools import record as record_command

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "tests" / "data" / "replay-demo.ipynb"
DEAD = "unix:///tmp/labhelpers-no-engine-here.sock"
SANITIZE = ROOT / "tests" / "nbval-sanitize.cfg"
FAKE_META = {
    "recorded_on": "2026-11-28",
    "engine_version": "28.5.2",
    "api_version": "1.51",
    "engine_os": "Debian GNU/Linux forky/sid",
    "platform": "linux/amd64",
    "storage_driver": "overlayfs",
    "image_store": "containerd",
}


@result
class Size:
    name: str
    size_bytes: int


_measured = {"n": 0}


@engine_step("measure")
def measure(name: str, extra_mib: int = 0) -> Size:
    _measured["n"] += 1
    print(f"$ docker ps -s {name}")
    return Size(name, _measured["n"] * 1000 + extra_mib)


@engine_step("build")
def build(tag: str, on_progress=None) -> tuple:
    print(f"$ docker build -t {tag} .")
    for step in (1, 2):
        on_progress(step, 2, f"STEP {step}")
    print("built")
    return (Size(tag, 1), Size(tag, 2))


@engine_step("write")
def write(name: str, size_mib: int) -> Size:
    if size_mib > 100:
        raise NotEnoughSpace(
            f"Not writing {size_mib} MiB.", "it does not fit.", "write less.", size_mib, 100
        )
    measure("inner")  # a step inside a step: only the outer call is recorded
    return Size(name, size_mib)


class Session:
    """Switch between a recording live run and a replay of it, in this process."""

    def __init__(self, monkeypatch, folder: Path) -> None:
        self.monkeypatch, self.folder = monkeypatch, folder
        monkeypatch.delenv(modes.RECORD_SETTING, raising=False)

    def record(self, notebook: str = "unit") -> None:
        replay.reset()
        self.monkeypatch.setenv(modes.MODE_SETTING, "live")
        self.monkeypatch.setenv(modes.RECORD_SETTING, str(self.folder))
        self.monkeypatch.setenv(PLUGINS_SETTING, "tools.recorder")
        replay.begin(notebook, lambda: dict(FAKE_META))

    def replay(self, notebook: str = "unit") -> None:
        replay.reset()
        self.monkeypatch.setenv(modes.MODE_SETTING, "replay")
        self.monkeypatch.delenv(modes.RECORD_SETTING, raising=False)
        self.monkeypatch.setenv(player.RECORDINGS_SETTING, str(self.folder))
        replay.begin(notebook, lambda: dict(FAKE_META))

    def calls(self, notebook: str = "unit") -> list:
        return json.loads((self.folder / f"{notebook}.json").read_text())["calls"]


@pytest.fixture
def session(monkeypatch, tmp_path):
    yield Session(monkeypatch, tmp_path)
    replay.reset()


def run_cell(source: str) -> None:
    """What IPython tells the lab as a cell starts."""
    keys._on_pre_run_cell(SimpleNamespace(raw_cell=source))


def test_the_same_call_replays_what_it_returned_at_that_point(session, capsys):
    session.record()
    live = [measure("c1"), measure("c1"), measure("c1", extra_mib=4)]
    session.replay()
    assert [measure("c1"), measure("c1"), measure("c1", 4)] == live
    out = capsys.readouterr().out
    assert out.count("$ docker ps -s c1") == 6  # printed live, then printed again by the replay


def test_beyond_the_recorded_calls_the_last_result_comes_back_with_a_note(session, capsys):
    session.record()
    measure("c1")
    last = measure("c1")
    session.replay()
    measure("c1"), measure("c1")
    capsys.readouterr()
    assert measure("c1") == last
    assert "last result recorded for the same call" in capsys.readouterr().out


def test_a_call_never_recorded_raises_not_recorded_naming_what_was(session):
    session.record()
    write("c1", 4)
    session.replay()
    with pytest.raises(lh.NotRecorded) as caught:
        write("c1", 8)
    text = str(caught.value)
    assert "write(name='c1', size_mib=8)" in text and "size_mib=4" in text
    assert len(text.splitlines()) == 3


def test_keywords_and_defaults_make_the_same_key(session):
    session.record()
    live = measure("c1")
    session.replay()
    assert measure(name="c1", extra_mib=0) == live


def test_steps_inside_steps_are_not_recorded(session):
    session.record()
    write("c1", 4)
    outer_only = measure("inner")
    assert [c["helper"].rsplit(".", 1)[1] for c in session.calls()] == ["write", "measure"]
    session.replay()
    write("c1", 4)
    assert measure("inner") == outer_only


def test_lab_errors_are_replayed_with_their_data(session):
    session.record()
    with pytest.raises(NotEnoughSpace) as live:
        write("c1", 500)
    session.replay()
    with pytest.raises(NotEnoughSpace) as replayed:
        write("c1", 500)
    assert str(replayed.value) == str(live.value)
    assert (replayed.value.wanted_bytes, replayed.value.free_bytes) == (500, 100)


def test_printed_lines_and_callbacks_come_back_in_order(session, capsys):
    seen = []

    def progress(step, total, text):
        print(f"progress {step}/{total}")
        seen.append((step, total, text))

    session.record()
    live = build("my-image", on_progress=progress)
    live_out = capsys.readouterr().out
    events = session.calls()[0]["events"]
    assert [e[0] for e in events] == ["out", "call", "call", "out"]  # callbacks' prints not copied
    seen.clear()
    session.replay()
    assert build("my-image", on_progress=progress) == live
    assert capsys.readouterr().out == live_out
    assert seen == [(1, 2, "STEP 1"), (2, 2, "STEP 2")]


def test_each_cell_replays_its_own_calls_even_out_of_order_or_re_run(session):
    session.record()
    run_cell("a = lh.measure('c1')")
    first = measure("c1")
    run_cell("b = lh.measure('c1')  # later in the notebook")
    second = measure("c1")
    session.replay()
    run_cell("b = lh.measure('c1')  # later in the notebook")
    assert measure("c1") == second
    run_cell("a = lh.measure('c1')")
    assert measure("c1") == first
    run_cell("a = lh.measure('c1')")  # run again: the same answer again
    assert measure("c1") == first
    run_cell("# a comment changes nothing\na = lh.measure('c1')")
    assert measure("c1") == first


def test_machine_specific_paths_are_normalised(tmp_path, monkeypatch):
    made = tmp_path / "my-app"
    made.mkdir()
    monkeypatch.setattr(state.state, "cwd", "/home/learner/course/notebooks")
    assert keys.normalise_path("/home/learner/course/notebooks/my-app") == "<notebooks>/my-app"
    assert keys.normalise_path(str(made)).startswith("<tmp>/*/")
    assert keys.normalise_path(str(made)).endswith("/my-app")
    assert keys.normalise_path("/app/delta.bin") == "/app/delta.bin"  # inside a container
    assert keys.normalise_path("/tmp/no-such-host-file") == "/tmp/no-such-host-file"
    assert keys.normalise_path("my-image") == "my-image"
    spec = lh.bind_mount(made, "/data")
    assert keys.normalise(spec)["source"].startswith("<tmp>/*/")
    assert keys.normalise(4.0) == keys.normalise(4)


def test_a_notebook_without_a_recording_says_so(session):
    with pytest.raises(lh.NotRecorded) as caught:
        session.replay("no-such-notebook")
    assert "no recording of the notebook 'no-such-notebook'" in str(caught.value)


def test_forced_replay_never_reaches_for_the_engine(monkeypatch):
    monkeypatch.setenv(modes.MODE_SETTING, "replay")
    with pytest.raises(lh.DockerUnavailable) as caught:
        client()
    assert "replay mode" in str(caught.value)
    assert not eng.engine_available()


def test_an_unknown_mode_is_refused(monkeypatch):
    monkeypatch.setenv(modes.MODE_SETTING, "sometimes")
    with pytest.raises(lh.LabError, match="live, replay or auto"):
        modes.mode()


def test_exercise_checks_need_a_live_engine(session):
    @exercise_check("Make a volume")
    def check_volume():
        raise AssertionError("a check must not run on replayed data")

    session.record()
    session.replay()
    verdict = check_volume()
    assert not verdict.passed and "needs a live Docker Engine" in verdict.message


def test_a_recorded_check_shows_its_recorded_verdict_under_a_note(session):
    @exercise_check("Make a volume")
    def check_volume():
        print("$ docker volume inspect my-vol")
        return not_yet("Make a volume", "there is no volume 'my-vol' yet.", "create it")

    session.record()
    live = check_volume()
    session.replay()
    verdict = check_volume()
    assert verdict == live
    assert verdict in state.state.checks  # the display puts CHECK_NOTE above it
    assert "checks need a live Docker Engine" in banners.CHECK_NOTE


def test_banner_says_when_where_and_how_to_get_live_results(session):
    session.record()
    session.replay()
    banner = banners.banner_text()
    assert banner.startswith(banners.BANNER_MARK)
    facts = ("2026-11-28", "28.5.2", "containerd image store", "linux/amd64", "live results")
    for fact in facts:
        assert fact in banner
    start = banners.StartBanner("unit")
    assert "REPLAY MODE" in repr(start) and "restart the kernel" in repr(start)
    assert "Docker Desktop use by default" in repr(start)
    assert "lh-replay-banner" in banners.banner_html()


def test_doctor_reports_the_mode_and_replays_the_recorded_report(session, engine):
    session.record("doctor-unit")
    live = lh.check()
    assert live.findings[0].topic == "Mode" and live.findings[0].value.startswith("live")
    session.replay("doctor-unit")
    replayed = lh.check()
    assert replayed.findings[0].value.startswith("replay") and not replayed.findings[0].ok
    assert replayed.findings[1:] == live.findings[1:]
    # the doctor command checks this machine, for real, whatever the mode
    env = dict(os.environ, LABHELPERS_MODE="replay")
    doctor = subprocess.run(
        [sys.executable, "-m", "labhelpers", "doctor"], env=env, capture_output=True, text=True
    )
    assert doctor.returncode == 0 and "live: every result" in doctor.stdout


# --- keeping recordings honest ------------------------------------------------------------------


def recording(*calls: dict) -> dict:
    return {"notebook": "nb", "cells": {"c1": "x = lh.f()"}, "calls": list(calls), "problems": []}


def call(args: dict | None = None, result_value=None, cell: str = "c1") -> dict:
    value = result_value if result_value is not None else {"__result__": "Size", "size_bytes": 5}
    return {"cell": cell, "run": 1, "helper": "h.f", "args": args or {}, "result": value}


def test_figures_may_differ_but_calls_and_shapes_may_not():
    committed = recording(call())
    other_figures = recording(call(result_value={"__result__": "Size", "size_bytes": 9}))
    assert drift.compare(committed, other_figures) == []
    other_args = recording(call({"n": 2}))
    assert "is a different call" in drift.compare(committed, other_args)[0]
    assert "n=2" in drift.compare(committed, other_args)[0]
    other_shape = recording(call(result_value={"__result__": "Size", "size_mib": 9}))
    assert "different shape" in drift.compare(committed, other_shape)[0]
    more_calls = recording(call(), call())
    assert "made 1 recorded calls, now 2" in drift.compare(committed, more_calls)[0]
    new_cell = recording(call(cell="c2"))
    assert "is not in the recording" in drift.compare(committed, new_cell)[0]
    assert "no committed recording" in drift.compare(None, committed)[0]


def test_ids_the_engine_made_up_are_not_drift_but_names_are():
    first, second = "e1ffacd0f9a2" + "0" * 52, "c082b72ca9d0" + "1" * 52
    committed = recording(call({"name": first}))
    assert drift.compare(committed, recording(call({"name": second}))) == []
    assert drift.compare(committed, recording(call({"name": "my-vol"}))) != []
    short = recording(call({"name": "abcdef012345"}))
    assert drift.compare(short, recording(call({"name": "0123456789ab"}))) == []


def test_sequences_compare_by_their_elements_shape_not_their_length():
    rows = {"__tuple__": [{"__result__": "Row", "size_bytes": 1}] * 3}
    fewer = {"__tuple__": [{"__result__": "Row", "size_bytes": 7}]}
    assert drift.shape(rows) == drift.shape(fewer)


def test_record_check_fails_on_drift_and_says_how_to_refresh(tmp_path, capsys):
    committed, fresh = tmp_path / "committed", tmp_path / "fresh"
    committed.mkdir(), fresh.mkdir()
    (committed / "nb.json").write_text(json.dumps(recording(call({"n": 1}))))
    (fresh / "nb.json").write_text(json.dumps(recording(call({"n": 1}))))
    assert record_command.check(fresh, committed) == 0
    (fresh / "nb.json").write_text(json.dumps(recording(call({"n": 2}))))
    assert record_command.check(fresh, committed) == 1
    assert "make record" in capsys.readouterr().err


# --- a notebook, recorded live, replayed with no Engine -------------------------------------------


@pytest.fixture
def demo(tmp_path, engine, my_image, no_leftovers, monkeypatch):
    """The demo notebook run live (its outputs stored, every call recorded) in tmp_path. It uses
    `my-image` (ensure_lesson_image), which `my_image` provides in another session."""
    notebook = tmp_path / DEMO.name
    shutil.copyfile(DEMO, notebook)
    monkeypatch.setenv(modes.MODE_SETTING, "live")
    monkeypatch.setenv(modes.RECORD_SETTING, str(tmp_path / "recordings"))
    for key, value in plugin_env("tools.recorder").items():  # the kernel loads the recorder
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("LABHELPERS_SESSION", SESSION_ID)  # so no_leftovers sees its resources
    record_command._execute(notebook, inplace=True)
    return notebook


def replay_env(recordings: Path) -> dict:
    env = dict(os.environ, DOCKER_HOST=DEAD, LABHELPERS_MODE="replay")
    env[player.RECORDINGS_SETTING] = str(recordings)
    env.pop(modes.RECORD_SETTING, None)
    return env


def test_a_recorded_notebook_replays_with_no_engine(demo, monkeypatch):
    recordings = demo.parent / "recordings"
    data = json.loads((recordings / "replay-demo.json").read_text())
    helpers = [c["helper"].rsplit(".", 1)[1] for c in data["calls"]]
    assert helpers.count("container_sizes") == 2 and "disk_usage" in helpers
    assert data["problems"] == []

    # nbval, strict as in the live pass: the replay reproduces the stored outputs (banner aside)
    pytest = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", demo.parent]
    nbval = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", SANITIZE, demo]
    nbval = subprocess.run(
        [*pytest, *nbval],
        env=replay_env(recordings),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert nbval.returncode == 0, nbval.stdout[-3000:]

    # and every output showing data says it is a replay
    for key, value in replay_env(recordings).items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv(modes.RECORD_SETTING)
    replayed = demo.parent / "replayed.ipynb"
    shutil.copyfile(demo, replayed)
    record_command._execute(replayed, inplace=True)
    cells = {c.source.splitlines()[-1]: c.outputs for c in nbformat.read(replayed, 4).cells[1:]}

    def text(outputs, mime="text/plain"):
        return "".join(o.get("text", "") or o.get("data", {}).get(mime, "") for o in outputs)

    assert "REPLAY MODE" in text(cells['lh.start_lesson("replay-demo")'])
    grew = text(cells[next(k for k in cells if "grew by" in k)])
    # 4 MiB, counted as file sizes (overlay2) or in disk blocks (containerd's snapshotter)
    grown = int(grew.split("grew by ", 1)[1].split()[0])
    assert 4 * 1024 * 1024 <= grown < 4 * 1024 * 1024 + 64 * 1024 and banners.BANNER_MARK in grew
    table = next(o for outs in cells.values() for o in outs if "moment" in text([o]))
    assert "lh-replay-banner" in table["data"]["text/html"]
    figure = next(o for outs in cells.values() for o in outs if "image/png" in o.get("data", {}))
    assert banners.BANNER_MARK in figure["data"]["text/plain"]
    assert "checks need a live Docker Engine" in text(cells["check_demo()"])


# --- strict decoding and validation -------------------------------------------------------------


def test_a_recorded_result_with_other_fields_fails_loudly():
    encoded = codec.encode(Size("c1", 5))
    assert codec.decode(encoded) == Size("c1", 5)
    missing = {k: v for k, v in encoded.items() if k != "size_bytes"}
    with pytest.raises(StaleRecording, match="missing size_bytes"):
        codec.decode(missing)
    with pytest.raises(StaleRecording, match="unknown colour"):
        codec.decode({**encoded, "colour": "red"})
    with pytest.raises(StaleRecording, match="no such result class"):
        codec.decode({**encoded, "__result__": "Gone"})


def test_every_committed_recording_decodes_with_todays_result_classes():
    """A result class that gains or loses a field needs its recordings refreshed (`make record`),
    or every notebook that recorded it stops replaying (Binder, the replay phase): caught here in
    a second, not after minutes of replaying."""
    folder = Path(lh.__file__).parent / "recordings"
    found = sorted(folder.glob("[0-9]*.json"))
    assert len(found) >= 11, found
    for path in found:
        for call in json.loads(path.read_text())["calls"]:  # what the player decodes
            try:
                if "result" in call:
                    codec.decode(call["result"])
                for event in call.get("events", []):
                    if event[0] == "call":  # a callback's arguments
                        codec.decode(event[2]), codec.decode(event[3])
            except StaleRecording as exc:
                pytest.fail(f"{path.name}, {call['helper']}: {exc}", pytrace=False)


def test_a_recording_in_an_old_format_is_refused(session):
    session.record()
    measure("c1")
    path = session.folder / "unit.json"
    data = json.loads(path.read_text())
    data["format"] = 1
    path.write_text(json.dumps(data))
    with pytest.raises(StaleRecording, match="format 1"):
        session.replay()


def _positive(n: int) -> None:
    if n < 1:
        raise lh.BadInput(f"Cannot count to {n}.", "it must be 1 or more.", "pass 1 or more.")


@engine_step("count", validate=_positive)
def count(n: int) -> int:
    raise AssertionError("the body never runs in these tests")


def test_input_is_validated_before_any_mode_or_connection(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", DEAD)
    for mode in ("live", "replay", "auto"):
        replay.reset()
        monkeypatch.setenv(modes.MODE_SETTING, mode)
        with pytest.raises(lh.BadInput, match="count to 0"):
            count(0)
    replay.reset()
