"""Lab sessions: one per kernel (process), and whether another one is still alive.

Every resource the lab creates carries its session's id (a label). Two kernels running the same
notebook at once are two sessions: neither may remove or measure the other's containers. A
session whose kernel has ended is stale: what it left is the lab's to replace or clean up.

Each session leaves a small file in the lab's state folder (LABHELPERS_STATE_DIR, by default
~/.local/state/labhelpers) saying which process it is; a session is alive while that process
runs on this machine. The same folder keeps the course's choice of names per Engine
(`labhelpers.engine.names`).
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

from .labels import SESSION_ID

__all__ = ["STATE_SETTING", "held_by", "is_live", "register", "state_dir"]

STATE_SETTING = "LABHELPERS_STATE_DIR"
_registered: dict[str, bool] = {}


def state_dir() -> Path:
    """Where the lab keeps what outlives a kernel: sessions and the course's names."""
    configured = os.environ.get(STATE_SETTING)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "state"
    )
    return Path(base) / "labhelpers"


def _path(session: str) -> Path:
    return state_dir() / "sessions" / f"{session}.json"


def register() -> None:
    """Say that this session (process) is alive (once per process; cheap after that)."""
    if _registered.get(SESSION_ID):
        return
    path = _path(SESSION_ID)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mine = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}
        path.write_text(json.dumps(mine))
    except OSError:
        return  # a read-only home: liveness then falls back to "not known to be alive"
    _registered[SESSION_ID] = True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, as another user's process
    except OSError:
        return False
    return True


def is_live(session: str) -> bool:
    """True when `session` is this one, or another whose process still runs on this machine.

    A session with no file here (made on another machine, or its file removed) counts as stale:
    the lab may replace what it left, never what a live session holds."""
    if not session:
        return False
    base = session.removesuffix("-shared")
    if base == SESSION_ID:
        return True
    try:
        info = json.loads(_path(base).read_text())
    except (OSError, ValueError):
        return False
    if info.get("host") != socket.gethostname():
        return False
    return _alive(int(info.get("pid") or 0))


def held_by(labels: dict | None) -> str:
    """Whose a lab resource is, by its session label: "this session", "another live session" or
    "a stale session" (its kernel has ended)."""
    from .labels import SESSION

    owner = (labels or {}).get(SESSION, "")
    if owner.removesuffix("-shared") == SESSION_ID:
        return "this session"
    return "another live session" if is_live(owner) else "a stale session"
