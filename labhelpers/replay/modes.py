"""The lab's modes: `live` talks to the Engine, `replay` answers every helper from a recording of a
real run, `auto` (the default) is live when an Engine answers, else replay. The setting is the
LABHELPERS_MODE environment variable.

This package never talks to the Engine: in auto mode the Engine layer asks whether one answers
(`labhelpers.engine.connection.mode`) and tells this module its verdict (`decide`), once per
process; everything here reads that verdict.
"""

from __future__ import annotations

import os

from ..core.errors import DockerUnavailable, LabError

__all__ = [
    "MODE_SETTING",
    "RECORD_SETTING",
    "active",
    "decide",
    "decided",
    "forced_replay_error",
    "mode",
    "reason",
    "recording",
    "reset",
    "setting",
    "why_replay",
]

MODE_SETTING = "LABHELPERS_MODE"
RECORD_SETTING = "LABHELPERS_RECORD_DIR"  # a live run records into this folder (tools.recorder)
_verdict: dict[str, object] = {}  # auto mode's verdict, decided once per process


def setting() -> str:
    value = os.environ.get(MODE_SETTING, "auto").strip().lower() or "auto"
    if value not in ("live", "replay", "auto"):
        raise LabError(
            f"{MODE_SETTING}={value} is not a mode the lab knows.",
            "the modes are live (a Docker Engine), replay (recorded results) and auto.",
            f"set {MODE_SETTING} to live, replay or auto (or unset it).",
        )
    return value


def recording() -> bool:
    """Is this live run being recorded (for replay)? What a recording shows may differ."""
    return bool(os.environ.get(RECORD_SETTING))


def decide(chosen: str, why: LabError | None = None) -> None:
    """Keep auto mode's verdict: "live" or "replay" (with the reason no Engine answered)."""
    _verdict["mode"], _verdict["reason"] = chosen, why


def decided() -> bool:
    return "mode" in _verdict


def mode() -> str:
    """ "live" or "replay". In auto mode, the Engine layer's verdict; before it has decided,
    "live" (nothing has been asked of an Engine yet, so nothing has been replayed either)."""
    chosen = setting()
    return chosen if chosen != "auto" else str(_verdict.get("mode", "live"))


def active() -> bool:
    """True when helpers answer from recordings instead of the Engine."""
    return mode() == "replay"


def reason() -> LabError | None:
    """Why auto mode chose replay (the Engine's unavailable message), if it did."""
    found = _verdict.get("reason")
    return found if isinstance(found, LabError) else None


def forced_replay_error() -> DockerUnavailable | None:
    """What the Engine layer raises when replay is forced, so no live data mixes into a replay."""
    if setting() != "replay":
        return None
    return DockerUnavailable(
        "The lab is in replay mode, so it does not talk to a Docker Engine.",
        f"{MODE_SETTING}=replay is set: helpers answer from a recording of a real run.",
        f"unset {MODE_SETTING} (or set it to live) on a machine with Docker, then restart "
        "the kernel.",
    )


def why_replay() -> str:
    if setting() == "replay":
        return f"{MODE_SETTING}=replay is set"
    found = reason()
    first = str(found).splitlines()[0] if found else "no Docker Engine answers"
    return first.rstrip(".")


def reset() -> None:
    """Forget the auto verdict (tests)."""
    _verdict.clear()
