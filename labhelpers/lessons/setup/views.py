"""Notebook 00's words and tables: what each line of the doctor's report means on this learner's
platform, and what each directory of the data root holds.

The explanations depend on what the doctor found (native Linux, a Docker Desktop VM, or an Engine
that runs elsewhere; the storage driver and image store; the builder `docker build` uses; whether
the Engine sees this notebook's folder), so a learner on macOS reads about a VM, one on Linux
about their own disk, and one whose Engine runs in a container about reaching it through
containers.
"""

from __future__ import annotations

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


def _where(facts: EngineFacts, elsewhere: bool) -> str:
    if facts.platform_kind == "native-linux" and elsewhere:
        return (
            "on Linux, but not on this machine as this notebook sees it: in a container "
            "(Docker-in-Docker), a VM or on another host (DOCKER_HOST)"
        )
    return {
        "native-linux": "directly on this Linux machine's kernel, with no VM in between",
        "docker-desktop": "inside the small Linux VM that Docker Desktop starts (the Apple "
        "Virtualization framework on macOS; WSL 2 or Hyper-V on Windows)",
        "wsl2": "inside the WSL 2 Linux VM that Windows runs",
        "rootless": "on this Linux machine, as your own user (rootless mode)",
    }.get(facts.platform_kind, "somewhere the doctor could not tell")


def _builder(builder: Any) -> str:
    if builder is None:
        return "Not checked: no Engine answered."
    if builder.name == "buildkit":
        return (
            f"`docker build` in your terminal uses BuildKit ({builder.reason}), and so does the "
            "lab: it runs the same `docker build`. BuildKit keeps no image per build step, so "
            "`docker image history` shows `<missing>` rows; notebook 01 builds once more with "
            "the classic builder to compare."
        )
    return (
        f"`docker build` in your terminal uses the classic builder ({builder.reason}), and so "
        "does the lab. Current Docker builds with BuildKit (docker CLI 23 and newer with the "
        "buildx plugin, Docker Desktop); notebook 01 compares the two."
    )


def meaning(
    topic: str, facts: EngineFacts | None, locality: Any = None, builder: Any = None
) -> str:
    """What one line of the doctor's report means, on this learner's platform.

    `locality` is the doctor's `engine.Locality` (where the Engine's files are, whether it sees
    this notebook's folder) and `builder` its `engine.Builder`; None where they were not probed.
    """
    root = facts.docker_root_dir if facts else "/var/lib/docker"
    in_vm = facts is not None and facts.platform_kind in IN_A_VM
    elsewhere = locality is not None and locality.files_here is False
    fixed = {
        "Mode": "live: every figure in these notebooks is measured on your Engine as you run "
        "them. In replay mode (no Engine, e.g. on Binder) they show a recorded run instead.",
        "Python": "The Python that runs this notebook's kernel (labhelpers needs 3.10 or newer).",
        "Docker SDK for Python": "The library labhelpers uses to call the Engine's API, the same "
        "API the `docker` command calls.",
        "Docker Engine": "The daemon (dockerd) that answered. It builds images and runs "
        "containers; the `docker` CLI and this lab are both only its clients.",
        "Base image": "The image the lesson's Dockerfile starts FROM. Without a registry the lab "
        "uses an equivalent it built from Debian packages (`scripts/provision-engine`).",
        "Names": "The names the course gives what it makes. The lecture calls them my-image, "
        "my-vol, my-cont-1, ...; if some of those on your Engine are yours, the lab puts a prefix "
        "(lab-) before all of its names, for the whole course, and never touches yours (section "
        "4 shows the choice and how to change it).",
        "Free disk": f"Space left on the disk that holds {root}, measured with `df` in a "
        "container (so where the Engine runs). The lessons write a few hundred MB at most, and "
        "`make cleanup` gives it back.",
    }
    if topic in fixed:
        return fixed[topic]
    if topic == "Builder":
        return _builder(builder)
    if facts is None:
        return "Not checked: no Engine answered."
    if topic == "Platform":
        text = f"Your Engine runs {_where(facts, elsewhere)}."
        if in_vm:
            text += " Containers need a Linux kernel, which macOS and Windows do not have."
        elif elsewhere:
            text += (
                " Its files are where it runs: the lab reads them through helper containers, "
                "which run there too, never from this machine's disk."
            )
        return text
    if topic == "Data root":
        if in_vm:
            return (
                f"{root} is a directory on the VM's disk, not on your Mac or PC: Finder, Explorer "
                "and your terminal cannot `ls` it. Reach what is in it through docker itself "
                "(`docker volume inspect`, `docker run -v`, `docker cp`)."
            )
        if elsewhere:
            return (
                f"{root} is a directory where the Engine runs, not on this machine: `ls {root}` "
                "here shows this machine's own directory, or nothing. Reach it through docker "
                "(`docker run -v`, `docker cp`): section 2 lists it from a helper container."
            )
        return (
            f"{root} is a directory on this machine. Image layers, containers' writable layers "
            f"and volumes all live below it; only root may read it (`sudo ls {root}`)."
        )
    if topic == "Folders":
        if locality is None or locality.folders_shared is None:
            return "Not probed: bind mounts of this notebook's folders may or may not work."
        if locality.folders_shared:
            return (
                "The Engine sees this notebook's folder ($PWD) at the same path, so a bind mount "
                "of it (`docker run -v $PWD/data:/data`) shows your files in the container."
            )
        return (
            "The Engine cannot see this notebook's folder ($PWD): a bind mount of it would fail "
            "('bind source path does not exist') or show an empty directory. The notebooks show "
            "those commands instead of running them."
        )
    if topic == "Storage driver":
        if facts.containerd_snapshotter:
            return (
                f"With the containerd image store, `docker info` names containerd's snapshotter "
                f"({facts.storage_driver}) as the storage driver. It unpacks each image layer "
                "into a snapshot and stacks them, read-only, under one writable snapshot per "
                "container, with the kernel's OverlayFS as overlay2 does. Its files are in "
                f"{root}/containerd, not {root}/overlay2."
            )
        return (
            f"{facts.storage_driver} gives each container one filesystem made of the image's "
            "read-only layers stacked under a writable layer of its own. Its files are in "
            f"{root}/{facts.storage_driver}."
        )
    if topic == "Image store":
        if facts.containerd_snapshotter:
            return (
                "containerd keeps the images: each layer twice, as the compressed blob a "
                "registry serves (content) and unpacked as a snapshot. So `docker image ls` "
                "shows both added up, `docker image inspect` the compressed size, and `docker "
                "image history` the snapshots' disk use (whole blocks: an empty directory shows "
                "a few kB). Docker Desktop and fresh installs of Engine 29 use this store; "
                "the notebooks say where its figures differ from the classic store's."
            )
        return (
            f"The classic image store: the storage driver ({facts.storage_driver}) keeps each "
            f"layer once, unpacked, and {root}/image records which layers make up each image. "
            "`docker image ls`, `inspect` and `history` all count the same unpacked file bytes. "
            "Docker Desktop and fresh installs of Engine 29 use the containerd image store "
            "instead, which counts otherwise (notebook 01 shows how)."
        )
    if topic == "Volume drivers":
        drivers = ", ".join(facts.volume_drivers) or "none"
        return (
            f"Installed: {drivers}. `local` keeps each named volume in {root}/volumes/NAME/_data"
            + (" (inside the VM)" if in_vm else " (where the Engine runs)" if elsewhere else "")
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
                meaning(f.topic, report.facts, report.locality, report.builder)
                + (f" To do: {f.advice}" if not f.ok else ""),
            )
            for f in report.findings
        ],
    )


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
