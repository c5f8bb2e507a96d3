"""Running a helper from a widget: what it printed and any lab error become text to show.

A widget callback never lets a LabError escape (ipywidgets would log it where no learner looks):
it shows the lab's short message where the widget shows its results.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from typing import Any

from ..core.commands import plain
from ..core.errors import LabError

__all__ = ["run_quietly", "safe"]


def run_quietly(action: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, str]:
    """Run a helper, keeping what it printed (its docker commands) and any lab error as text.

    Returns:
        (the helper's result or None when it raised a LabError, everything printed).
    """
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed), plain():
            value = action(*args, **kwargs)
    except LabError as exc:
        return None, f"{printed.getvalue()}{exc}\n"
    return value, printed.getvalue()


def safe(action: Callable[..., Any], output: Any) -> Callable[..., Any]:
    """Wrap a widget callback: lab errors print as their short message inside `output`."""

    def run(*args: Any, **kwargs: Any) -> Any:
        # append_stdout rather than `with output:`, which nbval's kernel does not capture when a
        # default action runs inside the cell that builds the widget.
        try:
            return action(*args, **kwargs)
        except LabError as exc:
            output.append_stdout(f"{exc}\n")
        return None

    return run
