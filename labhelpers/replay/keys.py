"""How a recorded call is found again: by the notebook, the code cell it ran in (a hash of the
cell's code) and how many times that cell had run, then by helper and arguments (machine-specific
paths normalised) and its order among equal calls in that cell.

So the same `container_sizes()` gives what it gave at that point of the notebook, and re-running a
cell gives the same answer again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.commands import ipython
from .state import state

__all__ = [
    "bind",
    "call_args",
    "cell_hash",
    "helper_name",
    "install_hook",
    "is_callback",
    "key_of",
    "normalise",
    "normalise_path",
    "show_call",
    "track_cells",
]


def cell_hash(source: str) -> str:
    """A code cell's identity: its code without blank lines, comments and trailing spaces."""
    lines = [line.rstrip() for line in source.splitlines()]
    code = "\n".join(line for line in lines if line.strip() and not line.lstrip().startswith("#"))
    return hashlib.sha1(code.encode()).hexdigest()[:12]


def cell_head(source: str) -> str:
    lines = [line.strip() for line in source.splitlines()]
    code = [line for line in lines if line and not line.startswith("#")]
    return (code[0] if code else "")[:80]


def _on_pre_run_cell(info: Any) -> None:
    source = getattr(info, "raw_cell", "") or ""
    state.cell = cell_hash(source)
    state.runs[state.cell] += 1
    state.run = state.runs[state.cell]
    state.used = Counter()
    state.heads.setdefault(state.cell, cell_head(source))
    state.printed, state.bannered = False, False


def install_hook(hook: str, install: Callable[[Any], None]) -> None:
    """Run `install(shell)` once per process, when IPython runs this."""
    shell = ipython()
    if shell is not None and hook not in state.hooks:
        install(shell)
        state.hooks.add(hook)


def track_cells() -> None:
    """Follow which cell runs (IPython's pre_run_cell event)."""
    install_hook("cells", lambda shell: shell.events.register("pre_run_cell", _on_pre_run_cell))


_RANDOM_TMP = re.compile(r"^(<tmp>)/[^/]+")


def _path_prefixes() -> list[tuple[str, str]]:
    places = [
        (state.cwd or os.getcwd(), "<notebooks>"),
        (str(Path(__file__).resolve().parents[1]), "<labhelpers>"),
        (tempfile.gettempdir(), "<tmp>"),
        ("/tmp", "<tmp>"),
        (os.path.expanduser("~"), "~"),
    ]
    return sorted(((p.rstrip("/") or "/", name) for p, name in places), key=lambda x: -len(x[0]))


def normalise_path(text: str) -> str:
    """Host paths differ between machines: `/home/me/course/notebooks/my-app` and
    `/tmp/tmpab12cd34/my-app` become `<notebooks>/my-app` and `<tmp>/*/my-app`. Paths inside
    containers (`/app/data.bin`, even `/tmp/x` when no such host path exists) stay as they are."""
    if not text.startswith(("/", "~")) or "\n" in text:
        return text
    for prefix, name in _path_prefixes():
        if text == prefix or text.startswith(prefix + "/"):
            if name == "<tmp>":
                if not os.path.exists(text):
                    return text  # a path inside a container, not on this machine
                return _RANDOM_TMP.sub(r"\1/*", name + text[len(prefix) :])
            return name + text[len(prefix) :]
    return text


def is_callback(value: Any) -> bool:
    return callable(value) and not isinstance(value, type) and not dataclasses.is_dataclass(value)


def normalise(value: Any) -> Any:
    """An argument as it goes into a key: JSON-ready, paths normalised, callbacks anonymous."""
    if isinstance(value, str):
        return normalise_path(value)
    if isinstance(value, os.PathLike):
        return normalise_path(os.fspath(value))
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: normalise(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"__result__": type(value).__name__, **fields}
    if isinstance(value, (tuple, list)):
        return [normalise(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((normalise(v) for v in value), key=repr)
    if isinstance(value, dict):
        return {str(k): normalise(v) for k, v in value.items()}
    if is_callback(value):
        return "<callback>"
    return f"<{type(value).__name__}>"


def helper_name(fn: Callable) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def bind(fn: Callable, args: tuple, kwargs: dict) -> inspect.BoundArguments | None:
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    return bound


def call_args(fn: Callable, args: tuple, kwargs: dict) -> dict:
    """The call's arguments by name, defaults filled in, normalised."""
    bound = bind(fn, args, kwargs)
    if bound is None:
        return {"args": normalise(args), "kwargs": normalise(kwargs)}
    bound.apply_defaults()
    return {name: normalise(value) for name, value in bound.arguments.items()}


def key_of(helper: str, args: dict) -> str:
    return helper + json.dumps(args, sort_keys=True)


def show_call(helper: str, args: dict) -> str:
    shown = ", ".join(f"{k}={v!r}" for k, v in args.items() if v != "<callback>")
    return f"{helper.removeprefix('labhelpers.')}({shown})"
