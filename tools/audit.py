"""`python -m tools.audit FILE`: check a live run's safety audit (what LABHELPERS_AUDIT recorded).

The lab never publishes a port beyond 127.0.0.1, never starts a privileged container, never
mounts the Docker socket into a container, gives its throw-away helper containers no network
and read-only mounts unless they write, and never removes anything selected by its name alone
(what it removes carries its label, or the learner asked for exactly that). The package's
`labhelpers.engine.audit` writes down what the lab created and removed; `problems(FILE)` names
every rule it broke.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from labhelpers.core.labels import MANAGED, is_lab_owned
from labhelpers.engine.guards import socket_paths

__all__ = ["main", "problems"]


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
        if entry.get("kind", "container") != "container":
            continue
        if entry["privileged"]:
            found.append(f"{name} is privileged")
        for port, ips in entry["ports"].items():
            for ip in ips:
                if ip != "127.0.0.1":
                    found.append(f"{name} publishes {port} on {ip or 'every address'}")
        for mount in entry["mounts"]:
            if any(mount["source"].startswith(sock) for sock in socket_paths()):
                found.append(f"{name} mounts the Docker socket ({mount['source']})")
            if entry["role"] == "helper" and mount["rw"] and not entry["writes"]:
                found.append(f"helper {name} only reads, but mounts {mount['source']} read-write")
        helper_online = entry["role"] == "helper" and not entry["network_asked"]
        if helper_online and entry["network_mode"] != "none":
            found.append(f"helper {name} has a network ({entry['network_mode']})")
        # the label-inheritance demo creates one container without labels on purpose (it shows
        # what a container inherits from its image) and removes it at once, by its id
        helper = entry["role"] == "helper" and entry["labels"].get(MANAGED) == "container:"
        demo = entry["role"] == "label-demo"
        if not helper and not demo and not is_lab_owned("container", name, entry["labels"]):
            found.append(f"{name} does not carry the lab's mark naming it")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.audit", description=__doc__.split("\n")[0]
    )
    parser.add_argument("file", type=Path, help="the audit file a live run wrote")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        print(
            f"No audit at {args.file}: run a live pass with LABHELPERS_AUDIT set.", file=sys.stderr
        )
        return 1
    found = problems(args.file)
    for problem in found:
        print(f"unsafe: {problem}", file=sys.stderr)
    entries = len(args.file.read_text().splitlines())
    if not found:
        print(f"The lab kept its safety rules ({entries} containers created or resources removed).")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
