"""The lab's doctor: is this machine ready for the course?

`lh.check()` in a notebook, `python -m labhelpers doctor` in a terminal.
"""

from __future__ import annotations

import os
import platform
import shutil

from ._display import Table
from ._engine import client, engine_available, engine_step, unavailable_message
from ._errors import DockerUnavailable
from ._results import result
from ._units import si

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
class EngineFacts:
    """What the doctor learned about the Engine, for notebooks to explain."""

    server_version: str
    api_version: str
    os_name: str
    kernel: str
    platform_kind: str
    docker_root_dir: str
    storage_driver: str
    driver_status: tuple
    volume_drivers: tuple
    containerd_snapshotter: bool
    cpus: int
    memory_bytes: int


@result
class Report:
    """The doctor's report. `ready` is False when the lab cannot run here."""

    findings: tuple
    facts: EngineFacts | None

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

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def platform_kind(info: dict) -> str:
    """ "docker-desktop", "wsl2", "rootless" or "native-linux", from `docker info`."""
    os_name = (info.get("OperatingSystem") or "").lower()
    kernel = (info.get("KernelVersion") or "").lower()
    name = (info.get("Name") or "").lower()
    if "docker desktop" in os_name or name == "docker-desktop" or "linuxkit" in kernel:
        return "docker-desktop"
    if "microsoft" in kernel or "wsl2" in kernel:
        return "wsl2"
    if any("rootless" in opt for opt in info.get("SecurityOptions") or []):
        return "rootless"
    return "native-linux"


@engine_step("read the Engine's facts")
def engine_facts() -> EngineFacts:
    """`docker version` and `docker info`, reduced to what the course explains."""
    engine = client()
    info = engine.info()
    version = engine.version()
    status = tuple(tuple(pair) for pair in info.get("DriverStatus") or [])
    snapshotter = any("io.containerd.snapshotter" in str(v) for _, v in status)
    return EngineFacts(
        version.get("Version", "?"),
        version.get("ApiVersion", "?"),
        info.get("OperatingSystem", "?"),
        info.get("KernelVersion", "?"),
        platform_kind(info),
        info.get("DockerRootDir", "?"),
        info.get("Driver", "?"),
        status,
        tuple((info.get("Plugins") or {}).get("Volume") or ()),
        snapshotter,
        int(info.get("NCPU") or 0),
        int(info.get("MemTotal") or 0),
    )


def _free_disk(facts: EngineFacts) -> int | None:
    if facts.platform_kind == "native-linux" and os.path.isdir(facts.docker_root_dir):
        try:
            return shutil.disk_usage(facts.docker_root_dir).free
        except OSError:
            return None
    return None


def check(replayed: bool = True) -> Report:
    """Run every check and return the report (never raises for a missing Engine: it reports it).

    The first line says which mode runs. In replay mode a notebook gets the recorded report;
    `replayed=False` (the `doctor` command) checks this machine even then.
    """
    from . import _replay

    if _replay.active():
        report = _checks() if replayed else _checks.__wrapped_step__()  # type: ignore[attr-defined]
        mode = Finding(
            "Mode",
            _replay.describe(),
            False,
            "no live Engine here: notebooks replay a recorded run (see the README)",
        )
    else:
        report = _checks()
        mode = Finding("Mode", _replay.describe(), True, "")
    return Report((mode, *report.findings), report.facts)


@engine_step("check the lab")
def _checks() -> Report:
    from . import images

    findings: list[Finding] = []
    import docker

    findings.append(Finding("Python", platform.python_version(), True, ""))
    findings.append(Finding("Docker SDK for Python", docker.__version__, True, ""))
    if not engine_available():
        problem = unavailable_message(None)
        try:
            client()
        except DockerUnavailable as exc:
            problem = exc
        findings.append(
            Finding(
                "Docker Engine",
                "not reachable",
                False,
                f"{problem.why} {problem.todo}",
                blocking=True,
            )
        )
        return Report(tuple(findings), None)
    facts = engine_facts.__wrapped_step__()  # type: ignore[attr-defined]
    findings.append(
        Finding("Docker Engine", f"{facts.server_version} (API {facts.api_version})", True, "")
    )
    where = {
        "native-linux": "native Linux: the Engine's files are on this machine",
        "docker-desktop": "Docker Desktop: the Engine runs in a Linux VM",
        "wsl2": "WSL 2: the Engine runs in the WSL 2 Linux VM",
        "rootless": "rootless Engine: its data root is in your home directory",
    }[facts.platform_kind]
    findings.append(Finding("Platform", where, True, ""))
    findings.append(
        Finding(
            "Data root",
            facts.docker_root_dir,
            True,
            ""
            if facts.platform_kind == "native-linux"
            else "inside the VM: reach it through containers, not your file browser",
        )
    )
    driver_ok = facts.storage_driver in ("overlay2", "overlayfs") or facts.containerd_snapshotter
    driver = facts.storage_driver + (
        " (containerd snapshotter)" if facts.containerd_snapshotter else ""
    )
    findings.append(
        Finding(
            "Storage driver",
            driver,
            driver_ok,
            "" if driver_ok else "the lessons assume overlay2; figures may differ",
        )
    )
    findings.append(
        Finding(
            "Volume drivers",
            ", ".join(facts.volume_drivers) or "none",
            "local" in facts.volume_drivers,
            "" if "local" in facts.volume_drivers else "the `local` driver is missing",
        )
    )
    findings.append(
        Finding(
            "Builder",
            "classic builder (Engine /build API)",
            True,
            "the Python SDK cannot drive BuildKit; notebook 01 shows the difference",
        )
    )
    choice = images.choose_base_image.__wrapped_step__(pull=True)
    findings.append(
        Finding(
            "Base image",
            f"{choice.image} ({choice.source})",
            choice.present,
            choice.reason
            if choice.present
            else "run `sudo scripts/provision-engine` (builds it from Debian packages)",
            blocking=not choice.present,
        )
    )
    free = _free_disk(facts)
    if free is None:
        findings.append(
            Finding(
                "Free disk",
                "unknown from here",
                True,
                "measured inside the Engine when data is written",
            )
        )
    else:
        enough = free >= MIN_FREE_BYTES
        findings.append(
            Finding(
                "Free disk",
                si(free),
                enough,
                ""
                if enough
                else f"the lessons want {si(MIN_FREE_BYTES)}: "
                "`docker system prune` frees unused data",
            )
        )
    return Report(tuple(findings), facts)
