"""Live and replay: the course on machines with no Docker Engine (Binder).

One module per job:

    modes      live / replay / auto, decided once per process (LABHELPERS_MODE)
    state      which notebook and cell run; what is replayed
    keys       how a call is found again: cell hash, run, helper, normalised arguments
    codec      results and lab errors to JSON and back (strict: stale recordings fail loudly)
    player     answers a step from the recording
    banners    marks every replayed output as a replay

Recording (tools/recorder.py, a plugin: `labhelpers.core.plugins`), recording the whole course
and checking recordings for drift (tools/record.py, tools/drift.py) are contributor tools, outside
the package.

The Engine layer's step decorator (`labhelpers.engine.step`) is where helpers meet this package:
in replay a step answers from the recording and its body never runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from ..core import plugins
from . import banners, modes, state
from .keys import track_cells
from .modes import active, mode

__all__ = ["active", "begin", "describe", "mode", "reset"]


def begin(notebook: str, meta: Callable[[], dict]) -> Any:
    """Called by `lh.start_lesson` once the Engine layer has decided the mode: in replay, load the
    recording and return the start banner; live, tell the plugins (`meta()` says on which Engine)
    and return None."""
    from .player import replaying

    state.state.notebook = notebook
    state.state.cwd = os.getcwd()
    track_cells()
    if active():
        state.state.replaying = None
        replaying()
        banners.install()
        return banners.StartBanner(notebook)
    plugins.started(notebook, meta)
    return None


def describe() -> str:
    """One line for the doctor: the mode, and where replayed results come from."""
    from .player import meta

    if not active():
        return "live: every result comes from this machine's Docker Engine"
    m = meta()
    if m:
        return (
            f"replay ({modes.why_replay()}): results recorded {m.get('recorded_on', '?')} on "
            f"Docker Engine {m.get('engine_version', '?')}"
        )
    return f"replay ({modes.why_replay()}): results come from recordings of real runs"


def reset() -> None:
    """Forget the mode's verdict, the cells seen and the recordings loaded (tests)."""
    modes.reset()
    state.reset()
