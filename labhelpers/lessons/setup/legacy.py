"""Notebook 00: the doctor's findings in plain words, where the Engine keeps its data, and the
preparation the later notebooks need (base image, lesson files, the lesson's image).

The explanations depend on what the doctor found (native Linux or a Docker Desktop VM, the
storage driver, the volume drivers), so a learner on macOS reads about a VM and one on Linux
about their own disk.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ._display import Table, announce, cli
from ._errors import BuildFailed, LabError
from ._labels import MANAGED, is_lab_owned
from ._ownership import find_volume
from ._results import result
from .doctor import EngineFacts, Report, engine_facts
from .images import build_image, choose_base_image, image_info, write_lesson_files
from .teaching import CheckResult, exercise_check, not_yet, passed

_IN_A_VM = ("docker-desktop", "wsl2")


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
    in_vm = facts is not None and facts.platform_kind in _IN_A_VM
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


# --- what is in the data root ---------------------------------------------------------------

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


@result
class DataRootListing:
    """The directories in the Engine's data root, or why this notebook cannot list them."""

    path: str
    listed: bool
    entries: tuple
    reason: str

    def table(self) -> Table:
        if not self.listed:
            return Table(["", ""], [("cannot list", self.path), ("why", self.reason)])
        return Table(
            ["directory", "what it holds"],
            [(name, DATA_ROOT_MEANINGS.get(name, "(not explained here)")) for name in self.entries],
            caption=f"{self.path} on this machine",
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def list_data_root(facts: EngineFacts) -> DataRootListing:
    """`sudo ls DATA_ROOT`, where that can work: on a native Linux Engine, from this machine."""
    root = facts.docker_root_dir
    if facts.platform_kind in _IN_A_VM:
        return DataRootListing(
            root,
            False,
            (),
            "it is inside Docker Desktop's Linux VM, not on this computer's disk.",
        )
    announce(f"sudo ls {root}")
    try:
        names = sorted(os.listdir(root))
    except PermissionError:
        return DataRootListing(
            root,
            False,
            (),
            f"only root may read it: in a terminal, `sudo ls {root}` shows it.",
        )
    except FileNotFoundError:
        return DataRootListing(
            root,
            False,
            (),
            "the Engine runs on another machine (DOCKER_HOST), or in a VM or container this "
            "notebook does not run in.",
        )
    return DataRootListing(root, True, tuple(names), "")


# --- preparing the later notebooks ------------------------------------------------------------


@result
class PrepStep:
    """One thing the course needs, and whether it is in place."""

    name: str
    ok: bool
    detail: str
    todo: str = ""


@result
class Preparation:
    """What `prepare_lab` found and did; `ready` when every step is in place."""

    steps: tuple

    @property
    def ready(self) -> bool:
        return all(step.ok for step in self.steps)

    def table(self) -> Table:
        return Table(
            ["", "needed", "state", "what to do"],
            [("OK" if s.ok else "MISSING", s.name, s.detail, s.todo or "-") for s in self.steps],
        )

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def prepare_lab(
    context: str | os.PathLike = "my-app",
    tag: str = "my-image",
    on_progress: Callable[[int, str], None] | None = None,
    on_build_step: Callable[[int, int, str], None] | None = None,
) -> Preparation:
    """Get the base image, write the lesson's files into CONTEXT, and build TAG from them.

    `on_progress(done, text)` is called as each of the 3 parts starts and ends;
    `on_build_step(step, total, instruction)` during the build. Never raises for something
    missing: the returned steps say what is missing and what to do.
    """

    def tell(done: int, text: str) -> None:
        if on_progress:
            on_progress(done, text)

    steps = []
    tell(0, "choosing the base image")
    choice = choose_base_image(pull=True)
    steps.append(
        PrepStep(
            "base image",
            choice.present,
            f"{choice.image}: {choice.reason}",
            "" if choice.present else "run `sudo scripts/provision-engine`, then re-run this cell",
        )
    )
    tell(1, "writing the lesson's files")
    files = write_lesson_files(context)
    steps.append(
        PrepStep(
            "lesson files",
            True,
            ", ".join(str(Path(f)) for f in files) + " (yours to read and edit)",
        )
    )
    tell(2, f"building {tag}")
    if not choice.present:
        steps.append(
            PrepStep(tag, False, "not built: there is no base image", "get the base image first")
        )
        tell(3, "stopped: no base image")
        return Preparation(tuple(steps))
    try:
        build_image(context, tag, base_image=choice.image, on_progress=on_build_step)
    except BuildFailed as exc:
        steps.append(
            PrepStep(
                tag,
                False,
                f"the build failed at {exc.step or 'the start'}: {exc.why}",
                "if pip could not reach the package index, check this machine's network or "
                "proxy; otherwise fix the Dockerfile in "
                f"{context} (or delete it to get the lesson's own back) and re-run this cell",
            )
        )
        tell(3, "the build failed")
        return Preparation(tuple(steps))
    info = image_info(tag)
    steps.append(
        PrepStep(
            tag,
            True,
            f"built from {context}: {info.layer_count} layers, labelled as the lab's",
        )
    )
    tell(3, "done")
    return Preparation(tuple(steps))


def prepare_with_progress(context: str | os.PathLike = "my-app", tag: str = "my-image"):
    """`prepare_lab` with a progress bar for the 3 parts, and the build's step N of M."""
    from .teaching import Progress

    parts = Progress(3, "Preparing")
    current = {"text": ""}

    def on_progress(done: int, text: str) -> None:
        current["text"] = text
        parts.update(done, text)

    def on_build_step(step: int, total: int, instruction: str) -> None:
        parts.update(2, f"{current['text']}: step {step}/{total} {instruction[:40]}")

    return prepare_lab(context, tag, on_progress=on_progress, on_build_step=on_build_step)


# --- the exercise ---------------------------------------------------------------------------

VOLUME_NAME = "my-first-volume"
DRIVER_LABEL = "storage-driver"
_TITLE = "A volume of your own, labelled with your storage driver"


@exercise_check(_TITLE)
def check_first_volume(name: str = VOLUME_NAME) -> CheckResult:
    """Is there a volume NAME made by the `local` driver, carrying the lab's label and a
    `storage-driver` label that matches `docker info`?"""
    try:
        facts = engine_facts()
    except LabError as exc:
        return not_yet(_TITLE, "no Engine answers.", exc.todo)
    create = (
        f"docker volume create --driver local --label {MANAGED}=true "
        f"--label {DRIVER_LABEL}=<the driver docker info shows> {name}"
    )
    announce(cli("volume", "inspect", name))
    volume = find_volume(name)
    if volume is None:
        return not_yet(
            _TITLE,
            f"there is no volume '{name}' yet.",
            "read the storage driver with `docker info --format '{{.Driver}}'`, then " + create,
        )
    attrs = volume.attrs
    labels = attrs.get("Labels") or {}
    if not is_lab_owned(labels):
        return not_yet(
            _TITLE,
            f"'{name}' has no {MANAGED}=true label, so the lab's cleanup would leave it behind "
            "(labels cannot be added to a volume later).",
            f"remove it (`docker volume rm {name}`) and create it again: {create}",
        )
    if attrs.get("Driver") != "local":
        return not_yet(
            _TITLE,
            f"'{name}' was made by the '{attrs.get('Driver')}' driver, not 'local'.",
            f"remove it (`docker volume rm {name}`) and create it again: {create}",
        )
    said = labels.get(DRIVER_LABEL)
    if said != facts.storage_driver:
        found = f"says '{said}'" if said else "is missing"
        return not_yet(
            _TITLE,
            f"its {DRIVER_LABEL} label {found}; `docker info` says '{facts.storage_driver}'.",
            f"remove it (`docker volume rm {name}`) and create it again: {create}",
        )
    mountpoint = attrs.get("Mountpoint", "?")
    where = "inside Docker Desktop's VM" if facts.platform_kind in _IN_A_VM else "on this machine"
    return passed(
        _TITLE,
        f"'{name}' is a local volume labelled {DRIVER_LABEL}={said}; its data lives in "
        f"{mountpoint} ({where}).",
    )
