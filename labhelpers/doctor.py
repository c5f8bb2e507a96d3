"""The lab's doctor: is this machine ready for the course?

`lh.check()` in a notebook, `python -m labhelpers doctor` in a terminal.
"""

from __future__ import annotations

import os
import platform

from .core.results import result
from .core.table import Table, TableShown
from .core.units import si
from .engine import (
    Builder,
    ask_cli_early,
    builder_in_use,
    choose_base_image,
    engine_facts,
    engine_locality,
    engine_step,
    run_once,
)
from .engine.connection import endpoint, replaying, sdk_version, why_unavailable
from .engine.machine import Locality
from .engine.names import NamePlan
from .engine.ownership import name_plan
from .engine.system import EngineFacts
from .replay import describe

__all__ = ["Finding", "Report", "check"]

MIN_FREE_BYTES = 2 * 1000**3


@result
class Finding:
    """One line of the doctor's report: `ok` is False for a warning or a blocker."""

    topic: str
    value: str
    ok: bool
    advice: str
    blocking: bool = False


@result
class Report(TableShown):
    """The doctor's report. `ready` is False when the lab cannot run here."""

    findings: tuple
    facts: EngineFacts | None
    locality: Locality | None = None
    builder: Builder | None = None

    @property
    def ready(self) -> bool:
        return not any(f.blocking for f in self.findings)

    def table(self) -> Table:
        return Table(
            ["", "check", "found", "advice"],
            [
                ("OK" if f.ok else ("FAIL" if f.blocking else "WARN"), f.topic, f.value, f.advice)
                for f in self.findings
            ],
        )


def check() -> Report:
    """Run every check and return the report (never raises for a missing Engine: it reports it).

    The first line says which mode runs. In replay mode a notebook gets the recorded report (the
    `doctor` command runs live: it checks this machine).
    """
    report = _checks()
    if replaying():
        advice = "no live Engine here: notebooks replay a recorded run (see the README)"
        mode = Finding("Mode", describe(), False, advice)
    elif report.facts is None:  # asked live (the doctor command), and no Engine answered
        advice = (
            "once an Engine answers, every result comes from it; until then the notebooks "
            "replay a recorded run"
        )
        mode = Finding("Mode", "none yet: no Docker Engine answers (see below)", False, advice)
    else:
        mode = Finding("Mode", describe(), True, "")
    return Report((mode, *report.findings), report.facts, report.locality, report.builder)


@engine_step("check the lab")
def _checks() -> Report:
    chosen, host = endpoint()
    findings = [
        Finding("Python", platform.python_version(), True, ""),
        Finding("Docker SDK for Python", sdk_version(), True, ""),
        Finding("Engine address", _address(chosen, host), True, ""),
    ]
    problem = why_unavailable()
    if problem is not None:
        advice = f"{problem.why} {problem.todo}"
        findings.append(Finding("Docker Engine", "not reachable", False, advice, blocking=True))
        return Report(tuple(findings), None, None, None)
    ask_cli_early()  # the builder's two CLI questions run while the Engine is asked the rest
    facts = engine_facts()
    version = f"{facts.server_version} (API {facts.api_version})"
    findings.append(Finding("Docker Engine", version, True, ""))
    choice = choose_base_image(pull=True)
    locality = engine_locality(_folder(), choice.image if choice.present else "")
    findings.append(Finding("Platform", _platform(facts, locality), True, ""))
    elsewhere = "" if locality.files_here else "not on this machine: reach it through containers"
    findings.append(Finding("Data root", facts.docker_root_dir, True, elsewhere))
    findings.append(_sharing(locality))
    snapshotter = facts.containerd_snapshotter
    driver_ok = facts.storage_driver in ("overlay2", "overlayfs") or snapshotter
    driver = facts.storage_driver + (" (the containerd snapshotter)" if snapshotter else "")
    differ = "" if driver_ok else "the lessons assume overlay2 or containerd; figures may differ"
    findings.append(Finding("Storage driver", driver, driver_ok, differ))
    store = "containerd" if snapshotter else "classic: the graph driver's layers"
    findings.append(Finding("Image store", store, True, ""))
    local = "local" in facts.volume_drivers
    drivers = ", ".join(facts.volume_drivers) or "none"
    missing = "" if local else "the `local` driver is missing"
    findings.append(Finding("Volume drivers", drivers, local, missing))
    builder = builder_in_use()
    findings.append(Finding("Builder", f"{builder.label}: {builder.reason}", True, ""))
    base = "" if choice.present else _base_image_advice(choice.image, choice.source, facts)
    image = f"{choice.image} ({choice.source})"
    findings.append(Finding("Base image", image, choice.present, base, not choice.present))
    findings.append(_free_disk(choice.image if choice.present else ""))
    findings.append(_names(name_plan(refresh=True)))
    return Report(tuple(findings), facts, locality, builder)


# scripts/provision-engine builds the base image with debootstrap: Debian or Ubuntu only.
DEBIAN_MARKER = "/etc/debian_version"
SAVED = "offline: `docker load -i` a saved image and set LAB_BASE_IMAGE (README: offline classroom)"


