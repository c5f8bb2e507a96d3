"""labhelpers: the helpers behind the Docker storage course notebooks.

In a notebook: `import labhelpers as lh`, then `lh.start_lesson("01-image-layers")`.

Every helper that touches the Engine shows the `docker ...` command it stands for, labels what it
creates, refuses names that belong to the learner, and returns plain frozen dataclasses with units
in their field names. Errors all derive from `LabError` (see `labhelpers._errors` for the tree).

Heavy modules (the Docker SDK, matplotlib, ipywidgets) load on first use, so importing is quick.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from ._display import Table, announce, cli, echo_commands
from ._errors import (
    BadInput,
    BuildFailed,
    CommandFailed,
    DockerUnavailable,
    EngineError,
    LabError,
    NameClash,
    NotEnoughSpace,
    NotRecorded,
)
from ._labels import MANAGED, NAMESPACE, SESSION_ID, lab_labels
from ._units import MIB, si, si_exact

__version__ = "0.1.0"

# public name -> module that defines it (imported on first access)
_LAZY = {
    "client": "_engine",
    "engine_available": "_engine",
    "check": "doctor",
    "engine_facts": "doctor",
    "Report": "doctor",
    "choose_base_image": "images",
    "write_lesson_files": "images",
    "build_image": "images",
    "image_info": "images",
    "ensure_lesson_image": "images",
    "OFFICIAL_BASE_IMAGE": "images",
    "OFFLINE_BASE_IMAGE": "images",
    "run_container": "containers",
    "exec_in": "containers",
    "write_data": "containers",
    "read_file": "containers",
    "free_bytes": "containers",
    "stop_container": "containers",
    "start_container": "containers",
    "restart_container": "containers",
    "remove_container": "containers",
    "container_sizes": "containers",
    "diff": "containers",
    "storage_layout": "containers",
    "volume_mount": "containers",
    "anonymous_volume": "containers",
    "bind_mount": "containers",
    "tmpfs_mount": "containers",
    "create_volume": "volumes",
    "inspect_volume": "volumes",
    "remove_volume": "volumes",
    "disk_usage": "system",
    "lab_resources": "system",
    "cleanup": "system",
    "quiz": "teaching",
    "Question": "teaching",
    "CheckResult": "teaching",
    "show_solution": "teaching",
}

__all__ = [
    "MANAGED",
    "MIB",
    "NAMESPACE",
    "OFFICIAL_BASE_IMAGE",
    "OFFLINE_BASE_IMAGE",
    "SESSION_ID",
    "BadInput",
    "BuildFailed",
    "CheckResult",
    "CommandFailed",
    "DockerUnavailable",
    "EngineError",
    "LabError",
    "NameClash",
    "NotEnoughSpace",
    "NotRecorded",
    "Question",
    "Report",
    "Table",
    "announce",
    "anonymous_volume",
    "bind_mount",
    "build_image",
    "check",
    "choose_base_image",
    "cleanup",
    "cli",
    "client",
    "container_sizes",
    "create_volume",
    "diff",
    "disk_usage",
    "echo_commands",
    "engine_available",
    "engine_facts",
    "ensure_lesson_image",
    "exec_in",
    "free_bytes",
    "image_info",
    "inspect_volume",
    "lab_labels",
    "lab_resources",
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
    "storage_layout",
    "tmpfs_mount",
    "volume_mount",
    "write_data",
    "write_lesson_files",
]


def __getattr__(name: str) -> Any:
    """Load public names, and lesson modules (`lh.layers`, `lh.teaching`, ...), on first use."""
    module = _LAZY.get(name)
    if module is None:
        if name.startswith("_") or importlib.util.find_spec(f"{__name__}.{name}") is None:
            raise AttributeError(f"module 'labhelpers' has no attribute '{name}'")
        value = importlib.import_module(f".{name}", __name__)
    else:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


def start_lesson(notebook: str) -> None:
    """Begin a notebook: label what it creates with `notebook`, and show lab errors as short
    messages instead of tracebacks. Prints the mode: live (which Engine answers, or why none does)
    or replay (a banner saying what was recorded, when, and how to get live results)."""
    from ._display import install_notebook_error_display
    from ._labels import set_notebook

    set_notebook(notebook)
    install_notebook_error_display()
    from ._engine import start

    start(notebook)
