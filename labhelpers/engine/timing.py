"""How long each Engine step took, for the benchmark (`python -m tools.bench`).

With LABHELPERS_STEP_TIMES=FILE set, every `@engine_step` call appends one JSON line to FILE when
it ends: `{"step": "module.function", "seconds": 0.123, "depth": 0}`. `depth` 0 is an outermost
step (what a notebook cell called); a step called inside another has depth 1, 2, ... so the
outermost lines add up to the time a run spent in the helpers without counting anything twice.
Off (the variable unset or empty), a step pays one environment lookup and nothing else.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Iterator

__all__ = ["STEP_TIMES_SETTING", "step_times_file", "timed"]

STEP_TIMES_SETTING = "LABHELPERS_STEP_TIMES"
_nesting = threading.local()


def step_times_file() -> str:
    """Where step times go ("" when nobody asked for them)."""
    return os.environ.get(STEP_TIMES_SETTING, "")


@contextlib.contextmanager
def timed(step: str, where: str) -> Iterator[None]:
    """Time the body as the step named `step`, appending its line to the file `where`.

    The line is written also when the step raises: a failed step took time too."""
    depth = getattr(_nesting, "depth", 0)
    _nesting.depth = depth + 1
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - started
        _nesting.depth = depth
        line = json.dumps({"step": step, "seconds": round(seconds, 6), "depth": depth})
        with open(where, "a") as out:  # one short write per line: parallel kernels stay whole
            out.write(line + "\n")
