"""nbval's replay pass (`make test`, LABHELPERS_MODE=replay): a cell whose output rightly differs
from the live run it was stored from (the doctor's mode line, say) carries the comment
`# REPLAY_IGNORE_OUTPUT`: it still runs, but its output is compared only in the live pass."""

from __future__ import annotations

import os

MARKER = "# REPLAY_IGNORE_OUTPUT"


def pytest_collection_modifyitems(items: list) -> None:
    if os.environ.get("LABHELPERS_MODE") != "replay":
        return
    for item in items:
        cell = getattr(item, "cell", None)
        if cell is not None and any(line.strip() == MARKER for line in cell.source.splitlines()):
            item.options["check"] = False
