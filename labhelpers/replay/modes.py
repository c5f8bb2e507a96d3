"""The lab's modes: `live` talks to the Engine, `replay` answers every helper from a recording of a
real run, `auto` (the default) is live when an Engine answers, else replay. The setting is the
LABHELPERS_MODE environment variable; auto decides once per process.

Whether an Engine answers is asked through a probe the Engine layer registers (`set_probe`), so
this package never imports the Docker SDK.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import Any

from ..core.errors import DockerUnavailable, LabError

__all__ = [
    "MODE_SETTING",
    "active",
    "forced_replay_error",
    "mode",
    "reset",
    "set_probe",
    "setting",
    "why_replay",
]

MODE_SETTING = "LABHELPERS_MODE"
_auto: dict[str, Any] = {}  # the auto mode's verdict, decided once per process
_probe: list[Callable[[], None]] = []


def set_probe(probe: Callable[[], None]) -> None:
    """Register how to ask whether an Engine answers: `probe()` returns, or raises
    DockerUnavailable (labhelpers.engine.connection registers `client`)."""
    _probe[:] = [probe]


def setting() -> str:
    value = os.environ.get(MODE_SETTING, "auto").strip().lower() or "auto"
    if value not in ("live", "replay", "auto"):
        raise LabError(
            f"{MODE_SETTING}={value} is not a mode the lab knows.",
            "the modes are live (a Docker Engine), replay (recorded results) and auto.",
            f"set {MODE_SETTING} to live, replay or auto (or unset it).",
        )
    return value


def mode() -> str:
    """ "live" or "replay"; in auto mode, live when an Engine answers (asked once per process)."""
    chosen = setting()
    if chosen != "auto":
        return chosen
    if "mode" not in _auto:
        if not _probe:
            importlib.import_module("labhelpers.engine.connection")  # registers the probe
        try:
            _probe[0]()
            _auto["mode"] = "live"
        except DockerUnavailable as exc:
            _auto["mode"], _auto["reason"] = "replay", exc
    return _auto["mode"]


def active() -> bool:
    """True when helpers answer from recordings instead of the Engine."""
    return mode() == "replay"


def reason() -> LabError | None:
    """Why auto mode chose replay (the Engine's unavailable message), if it did."""
    return _auto.get("reason")


def forced_replay_error() -> DockerUnavailable | None:
    """What `client()` raises when replay is forced, so no live data mixes into a replay."""
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
    reason = _auto.get("reason")
    first = str(reason).splitlines()[0] if reason else "no Docker Engine answers"
    return first.rstrip(".")


def reset() -> None:
    """Forget the auto verdict (tests)."""
    _auto.clear()
