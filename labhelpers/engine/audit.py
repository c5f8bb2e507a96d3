"""The lab's safety rules, checked on what it really did.

The lab never publishes a port beyond 127.0.0.1, never starts a privileged container, never
mounts the Docker socket into a container, gives its throw-away helper containers no network
and read-only mounts unless they write, and never removes anything selected by its name alone
(what it removes carries its label, or the learner asked for exactly that).

With LABHELPERS_AUDIT=FILE set (the test runner's live pass sets it), every container the lab
creates is inspected as the Engine made it, and every removal is noted with the labels it was
selected by, one JSON line each; `problems(FILE)` names every broken rule.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..core.labels import MANAGED

__all__ = ["AUDIT_SETTING", "SOCKETS", "container_created", "problems", "removed"]

AUDIT_SETTING = "LABHELPERS_AUDIT"
SOCKETS = ("/var/run/docker.sock", "/run/docker.sock", "/var/run/docker", "/run/docker")


def _write(entry: dict) -> None:
    where = os.environ.get(AUDIT_SETTING)
    if not where:
        return
    Path(where).parent.mkdir(parents=True, exist_ok=True)
    with open(where, "a") as log:
        log.write(json.dumps(entry) + "\n")


def container_created(container, role: str, writes: bool = False, network: bool = True) -> None:
    """Note a container the lab just created, as the Engine inspects it.

    `role`: "lab" (a lesson's container) or "helper" (a throw-away `docker run --rm`); a helper
    that only reads (`writes=False`) must have read-only mounts, and one not given `network`
    must have none."""
    if not os.environ.get(AUDIT_SETTING):
        return
    container.reload()
    attrs = container.attrs
    host = attrs.get("HostConfig") or {}
    _write(
        {
            "event": "create",
            "role": role,
            "writes": writes,
            "network_asked": network,
            "name": container.name,
            "image": (attrs.get("Config") or {}).get("Image", ""),
            "privileged": bool(host.get("Privileged")),
            "network_mode": host.get("NetworkMode", ""),
            "ports": {
                port: [b.get("HostIp", "") for b in bindings or []]
                for port, bindings in (host.get("PortBindings") or {}).items()
            },
            "mounts": [
                {"type": m.get("Type"), "source": m.get("Source", ""), "rw": bool(m.get("RW"))}
                for m in attrs.get("Mounts") or []
            ],
            "labels": dict((attrs.get("Config") or {}).get("Labels") or {}),
        }
    )


def removed(kind: str, name: str, labels: dict | None, asked_by_learner: bool = False) -> None:
    """Note a removal and the labels it was selected by."""
    _write(
        {
            "event": "remove",
            "kind": kind,
            "name": name,
            "managed": (labels or {}).get(MANAGED, ""),
            "asked_by_learner": asked_by_learner,
        }
    )


def problems(path: str | Path) -> list[str]:
    """Every safety rule the audited run broke (empty when none)."""
    found = []
    lines = Path(path).read_text().splitlines() if Path(path).is_file() else []
    for entry in (json.loads(line) for line in lines if line.strip()):
        name = entry.get("name", "?")
        if entry["event"] == "remove":
            if not entry["managed"] and not entry["asked_by_learner"]:
                found.append(f"removed {entry['kind']} {name}, which has no lab label")
            continue
        if entry["privileged"]:
            found.append(f"{name} is privileged")
        for port, ips in entry["ports"].items():
            for ip in ips:
                if ip != "127.0.0.1":
                    found.append(f"{name} publishes {port} on {ip or 'every address'}")
        for mount in entry["mounts"]:
            if any(mount["source"].startswith(sock) for sock in SOCKETS):
                found.append(f"{name} mounts the Docker socket ({mount['source']})")
            if entry["role"] == "helper" and mount["rw"] and not entry["writes"]:
                found.append(f"helper {name} only reads, but mounts {mount['source']} read-write")
        helper_online = entry["role"] == "helper" and not entry["network_asked"]
        if helper_online and entry["network_mode"] != "none":
            found.append(f"helper {name} has a network ({entry['network_mode']})")
        # the label-inheritance demo creates one container without labels on purpose (it shows
        # what a container inherits from its image) and removes it at once, by its id
        if entry["labels"].get(MANAGED) != "true" and entry["role"] != "label-demo":
            found.append(f"{name} does not carry the lab's label")
    return found
