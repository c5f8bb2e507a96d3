"""labhelpers: the helpers behind the Docker storage course notebooks.

In a notebook: `import labhelpers as lh`, then `lh.start_lesson("01-image-layers")`. Each lesson's
helpers are one attribute away (`lh.layers`, `lh.writable`, ...); the names every notebook may
use are listed in docs/notebook-api.md (generated from `__all__`, checked by a test).

Every helper that touches the Engine shows the `docker ...` command it stands for, labels what it
creates, refuses names that belong to the learner, and returns plain frozen dataclasses with units
in their field names. Errors all derive from `LabError` (the tree: `labhelpers.core.errors`).

The package's layers (CONTRIBUTING.md draws them): `core` (errors, units, labels, results),
`replay` (modes, recording, replaying), `engine` (the only importer of the Docker SDK), `views`
and `widgets` (never reach the Engine), `teaching` (checks, quizzes, solutions), `lessons`
(one package per notebook). Heavy modules (the SDK, matplotlib, ipywidgets) load on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from .core.commands import echo_commands
from .core.errors import (
    BadInput,
    BuildFailed,
    CommandFailed,
    DockerUnavailable,
    EngineError,
    LabError,
    NameClash,
    NotEnoughSpace,
    NotRecorded,
    StaleRecording,
)
from .core.units import MIB, si, si_exact

__version__ = "0.3.0"

# Lessons, by the attribute a notebook uses: `lh.writable.start_containers()`.
LESSONS = {
    "setup": "00-check-your-lab",
    "layers": "01-image-layers",
    "writable": "02-writable-layer",
    "lifecycle": "03-stop-start-remove",
    "drivers": "04-storage-and-volume-drivers",
    "named_volumes": "05-named-volume",
    "mounts": "06-volume-vs-bind-vs-tmpfs",
    "sharing": "07-sharing-data",
    "cleanup": "99-clean-up",
}

# The helpers every lesson shares: public name -> module that defines it (imported on first use).
_LAZY = {
    "start_lesson": ".notebook",
    "check": ".doctor",
    "quiz": ".notebook",
    "Question": ".teaching.questions",
    "show_solution": ".notebook",
    "write_twin": ".notebook",
    "write_lesson_files": ".lesson_app",
    "ensure_lesson_image": ".engine.builds",
    "run_container": ".engine.containers",
    "exec_in": ".engine.containers",
    "write_data": ".engine.containers",
    "read_file": ".engine.containers",
    "stop_container": ".engine.containers",
    "start_container": ".engine.containers",
    "restart_container": ".engine.containers",
    "remove_container": ".engine.containers",
    "volume_mount": ".engine.mounts",
    "bind_mount": ".engine.mounts",
    "tmpfs_mount": ".engine.mounts",
    "anonymous_volume": ".engine.mounts",
    "create_volume": ".engine.volumes",
    "inspect_volume": ".engine.volumes",
    "remove_volume": ".engine.volumes",
}

__all__ = [
    "LESSONS",
    "MIB",
    "BadInput",
    "BuildFailed",
    "CommandFailed",
    "DockerUnavailable",
    "EngineError",
    "LabError",
    "NameClash",
    "NotEnoughSpace",
    "NotRecorded",
    "Question",
    "StaleRecording",
    "anonymous_volume",
    "bind_mount",
    "check",
    "create_volume",
    "echo_commands",
    "ensure_lesson_image",
    "exec_in",
    "inspect_volume",
    "quiz",
    "read_file",
    "remove_container",
    "remove_volume",
    "restart_container",
    "run_container",
    "show_solution",
    "si",
    "si_exact",
    "start_container",
    "start_lesson",
    "stop_container",
    "tmpfs_mount",
    "volume_mount",
    "write_data",
    "write_lesson_files",
    "write_twin",
    *LESSONS,
]


def __getattr__(name: str) -> Any:
    """Load shared helpers and lesson packages (`lh.layers`, ...) on first use."""
    if name in LESSONS:
        value = importlib.import_module(f".lessons.{name}", __name__)
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    else:
        raise AttributeError(f"module 'labhelpers' has no attribute '{name}'")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
