"""Notebook 00's words and tables: what the doctor's lines that depend on where the Engine runs
mean on this learner's platform (a learner on macOS reads about a VM, one on Linux about their
own disk, one whose Engine runs in a container or on another host about reaching it through
containers), the facts beside the `docker info` commands that print them, and the stop sign
when something blocks the course."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ...core.errors import BadInput, LabError
from ...core.table import Table

if TYPE_CHECKING:
    from ...doctor import EngineFacts, Report

__all__ = [
    "IN_A_VM",
    "Sentence",
    "explain",
    "facts_table",
    "meaning",
    "require_ready",
]

IN_A_VM = ("docker-desktop", "wsl2")  # platform kinds whose Engine runs in a Linux VM
CLASSROOM_SETTING = "LABHELPERS_CLASSROOM"  # set by a classroom's hub: the Engine is the learner's

_PLATFORMS = {
    "native-linux": "directly on this Linux machine's kernel, with no VM in between",
    "docker-desktop": "in the Linux VM Docker Desktop starts (Apple's Virtualization framework "
    "on macOS; WSL 2 or Hyper-V on Windows)",
    "wsl2": "in the WSL 2 Linux VM that Windows runs",
    "rootless": "on this machine as your own user (rootless mode)",
    "in-a-container": "in a container of its own (Docker in Docker)",
    "remote": "on another host (DOCKER_HOST names it)",
}


def _platform(facts: EngineFacts) -> str:
    where = _PLATFORMS.get(facts.platform_kind, "where the doctor cannot tell")
    text = f"Your Engine runs {where}."
    classroom = os.environ.get(CLASSROOM_SETTING, "")
    if classroom:
        text += (
            f" In this classroom ({classroom}) it is your own Engine: nobody else's containers, "
            "volumes or images are in it, and yours are in nobody else's."
        )
    return text


def _data_root(facts: EngineFacts, locality: Any) -> str:
    root = facts.docker_root_dir
    if facts.platform_kind in IN_A_VM:
        return f"{root} is on the VM's disk: Finder, Explorer and your terminal cannot list it."
    if facts.platform_kind == "rootless":
        return f"{root} is in your home folder (~/.local/share/docker), yours to read."
    if locality is not None and locality.files_here:
        return f"{root} is on this machine's disk; only root may read it (`sudo ls {root}`)."
    return (
        f"{root} is where the Engine runs, not on this machine: `ls {root}` here shows another "
        "directory, or nothing. The lab reaches it through helper containers, which run there."
    )


def _folders(locality: Any) -> str:
    if locality is None or locality.folders_shared is None:
        return "Not probed: bind mounts of this folder may or may not work."
    if locality.folders_shared:
        return 'The Engine sees this folder: bind mounts of it (`-v "$PWD/data:/data"`) work.'
    return (
        "The Engine cannot see this folder, so bind mounts of it cannot work here: the notebooks "
        "show those commands without running them."
    )


def meaning(topic: str, facts: EngineFacts | None, locality: Any = None) -> str:
    """What one line of the doctor's report means on this learner's platform ("" for a line
    that means the same everywhere). `locality`: the doctor's `engine.Locality` (None: not
    probed)."""
    if facts is None:
        return "Not checked: no Engine answered."
    if topic == "Platform":
        return _platform(facts)
    if topic == "Data root":
        return _data_root(facts, locality)
    if topic == "Folders":
        return _folders(locality)
    return ""


def explain(report: Report, *topics: str) -> Table:
    """What the doctor's lines TOPICS (by default the three that depend on where the Engine
    runs: Platform, Data root, Folders) mean on this platform, and every line that is not OK
    with what to do."""
    wanted = topics or ("Platform", "Data root", "Folders")
    rows = []
    for f in report.findings:
        if f.topic in wanted or not f.ok:
            said = meaning(f.topic, report.facts, report.locality) or f.value
            todo = f" To do: {f.advice}" if not f.ok and f.advice else ""
            status = "OK" if f.ok else ("FAIL" if f.blocking else "WARN")
            rows.append((status, f.topic, said + todo))
    return Table(["", "check", "what it means here"], rows)


class Sentence(str):
    """A sentence that a notebook shows as itself, not as a quoted Python string."""

    def __repr__(self) -> str:
        return str(self)


# What facts_table can show: the fact, and the `docker info` command that prints it.
_FACT_COMMANDS = {
    "platform_kind": "the doctor's verdict, from `docker info` (Operating System, Kernel Version, "
    "Security Options)",
    "os_name": "docker info --format '{{.OperatingSystem}}'",
    "docker_root_dir": "docker info --format '{{.DockerRootDir}}'",
    "storage_driver": "docker info --format '{{.Driver}}'",
    "image_store": "docker info --format '{{json .DriverStatus}}' (containerd when it names "
    "io.containerd.snapshotter.v1)",
    "volume_drivers": "docker info --format '{{.Plugins.Volume}}'",
    "driver_status": "docker info --format '{{json .DriverStatus}}'",
}


def facts_table(report: Report, *names: str) -> Table:
    """The doctor's facts NAMES (fields of `report.facts`), each beside the `docker info` command
    that prints it; `driver_status` shows one row per line `docker info` prints under *Storage
    Driver*.

    Raises:
        BadInput: a name that is not one of the facts this table knows.
    """
    unknown = [name for name in names if name not in _FACT_COMMANDS]
    if unknown:
        raise BadInput(
            f"No fact called {', '.join(unknown)}.",
            f"the table knows {', '.join(_FACT_COMMANDS)}.",
            "pick from those.",
        )
    facts = report.facts
    if facts is None:
        return Table(
            ["fact", "yours"], [(name, "not checked: no Engine answered") for name in names]
        )
    rows = []
    for name in names:
        command = _FACT_COMMANDS[name]
        if name == "driver_status":
            rows += [
                (f"Storage Driver: {key}", value, command) for key, value in facts.driver_status
            ]
        elif name == "volume_drivers":
            rows.append((name, ", ".join(facts.volume_drivers) or "none", command))
        else:
            rows.append((name, getattr(facts, name), command))
    return Table(["fact", "yours", "where docker shows it"], rows)


def require_ready(report: Report) -> Sentence:
    """Stop here, with what to do, if the doctor found something that blocks the course.

    Returns:
        a sentence saying the machine is ready.

    Raises:
        LabError: a blocking finding; its message lists each with the doctor's advice.
    """
    blocking = [f for f in report.findings if f.blocking]
    if not blocking:
        return Sentence("Ready: nothing blocks the course on this machine.")
    raise LabError(
        "This machine is not ready for the course yet: "
        + "; ".join(f"{f.topic} ({f.value})" for f in blocking)
        + ".",
        " ".join(f.advice for f in blocking),
        "do that, then run this notebook again from the top (Run > Run All Cells).",
    )
