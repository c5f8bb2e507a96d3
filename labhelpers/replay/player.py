"""Replaying: answer a helper call from the recording of a real run.

A call recorded at this point of the notebook (same cell, same run of it, same helper and
arguments, same order) gets what it got then. A call not recorded in that cell (a widget moved
back to its default) gets the last recorded result of the same call, with a note saying so; a
call never recorded raises NotRecorded.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from ..core import commands
from ..core.errors import NotRecorded, StaleRecording
from .codec import decode, decode_error
from .keys import bind, call_args, helper_name, is_callback, key_of, show_call
from .modes import why_replay
from .state import current_notebook, state

__all__ = [
    "FORMAT",
    "RECORDINGS_SETTING",
    "load",
    "meta",
    "recording_path",
    "replay",
    "replay_check",
]

RECORDINGS_SETTING = "LABHELPERS_RECORDINGS"  # replay from this folder, not the package's
FORMAT = 3  # of a recording; 3: each call's commands as data ("command" and "bind" events)


def recording_path(notebook: str) -> Any:
    where = os.environ.get(RECORDINGS_SETTING)
    if where:
        return Path(where) / f"{notebook}.json"
    return resources.files("labhelpers").joinpath("recordings", f"{notebook}.json")


def load(notebook: str) -> dict | None:
    """The recording of `notebook`, indexed for replay (None when there is none)."""
    path = recording_path(notebook)
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    if data.get("format") != FORMAT:
        raise StaleRecording(
            f"The recording of '{notebook}' is in format {data.get('format')}, not {FORMAT}.",
            "it was made by an older version of the lab.",
            "maintainers: refresh it with `make record`; learners: run the course live (README).",
        )
    by_cell: dict[tuple, list] = {}
    by_key: dict[str, list] = {}
    last_run: Counter = Counter()
    for call in data["calls"]:
        by_cell.setdefault((call["cell"], call["run"]), []).append(call)
        by_key.setdefault(key_of(call["helper"], call["args"]), []).append(call)
        last_run[call["cell"]] = max(last_run[call["cell"]], call["run"])
    data["_by_cell"], data["_by_key"], data["_last_run"] = by_cell, by_key, last_run
    return data


def _not_recorded_notebook(notebook: str) -> NotRecorded:
    return NotRecorded(
        f"There is no recording of the notebook '{notebook}' to replay.",
        f"the lab is in replay mode ({why_replay()}), and replay needs a recording of a real "
        "run of this notebook.",
        "run the course on a machine with Docker for live results (see the README); "
        f"maintainers record it with `python -m tools.record {notebook}`.",
    )


def replaying() -> dict:
    if state.replaying is None or state.replaying["notebook"] != state.notebook:
        notebook = current_notebook()
        state.notebook = notebook
        data = load(notebook)
        if data is None:
            raise _not_recorded_notebook(notebook)
        state.replaying = data
    return state.replaying


def replay(fn: Callable, args: tuple, kwargs: dict) -> Any:
    """Answer a helper call from the recording: print what it printed, make its callbacks, and
    return its result (or raise its lab error).

    Raises:
        NotRecorded: the recording holds no such call.
    """
    data = replaying()
    helper = helper_name(fn)
    wanted = call_args(fn, args, kwargs)
    key = key_of(helper, wanted)
    run = min(state.run, data["_last_run"].get(state.cell, state.run))
    here = data["_by_cell"].get((state.cell, run), [])
    same = [c for c in here if key_of(c["helper"], c["args"]) == key]
    index = state.used[key]
    state.used[key] += 1
    if index < len(same):
        call = same[index]
    elif data["_by_key"].get(key):
        call = data["_by_key"][key][-1]
        print(
            f"(replay: {show_call(helper, wanted)} was not recorded at this point of the "
            "notebook; this is the last result recorded for the same call.)"
        )
    else:
        raise _not_recorded_call(data, helper, wanted)
    _replay_events(call.get("events", []), fn, args, kwargs)
    if "error" in call:
        raise decode_error(call["error"])
    if "unrecordable" in call:
        raise NotRecorded(
            f"The replay cannot show {show_call(helper, wanted)}.",
            f"it returned a {call['unrecordable']}, which a recording cannot hold.",
            "run the course on a machine with Docker for live results (see the README).",
        )
    return decode(call["result"])


def replay_check(fn: Callable, args: tuple, kwargs: dict) -> Any:
    """An exercise check in replay: the verdict it gave in the recorded run (None if none)."""
    try:
        verdict = replay(fn, args, kwargs)
    except NotRecorded:
        return None
    state.checks.append(verdict)
    return verdict


def _not_recorded_call(data: dict, helper: str, wanted: dict) -> NotRecorded:
    others = [c["args"] for c in data["calls"] if c["helper"] == helper]
    variants: list[str] = []
    for args in others:
        differing = ", ".join(
            f"{k}={v!r}" for k, v in args.items() if wanted.get(k) != v and v != "<callback>"
        )
        if differing and differing not in variants:
            variants.append(differing)
    held = (
        "the recording holds it only with " + "; ".join(variants[:6])
        if variants
        else "the recorded run never made this call"
    )
    return NotRecorded(
        f"The replay has no recorded result for {show_call(helper, wanted)}.",
        f"a replay can only show what a real run measured, and {held}.",
        "use a recorded value, or run the course on a machine with Docker for live results "
        "(see the README).",
    )


def _replay_events(events: list, fn: Callable, args: tuple, kwargs: dict) -> None:
    bound = bind(fn, args, kwargs)
    given = bound.arguments if bound is not None else {}
    for event in events:
        if event[0] == "out":
            sys.stdout.write(event[1])
            sys.stdout.flush()
        elif event[0] == "echo":  # a command line, shown as a live run shows it
            commands.echo(event[1].replace("<notebooks>", os.getcwd()), *event[2:])
        elif event[0] == "call" and is_callback(given.get(event[1])):
            given[event[1]](*decode(event[2]), **decode(event[3]))


def meta() -> dict:
    """When and on which Engine the recording being replayed was made ({} when none is loaded)."""
    return (state.replaying or {}).get("meta", {})
