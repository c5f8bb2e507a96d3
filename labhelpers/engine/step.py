"""`@engine_step`: the decorator every helper that reaches the Engine (or the Engine's machine)
carries.

What it does, in order:

1. checks the arguments with the step's `validate` function, if it has one, before anything
   connects: bad input is a `BadInput` whatever the mode and whether or not an Engine answers;
2. in replay mode, answers from the recording (the body, and `client()`, never run);
3. live, runs the body; SDK and connection errors become the lab's errors (`raise ... from`);
4. in a live run being recorded, writes down the outermost step's call and outcome. Steps called
   inside a step are not recorded on their own: in a replay the outer step answers for them;
5. with LABHELPERS_STEP_TIMES=FILE set (the benchmark sets it), appends how long the live step
   took to FILE (`labhelpers.engine.timing`); unset, that costs one environment lookup.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from ..core.errors import LabError
from ..replay import modes, player, recorder
from . import timing
from .connection import is_sdk_error, translate

__all__ = ["engine_step"]

F = TypeVar("F", bound=Callable[..., Any])


def engine_step(action: str, validate: Callable[..., None] | None = None) -> Callable[[F], F]:
    """Decorate a helper that talks to the Engine (or reads the Engine's machine).

    Args:
        action: completes "Could not ..." in error messages ("build the image").
        validate: called with the step's own arguments before anything else; raises BadInput.
    """

    def wrap(fn: F) -> F:
        name = f"{fn.__module__.removeprefix('labhelpers.')}.{fn.__qualname__}"

        @functools.wraps(fn)
        def step(*args: Any, **kwargs: Any) -> Any:
            if validate is not None:
                validate(*args, **kwargs)
            if modes.active():
                return player.replay(fn, args, kwargs)
            times = timing.step_times_file()
            if times:
                with timing.timed(name, times):
                    return live(*args, **kwargs)
            return live(*args, **kwargs)

        def live(*args: Any, **kwargs: Any) -> Any:
            with recorder.recorder(fn, args, kwargs) as call:
                try:
                    value = fn(*call.args, **call.kwargs)
                except LabError as exc:
                    call.failed(exc)
                    raise
                except Exception as exc:
                    if is_sdk_error(exc):
                        error = translate(exc, action)
                        call.failed(error)
                        raise error from exc
                    raise
                call.done(value)
            return value

        step.engine_action = action  # type: ignore[attr-defined]
        return step  # type: ignore[return-value]

    return wrap
