"""Recording a live run for the replay mode: a plugin (`labhelpers.core.plugins`).

With LABHELPERS_PLUGINS=tools.recorder (the checkout on PYTHONPATH) and LABHELPERS_RECORD_DIR=DIR
set in a live run, each notebook that calls `lh.start_lesson(name)` writes DIR/<name>.json: every
helper call (each step or exercise check, outermost only) with its arguments, what it printed, the
callbacks it made, and its result or lab error. `python -m tools.record` does this for every
notebook into labhelpers/recordings/ (`PLUGINS` and `plugin_env` in tools/__init__.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from labhelpers.core import commands, plugins
from labhelpers.core.errors import DockerUnavailable
from labhelpers.replay.codec import Unrecordable, encode, encode_error
from labhelpers.replay.keys import bind, call_args, helper_name, is_callback, show_call
from labhelpers.replay.modes import RECORD_SETTING
from labhelpers.replay.player import FORMAT
from labhelpers.replay.state import state

__all__ = ["RECORD_SETTING", "recorder", "start_recording"]

local = threading.local()  # depth of nested steps in this thread, while recording


def start_recording(notebook: str, meta: Callable[[], dict]) -> Path | None:
    """Begin DIR/<notebook>.json when LABHELPERS_RECORD_DIR=DIR; `meta()` says on which Engine
    and when. The recording lives in the replay state (`state.plugins`), reset with it."""
    directory = os.environ.get(RECORD_SETTING, "")
    if not directory:
        return None
    path = Path(directory).expanduser().resolve() / f"{notebook}.json"
    state.plugins["record_path"] = path
    state.plugins["recording"] = {
        "format": FORMAT,
        "notebook": notebook,
        "meta": meta(),
        "cells": {},
        "calls": [],
        "problems": [],
    }
    _save()
    return path


def _save() -> None:
    path, data = state.plugins.get("record_path"), state.plugins.get("recording")
    if path is None or data is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(".json.part")
    scratch.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    os.replace(scratch, path)


class _Capture:
    """While the outermost step runs: copy what it prints, and note the callbacks it makes."""

    def __init__(self) -> None:
        self.events: list[list] = []
        self.paused = 0
        self.stream: Any = None

    def write(self, text: str) -> int:
        if text and not self.paused and not commands.printing():
            if self.events and self.events[-1][0] == "out":
                self.events[-1][1] += text
            else:
                self.events.append(["out", text])
        return self.stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)

    def callback(self, name: str, fn: Callable) -> Callable:
        def noted(*args: Any, **kwargs: Any) -> Any:
            try:
                self.events.append(["call", name, encode(list(args)), encode(kwargs)])
            except Unrecordable as exc:
                self.events.append(["unrecordable-call", name, str(exc)])
            self.paused += 1
            try:
                return fn(*args, **kwargs)
            finally:
                self.paused -= 1

        return noted


def _note(item: object, shown: bool) -> None:
    """A command the outermost step ran, a value it bound or a file it wrote: kept with the
    step's call for the CLI twin (`labhelpers.twin`), which reads these and never the printed
    text. The notebooks' folder is written as <notebooks> (as in the call's arguments)."""
    capture = getattr(local, "capture", None)
    if capture is None:
        return
    if isinstance(item, commands.Binding):
        data = {"name": item.name, "value": item.value, "how": item.how}
        capture.events.append(["bind", _folder_free(data)])
    elif isinstance(item, commands.FileWritten):
        capture.events.append(["file", _folder_free({"path": item.path, "text": item.text})])
    elif isinstance(item, commands.Waited):
        capture.events.append(["wait", {"until": item.until, "seconds": item.seconds}])
    elif isinstance(item, commands.Command):
        capture.events.append(["command", _folder_free({**item.to_data(), "shown": shown})])


def _folder_free(data: dict) -> dict:
    folder = (state.cwd or os.getcwd()).rstrip("/")

    def clean(value: object) -> object:
        if isinstance(value, str) and folder:
            return value.replace(folder, "<notebooks>")
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return {key: clean(value) for key, value in data.items()}


def _echoed(line: str, gather: bool = True) -> None:
    capture = getattr(local, "capture", None)
    if capture is not None and not capture.paused:
        event = ["echo", _folder_free({"line": line})["line"]]
        capture.events.append(event if gather else [*event, False])


commands.listen(_note)
commands.listen_to_echo(_echoed)


@contextlib.contextmanager
def recorder(call: plugins.Call) -> Iterator[None]:
    """Around one live step or exercise check: when it is the outermost one of a recording run,
    wrap its callbacks, copy what it prints, and write down its call and outcome."""
    outer = state.plugins.get("recording") is not None and not getattr(local, "depth", 0)
    if not outer:
        yield
        return
    local.depth = 1
    capture = _Capture()
    local.capture = capture
    _wrap_callbacks(call, capture)
    capture.stream, sys.stdout = sys.stdout, capture
    try:
        yield
    finally:
        if sys.stdout is capture:
            sys.stdout = capture.stream
        local.depth = 0
        local.capture = None
        _save_call(call, capture.events)


def _wrap_callbacks(call: plugins.Call, capture: _Capture) -> None:
    bound = bind(call.fn, call.args, call.kwargs)
    if bound is None:
        return
    for name, value in list(bound.arguments.items()):
        if is_callback(value):
            bound.arguments[name] = capture.callback(name, value)
    call.args, call.kwargs = bound.args, bound.kwargs


def _outcome(call: plugins.Call) -> dict | None:
    """The call's result or lab error as recorded (None: nothing to record)."""
    if call.returned:
        try:
            return {"result": encode(call.value)}
        except Unrecordable as exc:
            return {"unrecordable": str(exc)}
    if call.error is not None and not isinstance(call.error, DockerUnavailable):
        return {"error": encode_error(call.error)}
    return None


def _save_call(call: plugins.Call, events: list) -> None:
    data, outcome = state.plugins.get("recording"), _outcome(call)
    if data is None or outcome is None:
        return
    helper = helper_name(call.fn)
    args = call_args(call.fn, call.args, call.kwargs)
    if "unrecordable" in outcome:
        data["problems"].append(
            f"{show_call(helper, args)} returned a {outcome['unrecordable']}, which a "
            "recording cannot hold: make the helper return @result dataclasses."
        )
    data["cells"].setdefault(state.cell, state.heads.get(state.cell, ""))
    entry = {"cell": state.cell, "run": state.run, "helper": helper, "args": args}
    entry["events"] = events
    entry.update(outcome)
    data["calls"].append(entry)
    _save()


plugins.register(around=recorder, started=start_recording)