def _base_image_advice(image: str, source: str, facts: EngineFacts) -> str:
    """What to do when the lesson's base image is neither in the Engine nor pullable, for where
    the Engine runs: the Debian-only build script only where it can work (a Debian or Ubuntu
    machine whose Engine is its own), Docker Desktop's proxy settings where Desktop runs it."""
    if source == "setting":
        return "LAB_BASE_IMAGE names it: `docker load -i` its saved file, or unset LAB_BASE_IMAGE"
    pull = f"`docker pull {image}`"
    if facts.platform_kind == "native-linux" and os.path.isfile(DEBIAN_MARKER):
        return (
            f"online: {pull}; offline: `sudo scripts/provision-engine base-image` (builds one "
            "from Debian packages, with a Debian mirror), or a saved image (README: offline "
            "classroom)"
        )
    if facts.platform_kind in ("docker-desktop", "wsl2"):
        return (
            f"check the network (a proxy: Docker Desktop > Settings > Resources > Proxies), then "
            f"{pull}; {SAVED}"
        )
    return f"check the network where the Engine runs, then {pull}; {SAVED}"


def _names(chosen: NamePlan) -> Finding:
    if not chosen.prefix:
        return Finding("Names", "the lecture's (my-image, my-vol, ...): none is yours", True, "")
    mine = ", ".join(c.name for c in chosen.clashes) or "(none now)"
    return Finding(
        "Names",
        f"'{chosen.prefix}' before each (yours: {mine})",
        True,
        "the course leaves yours alone; notebook 00 shows how to use the lecture's names again",
    )


def _folder() -> str:
    """The folder whose bind mounts the lessons use: the notebooks' (the kernel runs there)."""
    here = os.getcwd()
    below = os.path.join(here, "notebooks")
    return below if os.path.isdir(below) else here


PLATFORMS = {
    "native-linux": "native Linux: the Engine's files are on this machine",
    "docker-desktop": "Docker Desktop: the Engine runs in a Linux VM",
    "wsl2": "WSL 2: the Engine runs in the WSL 2 Linux VM",
    "rootless": "rootless Engine: its data root is in your home directory",
    "in-a-container": "in a container of its own (Docker in Docker): its files are there",
    "remote": "on another host: its files are there",
}


def _platform(facts: EngineFacts, locality: Locality) -> str:
    classroom = os.environ.get("LABHELPERS_CLASSROOM", "")
    found = PLATFORMS[facts.platform_kind]
    if not classroom:
        return found
    engine = os.environ.get("LABHELPERS_ENGINE", "")  # its container's name, set by deploy/
    return f"{found}; in classroom {classroom}, your own Engine{' ' + engine if engine else ''}"


_DEFAULT_SOCKETS = ("unix:///var/run/docker.sock", "unix:///run/docker.sock")


def _address(chosen: str, host: str) -> str:
    """Where the Engine is, as the learner would name it: the default socket, a socket under the
    home folder or the runtime folder as `~/...` or `$XDG_RUNTIME_DIR/...`, another socket of this
    machine as "a socket", another host by its address; and what chose it (DOCKER_HOST, a
    context). A classroom's Engine is the learner's own."""
    mine = " (your own, in this classroom)" if os.environ.get("LABHELPERS_CLASSROOM") else ""
    if not host or host in _DEFAULT_SOCKETS:
        return f"the default socket{mine}" + (f" ({chosen})" if host else "")
    if host.startswith("unix://"):
        path = host.removeprefix("unix://")
        for folder, shown in ((os.environ.get("XDG_RUNTIME_DIR", ""), "$XDG_RUNTIME_DIR"),
                              (os.path.expanduser("~"), "~")):  # fmt: skip
            if folder and path.startswith(folder.rstrip("/") + "/"):
                return f"{shown}/{path[len(folder.rstrip('/')) + 1 :]}{mine} ({chosen})"
        return f"a socket on this machine{mine} ({chosen})"
    return f"{host}{mine} ({chosen})"


def _shown_folder(folder: str) -> str:
    """FOLDER as the learner's terminal in the notebook's folder names it ($PWD, $PWD/notebooks,
    ~/...), never as an absolute path of this machine."""
    relative = os.path.relpath(folder)
    if relative == ".":
        return "$PWD"
    if not relative.startswith(".."):
        return f"$PWD/{relative}"
    home = os.path.expanduser("~")
    return "~/" + os.path.relpath(folder, home) if folder.startswith(home + "/") else "a folder"


def _sharing(locality: Locality) -> Finding:
    folder = _shown_folder(locality.folder)
    if locality.folders_shared:
        return Finding("Folders", f"the Engine sees {folder}", True, "")
    if locality.folders_shared is None:
        return Finding("Folders", "not probed", True, "")
    return Finding(
        "Folders",
        f"the Engine does not see {folder}",
        False,
        "bind mounts of this folder cannot work: share it with the Engine (Docker Desktop: "
        "Settings > Resources > File sharing), or run the course where the Engine runs; the "
        "notebooks show bind mounts as commands only",
    )


def _free_disk(image: str) -> Finding:
    """Free space on the Engine's disk, measured where the Engine is (`df` in a container)."""
    if not image:
        return Finding("Free disk", "unknown", True, "measured when data is written")
    done = run_once(image, ["df", "-P", "-B1", "/"], check=False)
    fields = done.output.strip().splitlines()[-1].split() if done.output.strip() else []
    if done.exit_code != 0 or len(fields) < 4 or not fields[3].isdigit():
        return Finding("Free disk", "unknown", True, "measured when data is written")
    free = int(fields[3])
    enough = free >= MIN_FREE_BYTES
    advice = "" if enough else f"the lessons want {si(MIN_FREE_BYTES)}: `docker system prune`"
    return Finding("Free disk", f"{si(free)} on the Engine's disk", enough, advice)
