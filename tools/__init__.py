"""Contributor and CI tooling: not part of the installed package (a learner's kernel never
imports it, unless a run asks for a plugin). Each module runs as `python -m tools.NAME` from the
checkout's root; nox's sessions (noxfile.py) call them.

    api         docs/notebook-api.md, the names notebooks use
    audit       the safety audit: its plugin writes what the lab made and removed, this checks it
    badges      the README's Binder and Codespaces badges
    bench       the course against its speed budgets (bench/results.json)
    beyond      the learner who goes beyond the notebooks: their work must survive the lab
    browser     the browser pass's page helpers and mouse scripts (Chromium via Playwright)
    catalogue   docs/bad-input.md, what the lab refuses and what it says
    drift       compares committed recordings with a fresh live run
    engines     the Engine matrix (LABHELPERS_ENGINES)
    kernels     nbclient for tools and tests, polling its sockets in 1-s slices
    lengths     each notebook's prose length
    lock        the dependency pins, written from pyproject.toml
    owned       the learner-owned scenario (plant, check, remove)
    pairs       the .md/.ipynb pairs (jupytext)
    record      refresh the stored outputs and the replay recordings from one live run
    recorder    plugin: records every helper call of a live run (LABHELPERS_RECORD_DIR)
    timing      plugin: each Engine step's time, for the benchmark (LABHELPERS_STEP_TIMES)

Plugins run inside a notebook's kernel (`labhelpers.core.plugins`): `plugin_env` gives what a
kernel needs to load them.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["plugin_env"]

ROOT = Path(__file__).resolve().parents[1]


def plugin_env(*plugins: str) -> dict[str, str]:
    """The settings that make a live kernel load PLUGINS ("tools.recorder", ...): their names in
    LABHELPERS_PLUGINS, and this checkout first on PYTHONPATH (a kernel starts in the notebook's
    folder, where `tools` is not found otherwise)."""
    path = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(ROOT)]
    return {
        "LABHELPERS_PLUGINS": ",".join(plugins),
        "PYTHONPATH": os.pathsep.join([str(ROOT), *path]),
    }
