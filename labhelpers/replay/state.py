"""What the replay machinery shares within one process: which notebook and cell run, what is
replayed, and what plugins keep per notebook (a recording). One instance, `state`; `reset()`
starts afresh (tests)."""

from __future__ import annotations

import dataclasses
import os
from collections import Counter

__all__ = ["SCRIPT_CELL", "State", "current_notebook", "reset", "state"]

SCRIPT_CELL = "script"  # the cell of calls made outside IPython


@dataclasses.dataclass
class State:
    notebook: str = ""
    cwd: str = ""  # the notebook's folder: paths under it are normalised in keys
    cell: str = SCRIPT_CELL
    run: int = 1
    runs: Counter = dataclasses.field(default_factory=Counter)
    used: Counter = dataclasses.field(default_factory=Counter)
    heads: dict = dataclasses.field(default_factory=dict)
    plugins: dict = dataclasses.field(default_factory=dict)  # what plugins keep per notebook
    replaying: dict | None = None
    hooks: set = dataclasses.field(default_factory=set)
    checks: list = dataclasses.field(default_factory=list)  # replayed check verdicts
    # per cell, for the banner
    printed: bool = False
    bannered: bool = False


state = State()


def reset() -> None:
    """Forget the cells seen, the recording and the replay loaded (tests)."""
    state.__init__()  # type: ignore[misc]


def current_notebook() -> str:
    """The notebook running (`lh.start_lesson` names it; LABHELPERS_NOTEBOOK outside one)."""
    return state.notebook or os.environ.get("LABHELPERS_NOTEBOOK", "interactive")
