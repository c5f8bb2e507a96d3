"""How long each Engine step took, for the benchmark (`python -m tools.bench`): a plugin.

With LABHELPERS_PLUGINS=tools.timing (the checkout on PYTHONPATH) and LABHELPERS_STEP_TIMES=FILE
set, every `@engine_step` call appends one JSON line to FILE when it ends:
`{"step": "module.function", "seconds": 0.123, "depth": 0}`. `depth` 0 is an outermost step
(what a notebook cell called); a step called inside another has depth 1, 2, ... so the outermost
lines add up to the time a run spent in the helpers without counting anything twice. The line is
written also when the step raises: a failed step took time too. Exercise checks are not timed.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Iterator

from labhelpers.core import plugins

__all__ = ["STEP_TIMES_SETTING", "timed"]

STEP_TIMES_SETTING = "LABHELPERS_STEP_TIMES"
_nesting = threading.local()


@contextlib.contextmanager
def timed(call: plugins.Call) -> Iterator[None]:
    """Around one live step: time it, if asked (LABHELPERS_STEP_TIMES)."""
    where = os.environ.get(STEP_TIMES_SETTING, "")
    if not where or call.kind != "step":
        yield
        return
    depth = getattr(_nesting, "depth", 0)
    _nesting.depth = depth + 1
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - started
        _nesting.depth = depth
        line = json.dumps({"step": call.name, "seconds": round(seconds, 6), "depth": depth})
        with open(where, "a") as out:  # one short write per line: parallel kernels stay whole
            out.write(line + "\n")


plugins.register(around=timed)
