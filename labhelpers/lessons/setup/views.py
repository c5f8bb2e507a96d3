"""Notebook 00's words and tables: what each line of the doctor's report means on this learner's
platform, and what each directory of the data root holds.

The explanations depend on what the doctor found (native Linux or a Docker Desktop VM, the storage
driver, the volume drivers), so a learner on macOS reads about a VM and one on Linux about their
own disk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.errors import LabError
from ...views import Table

if TYPE_CHECKING:
    from ...doctor import EngineFacts, Report
    from .results import DataRootListing

__all__ = [
    "DATA_ROOT_MEANINGS",
    "IN_A_VM",
    "data_root_table",
    "explain",
    "meaning",
    "require_ready",
]

IN_A_VM = ("docker-desktop", "wsl2")  # platform kinds whose Engine runs in a Linux VM


def _where(facts: EngineFacts) -> str:
    return {
        "native-linux": "directly on this Linux machine's kernel, with no VM in between",
        "docker-desktop": "inside the small Linux VM that Docker Desktop starts (the Apple "
        "Virtualization framework on macOS; WSL 2 or Hyper-V on Windows)",
        "wsl2": "inside the WSL 2 Linux VM that Windows runs",
        "rootless": "on this Linux machine, as your own user (rootless mode)",
    }.get(facts.platform_kind, "somewhere the doctor could not tell")


def meaning(topic: str, facts: EngineFacts | None) -> str:
    """What one line of the doctor's report means, on this learner's platform."""
    root = facts.docker_root_dir if facts else "/var/lib/docker"
    in_vm = facts is not None and facts.platform_kind in IN_A_VM
    fixed = {
        "Mode": "live: every figure in these notebooks is measured on your Engine as you run "
        "them. In replay mode (no Engine, e.g. on Binder) they show a recorded run instead.",
        "Python": "The Python that runs this notebook's kernel (labhelpers needs 3.10 or newer).",
        "Docker SDK for Python": "The library labhelpers uses to call the Engine's API, the same "
        "API the `docker` command calls.",
        "Docker Engine": "The daemon (dockerd) that answered. It builds images and runs "
        "containers; the `docker` CLI and this lab are both only its clients.",
        "Builder": "labhelpers builds images with the classic builder, the only one the Python "
        "SDK can drive. Notebook 01 shows how its `docker image history` differs from "
        "BuildKit's.",
        "Base image": "The image the lesson's Dockerfile starts FROM. Without a registry the lab "
        "uses an equivalent it built from Debian packages (`scripts/provision-engine`).",
        "Free disk": f"Space left on the disk that holds {root}. The lessons write a few hundred "
        "MB at most, and `make cleanup` gives it back.",
    }
    if topic in fixed:
        return fixed[topic]
    if facts is None:
        return "Not checked: no Engine answered."
    if topic == "Platform":
        text = f"Your Engine runs {_where(facts)}."
        if in_vm:
            text += " Containers need a Linux kernel, which macOS and Windows do not have."
        return text
    if topic == "Data root":
        if in_vm:
            return (
                f"{root} is a directory on the VM's disk, not on your Mac or PC: Finder, Explorer "
                "and your terminal cannot `ls` it. Reach what is in it through docker itself "
                "(`docker volume inspect`, `docker run -v`, `docker cp`)."
            )
        return (
            f"{root} is a directory on this machine. Image layers, containers' writable layers "
            f"and volumes all live below it; only root may read it (`sudo ls {root}`)."
        )
    if topic == "Storage driver":
        if facts.containerd_snapshotter:
            return (
                "containerd's snapshotter keeps images and writable layers (the containerd "
                "image store); it stacks read-only layers under a writable one too."
            )
        return (
            f"{facts.storage_driver} gives each container one filesystem made of the image's "
            "read-only layers stacked under a writable layer of its own. Its files are in "
            f"{root}/{facts.storage_driver}."
        )
    if topic == "Volume drivers":
        drivers = ", ".join(facts.volume_drivers) or "none"
        return (
            f"Installed: {drivers}. `local` keeps each named volume in {root}/volumes/NAME/_data"
            + (" (inside the VM)" if in_vm else "")
            + "; plugins can add network or cloud storage."
        )
    return ""


def explain(report: Report) -> Table:
    """The doctor's report, one line each, with what it means here (the values stay in the
    report above it, since versions and free space change from run to run)."""
    return Table(
        ["", "check", "what it means here"],
        [
            (
                "OK" if f.ok else ("FAIL" if f.blocking else "WARN"),
                f.topic,
                meaning(f.topic, report.facts) + (f" To do: {f.advice}" if not f.ok else ""),
            )
            for f in report.findings
        ],
    )


def require_ready(report: Report) -> str:
    """Stop here, with what to do, if the doctor found something that blocks the course.

    Returns:
        a sentence saying the machine is ready.

    Raises:
        LabError: a blocking finding; its message lists each with the doctor's advice.
    """
    blocking = [f for f in report.findings if f.blocking]
    if not blocking:
        return "Ready: nothing blocks the course on this machine."
    raise LabError(
        "This machine is not ready for the course yet: "
        + "; ".join(f"{f.topic} ({f.value})" for f in blocking)
        + ".",
        " ".join(f.advice for f in blocking),
        "do that, then run this notebook again from the top (Run > Run All Cells).",
    )


DATA_ROOT_MEANINGS = {
    "overlay2": "the storage driver's layers: one directory per image layer and per container's "
    "writable layer",
    "image": "the image store's records: which layers make up each image, and the tags",
    "containers": "each container's settings and log files (not its files: those are in the "
    "writable layer)",
    "volumes": "the `local` driver's volumes, one directory each (NAME/_data holds the data)",
    "buildkit": "BuildKit's state and build cache",
    "containerd": "state of the containerd daemon the Engine runs containers through",
    "network": "the networks' settings",
    "plugins": "installed plugins",
    "runtimes": "files of extra container runtimes",
    "swarm": "swarm mode's state (empty unless swarm is on)",
    "tmp": "scratch space the Engine uses while it works",
    "trust": "keys for signed images (Docker Content Trust)",
}


def data_root_table(listing: DataRootListing) -> Table:
    """The data root's directories with what each holds, or why they could not be listed."""
    if not listing.listed:
        return Table(["", ""], [("cannot list", listing.path), ("why", listing.reason)])
    return Table(
        ["directory", "what it holds"],
        [(name, DATA_ROOT_MEANINGS.get(name, "(not explained here)")) for name in listing.entries],
        caption=f"{listing.path} on this machine",
    )
