"""The safety audit: what a live run created and removed, written down, then checked.

The lab never publishes a port beyond 127.0.0.1, never starts a privileged container, never
mounts the Docker socket into a container, gives its throw-away helper containers no network
and read-only mounts unless they write, and never removes anything selected by its name alone
(what it removes carries its label, or the learner asked for exactly that).

Writing, in the kernel: a plugin (`LABHELPERS_PLUGINS=tools.audit`, the checkout on PYTHONPATH).
With LABHELPERS_AUDIT=FILE set too (the pipeline's live pass sets both), every container the lab
creates is inspected as the Engine made it, and every removal is noted with the labels it was
selected by, one JSON line each (the Engine layer's "container-created", "created" and "removed"
events). Checking: `python -m tools.audit FILE` names every broken rule (`problems(FILE)`) and
every printed command that says less than what the Engine made (`echo_problems(FILE)`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from labhelpers.core import plugins
from labhelpers.core.labels import MANAGED, is_lab_owned
from labhelpers.engine import dockercli
from labhelpers.engine.guards import socket_paths

__all__ = [
    "AUDIT_SETTING",
    "container_created",
    "echo_problems",
    "main",
    "problems",
    "removed",
    "resource_created",
]

AUDIT_SETTING = "LABHELPERS_AUDIT"


def _write(entry: dict) -> None:
    where = os.environ.get(AUDIT_SETTING)
    if not where:
        return
    Path(where).parent.mkdir(parents=True, exist_ok=True)
    with open(where, "a") as log:
        log.write(json.dumps(entry) + "\n")


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


def resource_created(kind: str, command, name: str, labels, **facts) -> None:
    """Note a volume or image the lab just made, with the command it was made from. `labels`:
    a dict, or a function that reads them (an Engine read made only when audited)."""
    if not os.environ.get(AUDIT_SETTING):
        return
    labels = labels() if callable(labels) else labels
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


_EVENTS = {"container-created": container_created, "created": resource_created, "removed": removed}


def _on_event(name: str, *args, **facts) -> None:
    noted = _EVENTS.get(name)
    if noted is not None:
        noted(*args, **facts)


plugins.register(event=_on_event)


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


def _entries(path: str | Path) -> list[dict]:
    lines = Path(path).read_text().splitlines() if Path(path).is_file() else []
    return [json.loads(line) for line in lines if line.strip()]


def _container_echo(entry: dict, removed: set[str]) -> list[str]:
    """What the printed `docker run`/`docker create` says and the container does not have.
    `--rm` holds when the Engine removes it on exit (AutoRemove) or the lab does, as the CLI
    once did itself: a helper's removal right after it exits is in the audit (REMOVED). A helper
    made with `docker create` (a probe that is never started) is removed by a `docker rm` of its
    own: its `--rm` says what AutoRemove says."""
    parsed = dockercli.parse(entry["argv"])
    name = entry["name"]
    found = []
    if parsed.has("--name") and parsed.value("--name") != name:
        found.append(f"printed --name {parsed.value('--name')}, the container is {name}")
    for key, value in parsed.pairs("--label").items():
        if entry["labels"].get(key) != value:
            found.append(
                f"{name}: printed --label {key}={value}, it has {entry['labels'].get(key)!r}"
            )
    if parsed.has("--init") != entry["init"]:
        found.append(f"{name}: --init printed {parsed.has('--init')}, Init is {entry['init']}")
    run_helper = entry["role"] == "helper" and parsed.verb == "run"
    removed_on_exit = entry["auto_remove"] or (run_helper and name in removed)
    if parsed.has("--rm") != removed_on_exit:
        found.append(
            f"{name}: --rm printed {parsed.has('--rm')}, AutoRemove {entry['auto_remove']}"
        )
    wanted_network = parsed.value("--network", "")
    if wanted_network and entry["network_mode"] != wanted_network:
        found.append(f"{name}: printed --network {wanted_network}, it has {entry['network_mode']}")
    if parsed.value("--user", "") != entry["user"]:
        found.append(
            f"{name}: printed --user {parsed.value('--user')!r}, it runs as {entry['user']!r}"
        )
    command = list(parsed.args[1:])
    if command and command != entry["cmd"]:
        found.append(f"{name}: printed the command {command}, it runs {entry['cmd']}")
    if parsed.values("--volumes-from") != entry["volumes_from"]:
        found.append(
            f"{name}: printed --volumes-from {parsed.values('--volumes-from')}, "
            f"it has {entry['volumes_from']}"
        )
    mounts = {m["destination"]: m for m in entry["mounts"]}
    asked = [
        dockercli.mount_spec(option, value)
        for option in ("-v", "--mount")
        for value in parsed.values(option)
    ]
    for mount in asked:
        seen = mounts.pop(mount.target, None)
        if seen is None:
            found.append(f"{name}: printed a mount at {mount.target}, it has none there")
            continue
        if seen["type"] != mount.kind or seen["rw"] == mount.read_only:
            found.append(
                f"{name}: the mount at {mount.target} is {seen['type']} rw={seen['rw']}, "
                f"printed {mount.kind} read_only={mount.read_only}"
            )
        source = seen["name"] if mount.kind == "volume" else seen["source"]
        if mount.source and source != mount.source:
            found.append(f"{name}: the mount at {mount.target} is {source}, printed {mount.source}")
    for target, seen in mounts.items():  # an image's VOLUME makes an anonymous one, unprinted
        from_another = bool(parsed.values("--volumes-from"))  # those come with that container
        if not from_another and not (seen["type"] == "volume" and len(seen["name"]) == 64):
            found.append(
                f"{name}: it mounts {seen['source'] or seen['name']} at {target}, "
                "which no printed option asked for"
            )
    tmpfs = {dockercli.mount_spec("--tmpfs", v).target for v in parsed.values("--tmpfs")}
    if tmpfs != set(entry["tmpfs"]):
        found.append(f"{name}: printed --tmpfs {sorted(tmpfs)}, it has {sorted(entry['tmpfs'])}")
    return found


def echo_problems(path: str | Path) -> list[str]:
    """Every resource a live run made whose printed command does not say what the Engine
    reports for it (`docker inspect`): names, labels, mounts, options. Empty when the echoes were
    exactly the commands that ran."""
    found = []
    entries = _entries(path)
    removed = {e["name"] for e in entries if e["event"] == "remove" and e["kind"] == "container"}
    for entry in entries:
        if entry["event"] != "create" or "argv" not in entry:
            continue
        if entry.get("kind", "container") == "container":
            found += _container_echo(entry, removed)
            continue
        parsed = dockercli.parse(entry["argv"])
        named = parsed.value("-t") if entry["kind"] == "image" else parsed.args[-1]
        if named.removesuffix(":latest") != entry["name"].removesuffix(":latest"):
            found.append(f"printed {entry['kind']} {named}, the Engine made {entry['name']}")
        for key, value in parsed.pairs("--label").items():
            if entry["labels"].get(key) != value:
                found.append(
                    f"{entry['kind']} {entry['name']}: printed --label {key}={value}, "
                    f"it has {entry['labels'].get(key)!r}"
                )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.audit", description=__doc__.split("\n")[0]
    )
    parser.add_argument("file", type=Path, help="the audit file a live run wrote")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        print(
            f"No audit at {args.file}: run a live pass with LABHELPERS_AUDIT set "
            "(and LABHELPERS_PLUGINS=tools.audit).",
            file=sys.stderr,
        )
        return 1
    found = problems(args.file)
    for problem in found:
        print(f"unsafe: {problem}", file=sys.stderr)
    wrong = echo_problems(args.file)
    for problem in wrong:
        print(f"echo: {problem}", file=sys.stderr)
    entries = len(args.file.read_text().splitlines())
    if not found and not wrong:
        print(
            f"The lab kept its safety rules, and every command it printed is what the Engine made "
            f"({entries} resources created or removed)."
        )
    return 1 if found or wrong else 0


if __name__ == "__main__":
    sys.exit(main())
