"""The lab's safety rules, checked on what it really did.

The lab never publishes a port beyond 127.0.0.1, never starts a privileged container, never
mounts the Docker socket into a container, gives its throw-away helper containers no network
and read-only mounts unless they write, and never removes anything selected by its name alone
(what it removes carries its label, or the learner asked for exactly that).

With LABHELPERS_AUDIT=FILE set (the test runner's live pass sets it), every container the lab
creates is inspected as the Engine made it, and every removal is noted with the labels it was
selected by, one JSON line each; the checker (`python -m tools.audit FILE`, outside the package)
names every broken rule.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..core.labels import MANAGED

__all__ = ["AUDIT_SETTING", "auditing", "container_created", "removed", "resource_created"]

AUDIT_SETTING = "LABHELPERS_AUDIT"


def _write(entry: dict) -> None:
    where = os.environ.get(AUDIT_SETTING)
    if not where:
        return
    Path(where).parent.mkdir(parents=True, exist_ok=True)
    with open(where, "a") as log:
        log.write(json.dumps(entry) + "\n")


def auditing() -> bool:
    """Is this run audited (LABHELPERS_AUDIT set)? A caller asks before an extra Engine read."""
    return bool(os.environ.get(AUDIT_SETTING))


def container_created(
    container, role: str, command, writes: bool = False, network: bool = True
) -> None:
    """Note a container the lab just created, as the Engine inspects it, with the command it was
    made from (its argv: a test compares the two).

    `role`: "lab" (a lesson's container), "helper" (a throw-away `docker run --rm`) or
    "label-demo" (notebook 99's container without the lab's marks); a helper that only reads
    (`writes=False`) must have read-only mounts, and one not given `network` must have none."""
    if not os.environ.get(AUDIT_SETTING):
        return
    container.reload()
    attrs = container.attrs
    host = attrs.get("HostConfig") or {}
    _write(
        {
            "event": "create",
            "kind": "container",
            "role": role,
            "writes": writes,
            "network_asked": network,
            "argv": list(command.argv),
            "name": container.name,
            "image": (attrs.get("Config") or {}).get("Image", ""),
            "privileged": bool(host.get("Privileged")),
            "network_mode": host.get("NetworkMode", ""),
            "ports": {
                port: [b.get("HostIp", "") for b in bindings or []]
                for port, bindings in (host.get("PortBindings") or {}).items()
            },
            "mounts": [
                {
                    "type": m.get("Type"),
                    "source": m.get("Source", ""),
                    "name": m.get("Name", ""),
                    "destination": m.get("Destination", ""),
                    "rw": bool(m.get("RW")),
                }
                for m in attrs.get("Mounts") or []
            ],
            "tmpfs": dict(host.get("Tmpfs") or {}),
            "init": bool(host.get("Init")),
            "auto_remove": bool(host.get("AutoRemove")),
            "volumes_from": list(host.get("VolumesFrom") or []),
            "user": (attrs.get("Config") or {}).get("User", ""),
            "cmd": list((attrs.get("Config") or {}).get("Cmd") or []),
            "labels": dict((attrs.get("Config") or {}).get("Labels") or {}),
        }
    )


def resource_created(kind: str, command, name: str, labels: dict | None, **facts) -> None:
    """Note a volume or image the lab just made, with the command it was made from."""
    _write(
        {
            "event": "create",
            "kind": kind,
            "role": "lab",
            "argv": list(command.argv),
            "name": name,
            "labels": dict(labels or {}),
            **facts,
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
