"""Where the lab's own Python runs, when that changes a learner's advice: WSL.

Inside WSL, `platform.system()` says "Linux", yet the Engine is Docker Desktop's on Windows and
the browser is Windows' own: advice about starting a daemon or opening a browser must differ.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["on_wsl", "wsl_distribution"]

# The kernel's release and banner: WSL's kernels name Microsoft ("6.6.87.2-microsoft-standard-WSL2";
# WSL 1: "4.4.0-19041-Microsoft").
KERNEL_FILES = ("/proc/sys/kernel/osrelease", "/proc/version")


def on_wsl() -> bool:
    """True inside a WSL distribution (1 or 2): WSL_DISTRO_NAME is set, or the kernel says so."""
    if os.environ.get("WSL_DISTRO_NAME"):
        return True
    for path in KERNEL_FILES:
        try:
            text = Path(path).read_text(errors="replace").lower()
        except OSError:
            continue
        if "microsoft" in text or "wsl" in text:
            return True
    return False


def wsl_distribution() -> str:
    """This distribution's name as Docker Desktop's WSL integration lists it ("Ubuntu-22.04"),
    or "your distribution" when WSL did not say."""
    name = os.environ.get("WSL_DISTRO_NAME", "").strip()
    return f"'{name}'" if name else "your distribution"
