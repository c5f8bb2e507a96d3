"""Recording a live run for the replay mode.

With LABHELPERS_RECORD_DIR=DIR set in a live run, each notebook that calls
`lh.start_lesson(name)` writes DIR/<name>.json: every helper call (each step, outermost only)
with its arguments, what it printed, the callbacks it made, and its result or lab error.
`python -m tools.record` does this for every notebook into labhelpers/recordings/.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..core import commands
from ..core.errors import DockerUnavailable, LabError
from .codec import Unrecordable, encode, encode_error
from .keys import bind, call_args, helper_name, is_callback, show_call
from .state import local, state

__all__ = ["FORMAT", "RECORD_SETTING", "recorder", "recording_dir", "start_recording"]

RECORD_SETTING = "LABHELPERS_RECORD_DIR"
FORMAT = 3  # 3: each call's commands as data ("command" and "bind" events)


def recording_dir() -> str:
    """Where this run records to ("" when it does not record)."""
    return os.environ.get(RECORD_SETTING, "")


def start_recording(notebook: str, directory: str, meta: dict) -> Path:
    """Begin DIR/<notebook>.json; `meta` says on which Engine and when."""
    path = Path(directory).expanduser().resolve() / f"{notebook}.json"
    state.record_path = path
    state.recording = {
        "format": FORMAT,
        "notebook": notebook,
        "meta": meta,
        "cells": {},
        "calls": [],
        "problems": [],
    }
    _save()
    return path


def _save() -> None:
    path, data = state.record_path, state.recording
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
def recorder(fn: Callable, args: tuple, kwargs: dict) -> Iterator[Any]:
    """Wrap one helper call in a live run: yields an object with `.args`, `.kwargs` (callbacks
    wrapped when recording) and `.done(value)` / `.failed(error)` to note the outcome."""
    outer = state.recording is not None and not getattr(local, "depth", 0)
    call = _Call(fn, args, kwargs, outer)
    if not outer:
        yield call
        return
    local.depth = 1
    capture = _Capture()
    local.capture = capture
    call.wrap_callbacks(capture)
    capture.stream, sys.stdout = sys.stdout, capture
    try:
        yield call
    finally:
        if sys.stdout is capture:
            sys.stdout = capture.stream
        local.depth = 0
        local.capture = None
        call.save(capture.events)


class _Call:
    def __init__(self, fn: Callable, args: tuple, kwargs: dict, recording: bool) -> None:
        self.fn, self.args, self.kwargs, self.recording = fn, args, kwargs, recording
        self.outcome: dict | None = None

    def wrap_callbacks(self, capture: _Capture) -> None:
        bound = bind(self.fn, self.args, self.kwargs)
        if bound is None:
            return
        for name, value in list(bound.arguments.items()):
            if is_callback(value):
                bound.arguments[name] = capture.callback(name, value)
        self.args, self.kwargs = bound.args, bound.kwargs

    def done(self, value: Any) -> None:
        if not self.recording:
            return
        try:
            self.outcome = {"result": encode(value)}
        except Unrecordable as exc:
            self.outcome = {"unrecordable": str(exc)}

    def failed(self, error: LabError) -> None:
        if self.recording and not isinstance(error, DockerUnavailable):
            self.outcome = {"error": encode_error(error)}

    def save(self, events: list) -> None:
        data = state.recording
        if data is None or self.outcome is None:
            return
        helper = helper_name(self.fn)
        args = call_args(self.fn, self.args, self.kwargs)
        if "unrecordable" in self.outcome:
            data["problems"].append(
                f"{show_call(helper, args)} returned a {self.outcome['unrecordable']}, which a "
                "recording cannot hold: make the helper return @result dataclasses."
            )
        data["cells"].setdefault(state.cell, state.heads.get(state.cell, ""))
        entry = {"cell": state.cell, "run": state.run, "helper": helper, "args": args}
        entry["events"] = events
        entry.update(self.outcome)
        data["calls"].append(entry)
        _save()
