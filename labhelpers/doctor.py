"""The lab's doctor: is this machine ready for the course?

`lh.check()` in a notebook, `python -m labhelpers doctor` in a terminal.
"""

from __future__ import annotations

import os
import platform
import shutil

from .core.results import result
from .core.units import si
from .engine import choose_base_image, engine_facts, engine_step
from .engine.connection import sdk_version, why_unavailable
from .engine.system import EngineFacts
from .replay import describe, modes
from .views import Table, TableShown

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


def _free_disk(facts: EngineFacts) -> int | None:
    if facts.platform_kind == "native-linux" and os.path.isdir(facts.docker_root_dir):
        try:
            return shutil.disk_usage(facts.docker_root_dir).free
        except OSError:
            return None
    return None


def check() -> Report:
    """Run every check and return the report (never raises for a missing Engine: it reports it).

    The first line says which mode runs. In replay mode a notebook gets the recorded report (the
    `doctor` command runs live: it checks this machine).
    """
    report = _checks()
    if modes.active():
        mode = Finding(
            "Mode",
            describe(),
            False,
            "no live Engine here: notebooks replay a recorded run (see the README)",
        )
    else:
        mode = Finding("Mode", describe(), True, "")
    return Report((mode, *report.findings), report.facts)


@engine_step("check the lab")
def _checks() -> Report:
    findings: list[Finding] = []
    findings.append(Finding("Python", platform.python_version(), True, ""))
    findings.append(Finding("Docker SDK for Python", sdk_version(), True, ""))
    problem = why_unavailable()
    if problem is not None:
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
    facts = engine_facts()
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
    choice = choose_base_image(pull=True)
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
