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


OUTPUTS_SETTING = "LABHELPERS_OUTPUTS_DIR"


def pytest_runtest_makereport(item, call) -> None:
    """With LABHELPERS_OUTPUTS_DIR=DIR, each notebook cell nbval ran leaves the outputs it made
    in DIR/<notebook>.jsonl, one line a cell: the pipeline's one live run per Engine feeds the
    checks that read what the learner saw (tools/owned.py) from them, instead of running the
    course again."""
    where = os.environ.get(OUTPUTS_SETTING)
    outputs = getattr(item, "test_outputs", None)
    if not where or call.when != "call" or outputs is None:
        return
    import json
    from pathlib import Path

    folder = Path(where)
    folder.mkdir(parents=True, exist_ok=True)
    line = {"cell": getattr(item, "cell_num", None), "outputs": outputs}
    with open(folder / f"{Path(str(item.path)).stem}.jsonl", "a") as log:
        log.write(json.dumps(line, default=dict) + "\n")
