"""pytest's hooks for the notebooks (nbval). Kept here, beside the project's root, so the folder
a learner browses in JupyterLab holds only notebooks and their files.

In the replay pass (LABHELPERS_MODE=replay) a cell tagged `replay-ignore-output` still runs, but
its output is compared only in the live pass: what it shows rightly differs in a replay (the
doctor's mode line, say).
"""

from __future__ import annotations

import os

REPLAY_IGNORE_TAG = "replay-ignore-output"


def pytest_collection_modifyitems(items: list) -> None:
    if os.environ.get("LABHELPERS_MODE") != "replay":
        return
    for item in items:
        cell = getattr(item, "cell", None)
        if cell is not None and REPLAY_IGNORE_TAG in cell.get("metadata", {}).get("tags", ()):
            item.options["check"] = False
