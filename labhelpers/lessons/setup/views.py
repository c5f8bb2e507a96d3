"""Notebook 00's tables: the doctor's facts beside the `docker info` commands that print them,
and the stop sign when something blocks the course. (What each line means where the Engine runs
is the doctor's own wording: `labhelpers.doctor`.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.errors import BadInput, LabError
from ...core.table import Table

if TYPE_CHECKING:
    from ...doctor import Report

__all__ = ["Sentence", "facts_table", "require_ready"]


class Sentence(str):
    """A sentence that a notebook shows as itself, not as a quoted Python string."""

    def __repr__(self) -> str:
        return str(self)


# What facts_table can show: the fact, and the `docker info` command that prints it.
_FACT_COMMANDS = {
    "platform_kind": "the doctor's reading of `docker info`",
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
        unchecked = [(name, "not checked: no Engine answered") for name in names]
        return Table(["fact", "yours"], unchecked)
    rows = []
    for name in names:
        command = _FACT_COMMANDS[name]
        if name == "driver_status":
            rows += [(f"Storage Driver: {k}", v, command) for k, v in facts.driver_status]
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
