"""Lab sessions: one per kernel (process), what each made, and whether it is still alive.

Two kernels of the same learner running the course at once on one Engine are two sessions:
neither may replace or measure what the other holds. A session whose kernel has ended is stale:
what it left is the lab's to replace or clean up.

Each session keeps a small record in the lab's state folder (LABHELPERS_STATE_DIR, by default
~/.local/state/labhelpers): which process it is, on which machine, and the ids of what it made
(containers, images; names of volumes). A resource belongs to the session whose record names it.
The same folder keeps the course's choice of names per Engine (`labhelpers.engine.names`). Every
file is written whole (a temporary file, then a rename), so an interrupted write leaves the old
file or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
import time
import uuid
from pathlib import Path

__all__ = [
    "SESSION_ID",
    "STATE_SETTING",
    "built_images",
    "forget",
    "held_by",
    "is_live",
    "made_by_session",
    "note_made",
    "read_json",
    "register",
    "state_dir",
    "write_json",
]

STATE_SETTING = "LABHELPERS_STATE_DIR"
SESSION_ID = os.environ.get("LABHELPERS_SESSION") or uuid.uuid4().hex[:12]
THIS = "this session"
LIVE = "another live session"
STALE = "a stale session"


def state_dir() -> Path:
    """Where the lab keeps what outlives a kernel: sessions and the course's names."""
    configured = os.environ.get(STATE_SETTING)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "state"
    )
    return Path(base) / "labhelpers"


def write_json(path: Path, data: object) -> bool:
    """Write DATA to PATH as JSON, whole or not at all; False when the folder is not writable."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, scratch = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w") as out:
            json.dump(data, out, indent=1)
        os.replace(scratch, path)
        return True
    except OSError:
        return False


def read_json(path: Path, default: object) -> object:
    """PATH's JSON, or DEFAULT when it is missing or unreadable (it is then written anew)."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return default


def _path(session: str) -> Path:
    return state_dir() / "sessions" / f"{session}.json"


_mine: dict = {}  # this session's record, as last written


def _record() -> dict:
    if not _mine or _mine.get("_dir") != str(state_dir()):
        _mine.clear()
        _mine.update(
            {
                "_dir": str(state_dir()),
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "started": time.time(),
                "made": {},
            }
        )
    return _mine


def _save() -> None:
    write_json(_path(SESSION_ID), {k: v for k, v in _record().items() if k != "_dir"})


def note_made(kind: str, ident: str) -> None:
    """Record that this session made KIND `ident` (a container or image id, a volume's name)."""
    record = _record()
    made = record["made"].setdefault(kind, [])
    if ident and ident not in made:
        made.append(ident)
        _save()


def register() -> None:
    """Say that this session is alive (written once; `note_made` keeps it up to date)."""
    if not _path(SESSION_ID).exists():
        _save()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except PermissionError:
        return True  # it exists, as another account's process
    except OSError:  # ProcessLookupError: it has ended
        return False
    return True


# Every record read, by path: (its file's inode, mtime and size, its content). A record is only
# ever replaced whole (`write_json`: a new file renamed over it, so a new inode), and the records
# of ended kernels, most of them, never change again: a learner's folder holds one per kernel
# they ever started, and a notebook asks several times (hundreds of files each time, on a
# machine that runs the tests). Read again: a file that changed, and one changed in the last
# RACY_S seconds (a second write within the file system's timestamp granularity could leave all
# three as they were).
_read: dict[str, tuple[tuple, object]] = {}
RACY_S = 2.0


def _sessions() -> dict[str, dict]:
    folder = state_dir() / "sessions"
    found = {}
    try:
        entries = [e for e in os.scandir(folder) if e.name.endswith(".json") and e.name[0] != "."]
    except OSError:  # no folder yet
        return found
    now = time.time()
    for entry in entries:
        try:
            info = entry.stat()
        except OSError:  # removed meanwhile
            continue
        stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
        known = _read.get(entry.path)
        if known is not None and known[0] == stamp:
            data = known[1]
        else:
            data = read_json(Path(entry.path), None)
            if now - info.st_mtime > RACY_S:
                _read[entry.path] = (stamp, data)
        if isinstance(data, dict):
            found[entry.name.removesuffix(".json")] = data
    return found


def is_live(session: str) -> bool:
    """True for this session, or another whose process still runs on this machine."""
    if session == SESSION_ID:
        return True
    data = read_json(_path(session), None)
    if not isinstance(data, dict) or data.get("host") != socket.gethostname():
        return False
    return _alive(int(data.get("pid") or 0))


def _matches(ident: str, made: list) -> bool:
    short = ident.split(":")[-1][:12]
    return any(m.split(":")[-1][:12] == short or m == ident for m in made)


def made_by_session(kind: str, ident: str) -> str:
    """Which session made KIND `ident`: its id, or "" when no record of this account names it."""
    if _matches(ident, _record()["made"].get(kind, [])):
        return SESSION_ID
    for session, data in _sessions().items():
        if session != SESSION_ID and _matches(ident, (data.get("made") or {}).get(kind, [])):
            return session
    return ""


def held_by(kind: str, ident: str) -> str:
    """Whose a resource of the lab's (made by this account) is: "this session", "another live
    session" or "a stale session" (its kernel has ended, or no record names it)."""
    session = made_by_session(kind, ident)
    if session == SESSION_ID:
        return THIS
    return LIVE if session and is_live(session) else STALE


def built_images() -> frozenset:
    """The ids of every image a session of this account recorded building."""
    ids = set(_record()["made"].get("image", []))
    for data in _sessions().values():
        ids.update((data.get("made") or {}).get("image", []))
    return frozenset(ids)


def forget(kind: str, ident: str) -> None:
    """Drop `ident` from this session's record (it was removed)."""
    made = _record()["made"].get(kind, [])
    if ident in made:
        made.remove(ident)
        _save()
