"""`python -m labhelpers lab` (what `make lab` runs): check the Engine, then open JupyterLab on
the first notebook, the same way on Linux, macOS and Windows.

`settings()` writes JupyterLab's settings overrides for this Python environment: the "news"
prompt JupyterLab 4 shows every new user is off (a learner's first screen is the course, and on
Binder nobody can answer it for good). Binder's postBuild writes the same file.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from .core.platforms import on_wsl

__all__ = ["OVERRIDES", "WSL_BROWSER", "main", "overrides_path", "settings"]

ROOT = Path(__file__).resolve().parents[1]
FIRST = "00-check-your-lab.ipynb"
OVERRIDES = {
    # JupyterLab 4's news and update checks: no prompt on first start, nothing fetched
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}

# JupyterLab in WSL starts no Windows browser, and says nothing about it: the learner waits.
WSL_BROWSER = (
    "WSL: JupyterLab cannot open your Windows browser by itself. Open the address it prints\n"
    "below, http://127.0.0.1:8888/lab?token=..., in your Windows browser (WSL forwards the port)."
)


def overrides_path(prefix: str | os.PathLike = sys.prefix) -> Path:
    """Where JupyterLab reads settings overrides for the environment at PREFIX."""
    return Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def settings(prefix: str | os.PathLike = sys.prefix) -> Path:
    """Merge OVERRIDES into the environment's overrides.json (other settings kept)."""
    path = overrides_path(prefix)
    current = json.loads(path.read_text()) if path.is_file() else {}
    for plugin, values in OVERRIDES.items():
        current.setdefault(plugin, {}).update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current, indent=2) + "\n")
    return path


def main(extra: list[str] | None = None, settings_only: bool = False) -> int:
    """Write the settings, run the doctor (its report only informs), then start JupyterLab in
    the notebooks' folder. Returns JupyterLab's exit status."""
    import subprocess

    settings()
    if settings_only:
        return 0
    doctor = subprocess.run([sys.executable, "-m", "labhelpers", "doctor"])
    if doctor.returncode != 0:
        print("(the notebooks will say what is missing)")
    if on_wsl():
        print(WSL_BROWSER)
    argv = [sys.executable, "-m", "jupyter", "lab", FIRST, *(extra or [])]
    if hasattr(os, "getuid") and os.getuid() == 0 and "--allow-root" not in argv:
        argv.append("--allow-root")  # JupyterLab refuses root unless told (containers, VMs)
    return subprocess.run(argv, cwd=ROOT / "notebooks").returncode
