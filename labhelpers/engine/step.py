"""`@engine_step`: the decorator every helper that reaches the Engine (or the Engine's machine)
carries.

What it does, in order:

1. checks the arguments with the step's `validate` function, if it has one, before anything
   connects: bad input is a `BadInput` whatever the mode and whether or not an Engine answers;
2. in replay mode, answers from the recording (the body, and `client()`, never run);
3. live, maps the parameters the step declares as course names (`names={"name": "container"}`)
   to the names this Engine and session use (`labhelpers.engine.names.course_name`): the one
   place names are mapped, so a lesson never does it;
4. runs the body; SDK and connection errors become the lab's errors (`raise ... from`);
5. live, runs all of this inside the `around` hooks of the plugins a run asked for
   (`labhelpers.core.plugins`: the contributors' recorder and timer), with the arguments as the
   caller gave them and the outcome.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from ..core import plugins
from ..core.errors import LabError
from ..replay import player
from .connection import is_sdk_error, replaying, translate
from .names import course_name

__all__ = ["engine_step"]

F = TypeVar("F", bound=Callable[..., Any])


def _mapper(fn: Callable, names: dict[str, str]) -> Callable[[tuple, dict], tuple]:
    signature = inspect.signature(fn)
    unknown = set(names) - set(signature.parameters)
    if unknown:
        raise TypeError(f"{fn.__qualname__} has no parameter {', '.join(sorted(unknown))}")

    def mapped(args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        for parameter, kind in names.items():
            bound.arguments[parameter] = course_name(bound.arguments[parameter], kind)
        return bound.args, bound.kwargs

    return mapped


def engine_step(
    action: str,
    validate: Callable[..., None] | None = None,
    names: dict[str, str] | None = None,
) -> Callable[[F], F]:
    """Decorate a helper that talks to the Engine (or reads the Engine's machine).

    Args:
        action: completes "Could not ..." in error messages ("build the image").
        validate: called with the step's own arguments before anything else; raises BadInput.
        names: parameter -> kind ("container", "volume", "image", "network", "mounts", "from")
            for each parameter that holds course names (lists of them too), mapped live.
    """

    def wrap(fn: F) -> F:
        name = f"{fn.__module__.removeprefix('labhelpers.')}.{fn.__qualname__}"
        mapped = _mapper(fn, names) if names else None

        @functools.wraps(fn)
        def step(*args: Any, **kwargs: Any) -> Any:
            if validate is not None:
                validate(*args, **kwargs)
            if replaying():
                return player.replay(fn, args, kwargs)
            with plugins.around(plugins.Call(name, fn, args, kwargs)) as call:
                try:
                    given_args, given_kwargs = call.args, call.kwargs
                    if mapped is not None:
                        given_args, given_kwargs = mapped(given_args, given_kwargs)
                    call.value = fn(*given_args, **given_kwargs)
                except LabError as exc:
                    call.error = exc
                    raise
                except Exception as exc:
                    if is_sdk_error(exc):
                        call.error = translate(exc, action)
                        raise call.error from exc
                    raise
                call.returned = True
            return call.value

        step.engine_action = action  # type: ignore[attr-defined]
        return step  # type: ignore[return-value]

    return wrap
