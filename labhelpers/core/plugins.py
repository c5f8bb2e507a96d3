"""Plugins: code outside the package that a live run asks for by module name.

LABHELPERS_PLUGINS=NAME,NAME (modules, e.g. the checkout's `tools.recorder`, found through
PYTHONPATH) are imported when a live lesson starts or a live step runs, once each; each calls
`register` at import. The package only calls the hooks and knows nothing of what they do:

    around(call)       a context manager around each live step or exercise check (`Call`): it
                       may replace call.args/kwargs; call.returned/value/error tell the outcome
    started(nb, meta)  `lh.start_lesson` began a live notebook (`meta()`: the Engine's facts)
    event(name, ...)   the Engine layer made or removed something (`notify`): "container-created"
                       (the SDK's container, role, command), "created" (kind, command, name,
                       labels or a function that reads them), "removed" (kind, name, labels)

Unset, a step pays one environment lookup.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import os
from collections.abc import Callable, Iterator
from typing import Any

from .errors import LabError

__all__ = ["PLUGINS_SETTING", "Call", "around", "notify", "register", "started"]

PLUGINS_SETTING = "LABHELPERS_PLUGINS"
_hooks: dict[str, list[Callable]] = {"around": [], "started": [], "event": []}
_loaded: set[str] = set()


@dataclasses.dataclass
class Call:
    """One live step ("step") or exercise check ("check"), as the `around` hooks see it."""

    name: str
    fn: Callable
    args: tuple
    kwargs: dict
    kind: str = "step"
    returned: bool = False
    value: Any = None
    error: LabError | None = None


def register(around=None, started=None, event=None) -> None:
    """Called by a plugin at import: the hooks it provides."""
    for kind, hook in (("around", around), ("started", started), ("event", event)):
        if hook is not None and hook not in _hooks[kind]:
            _hooks[kind].append(hook)


def _load() -> None:
    for name in filter(None, (n.strip() for n in os.environ.get(PLUGINS_SETTING, "").split(","))):
        if name in _loaded:
            continue
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            raise LabError(
                f"Could not load the plugin '{name}' that {PLUGINS_SETTING} names.",
                f"no module '{exc.name}' can be imported here: the plugins in tools/ come with the "
                "course's checkout, not with the installed package.",
                f"set PYTHONPATH to the checkout's folder, or correct {PLUGINS_SETTING} (module "
                "names, comma-separated; CONTRIBUTING.md lists them), or unset it.",
            ) from exc
        _loaded.add(name)


@contextlib.contextmanager
def around(call: Call) -> Iterator[Call]:
    """Run the body inside every plugin's `around` hook (the first registered outermost)."""
    _load()
    with contextlib.ExitStack() as stack:
        for hook in _hooks["around"]:
            stack.enter_context(hook(call))
        yield call


def started(notebook: str, meta: Callable[[], dict]) -> None:
    _load()
    for hook in _hooks["started"]:
        hook(notebook, meta)


def notify(name: str, *args: Any, **facts: Any) -> None:
    _load()
    for hook in _hooks["event"]:
        hook(name, *args, **facts)
