"""`docker ...` commands carried out through the Docker SDK, from the command's own argv.

Why by hand: the SDK has no "run this CLI command" call, and the lab must print the command the
learner would type and make exactly that request. So each command is a `Command` value (see
`labhelpers.core.commands`); `parse` reads its argv with a table of the options the lab uses, and
`execute` turns the parsed command into the SDK call, the way docker-py's own `containers.run`
maps its keyword arguments through tables (`RUN_CREATE_KWARGS`, `RUN_HOST_CONFIG_KWARGS`). An
option missing from the tables is refused, never dropped: what prints is what runs.

Every container passes the lab's guards (`labhelpers.engine.guards`) before it is made, whoever
asks for it (a notebook, a widget, an exercise helper).
"""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any

from ..core.commands import Command
from .connection import client
from .guards import check_container

__all__ = [
    "STOP_TIMEOUT_S",
    "Parsed",
    "container_settings",
    "execute",
    "guard",
    "mount_spec",
    "parse",
]

STOP_TIMEOUT_S = 10  # the CLI's default for `docker stop` and `docker restart`

# Verbs of two words, and the options of each verb that take a value (every other option is a
# switch). The lab writes each option separately (`-a -s`, never `-as`).
_GROUPS = ("volume", "image", "network", "system", "plugin", "container", "buildx")
_RUN_VALUES = {
    "--name", "--label", "--user", "--network", "-v", "--mount", "--tmpfs", "--volumes-from",
    "--workdir", "--entrypoint", "--hostname", "-e", "-p", "--publish",
}  # fmt: skip
VALUE_OPTIONS = {
    "run": _RUN_VALUES,
    "create": _RUN_VALUES,
    "exec": {"--user", "--workdir", "-e"},
    "stop": {"--time"},
    "restart": {"--time"},
    "start": set(),
    "rm": set(),
    "diff": set(),
    "logs": {"--tail"},
    "cp": set(),
    "inspect": {"--format", "--type"},
    "ps": {"--filter", "--format"},
    "pull": set(),
    "build": {"--build-arg", "--label", "-t", "--tag", "--progress", "--file"},
    "info": {"--format"},
    "version": {"--format"},
    "buildx version": set(),
    "volume create": {"--label", "--driver", "--opt"},
    "volume inspect": {"--format"},
    "volume ls": {"--filter", "--format"},
    "volume rm": set(),
    "volume prune": {"--filter"},
    "image inspect": {"--format"},
    "image history": {"--format"},
    "image ls": {"--filter", "--format"},
    "image rm": set(),
    "image save": set(),
    "network ls": {"--filter", "--format"},
    "network rm": set(),
    "system df": set(),
    "plugin ls": {"--filter", "--format"},
}
_SWITCHES = {
    "run": {"-d", "--rm", "--init", "--read-only", "--privileged"},
    "create": {"--init", "--read-only", "--privileged"},
    "rm": {"-f", "-v"},
    "ps": {"-a", "-s", "-q", "--no-trunc"},
    "volume ls": {"-q"},
    "volume rm": {"-f"},
    "volume prune": {"-f", "--all"},
    "image rm": {"-f"},
    "image ls": {"--tree", "-a", "-q"},
    "image history": {"--no-trunc", "-q"},
    "build": {"--no-cache", "-q", "--force-rm"},
    "diff": set(),
    "cp": set(),
    "system df": {"-v"},
    "image save": set(),
}

# Verbs whose arguments after the first plain word are the container's command, as they are.
_COMMAND_AFTER = {"run": 1, "create": 1, "exec": 1}


@dataclasses.dataclass(frozen=True)
class Parsed:
    """A docker command read back: `verb` ("run", "volume create", ...), each option with its
    values in order (a switch has [""]), and the plain arguments (for run/create/exec: the
    container or image first, then the command)."""

    verb: str
    options: dict
    args: tuple

    def has(self, option: str) -> bool:
        return option in self.options

    def value(self, option: str, default: str = "") -> str:
        return self.options.get(option, [default])[-1]

    def values(self, option: str) -> list[str]:
        return list(self.options.get(option, []))

    def pairs(self, option: str) -> dict[str, str]:
        """`--label k=v --label k2=v2` as {k: v, k2: v2}."""
        return dict(v.partition("=")[::2] for v in self.values(option))

    def filters(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for value in self.values("--filter"):
            key, _, wanted = value.partition("=")
            found.setdefault(key, []).append(wanted)
        return found


def parse(command: Command | tuple | list) -> Parsed:
    """Read a docker command's argv with the tables above.

    Raises:
        ValueError: not a docker command, or an option the tables do not know (a programming
            error: the tables are what make the printed command and the call the same).
    """
    argv = list(command.argv if isinstance(command, Command) else command)
    if not argv or argv[0] != "docker":
        raise ValueError(f"not a docker command: {argv!r}")
    rest = argv[1:]
    verb = rest.pop(0)
    if verb in _GROUPS:
        verb = f"{verb} {rest.pop(0)}"
    if verb not in VALUE_OPTIONS:
        raise ValueError(f"the lab does not run `docker {verb}`")
    takes_value, options, args = VALUE_OPTIONS[verb], {}, []
    command_after = _COMMAND_AFTER.get(verb)
    while rest:
        word = rest.pop(0)
        if command_after is not None and len(args) >= command_after:
            args.append(word)
            continue
        if word.startswith("-") and word != "-":
            name, equals, inline = word.partition("=")
            if name in takes_value:
                options.setdefault(name, []).append(inline if equals else rest.pop(0))
            elif name in _SWITCHES.get(verb, ()) and not equals:
                options.setdefault(name, []).append("")
            else:
                raise ValueError(f"`docker {verb}` has no option {word} the lab knows")
            continue
        args.append(word)
    return Parsed(verb, options, tuple(args))


# --- mounts ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MountAsked:
    """One mount of a run/create command as the CLI reads it: kind volume, bind or tmpfs."""

    kind: str
    source: str  # volume name ("" anonymous), host path; "" for tmpfs
    target: str
    read_only: bool
    no_copy: bool = False
    labels: tuple = ()  # an anonymous or new volume's labels (--mount volume-label=)


def mount_spec(option: str, value: str) -> MountAsked:
    """A `-v`, `--mount` or `--tmpfs` value as the CLI reads it."""
    if option == "--tmpfs":
        return MountAsked("tmpfs", "", value.split(":", 1)[0], False)
    if option == "-v":
        parts = value.split(":")
        if len(parts) == 1:
            return MountAsked("volume", "", parts[0], False)
        source, target, mode = parts[0], parts[1], parts[2] if len(parts) > 2 else "rw"
        kind = "bind" if source.startswith(("/", ".")) else "volume"
        return MountAsked(kind, source, target, "ro" in mode.split(","))
    fields: dict[str, str] = {}
    flags: set[str] = set()
    labels = []
    for item in value.split(","):
        key, equals, val = item.partition("=")
        if key == "volume-label":
            labels.append(tuple(val.partition("=")[::2]))
        elif equals:
            fields[key] = val
        else:
            flags.add(key)
    kind = fields.get("type", "volume")
    source = fields.get("src", fields.get("source", ""))
    target = fields.get("dst", fields.get("destination", fields.get("target", "")))
    read_only = bool({"readonly", "ro"} & flags) or fields.get("readonly") in ("true", "1")
    return MountAsked(kind, source, target, read_only, "volume-nocopy" in flags, tuple(labels))


def _sdk_mounts(parsed: Parsed) -> dict:
    import docker

    mounts, binds, tmpfs = [], {}, {}
    for option in ("-v", "--mount", "--tmpfs"):
        for value in parsed.values(option):
            asked = mount_spec(option, value)
            if option == "--tmpfs":
                tmpfs[asked.target] = value.partition(":")[2]
            elif option == "-v" and asked.source:
                binds[asked.source] = {
                    "bind": asked.target,
                    "mode": "ro" if asked.read_only else "rw",
                }
            else:
                mounts.append(
                    docker.types.Mount(
                        asked.target,
                        asked.source or None,
                        type=asked.kind,
                        read_only=asked.read_only,
                        no_copy=asked.no_copy,
                        labels=dict(asked.labels) or None,
                    )
                )
    settings: dict[str, Any] = {}
    if mounts:
        settings["mounts"] = mounts
    if binds:
        settings["volumes"] = binds
    if tmpfs:
        settings["tmpfs"] = tmpfs
    return settings


def guard(parsed: Parsed) -> None:
    """The lab's guards (`labhelpers.engine.guards`) on a parsed run/create.

    Raises:
        BadInput: the container is one the lab never makes.
    """
    binds = []
    for option in ("-v", "--mount"):
        for value in parsed.values(option):
            asked = mount_spec(option, value)
            if asked.kind == "bind":
                binds.append((asked.source, asked.read_only))
    ports = parsed.values("-p") + parsed.values("--publish")
    check_container(parsed.has("--privileged"), binds, ports)


def container_settings(parsed: Parsed) -> dict:
    """The SDK's `containers.create(**settings)` for a parsed `docker run`/`docker create`."""
    image, *command = parsed.args
    settings: dict[str, Any] = {"image": image, "command": command or None}
    if parsed.has("--name"):
        settings["name"] = parsed.value("--name")
    labels = parsed.pairs("--label")
    if labels:
        settings["labels"] = labels
    if parsed.has("--init"):
        settings["init"] = True
    if parsed.has("--rm"):
        settings["auto_remove"] = True
    if parsed.has("--read-only"):
        settings["read_only"] = True
    for option, key in (("--user", "user"), ("--network", "network_mode")):
        if parsed.has(option):
            settings[key] = parsed.value(option)
    for option, key in (("--workdir", "working_dir"), ("--entrypoint", "entrypoint")):
        if parsed.has(option):
            settings[key] = parsed.value(option)
    if parsed.has("-e"):
        settings["environment"] = parsed.values("-e")
    if parsed.has("--volumes-from"):
        settings["volumes_from"] = parsed.values("--volumes-from")
    settings.update(_sdk_mounts(parsed))
    return settings


def _has_capability(plugin, wanted: list[str]) -> bool:
    types = plugin.attrs.get("Config", {}).get("Interface", {}).get("Types") or []
    return all(any(w in str(t) for t in types) for w in wanted)


def _extract(stream, destination: str) -> list[str]:
    """What `docker cp NAME:PATH DEST` does with the archive the Engine sends: its files written
    under DEST (a folder), none outside it. Returns the paths written."""
    import io
    import tarfile

    folder = os.path.abspath(destination)
    written = []
    with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
        for member in tar.getmembers():
            target = os.path.abspath(os.path.join(folder, member.name))
            if not target.startswith(folder + os.sep) or not (member.isfile() or member.isdir()):
                continue  # outside DEST, or a link or device: never written here
            if member.isdir():
                os.makedirs(target, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as out:
                out.write(tar.extractfile(member).read())  # type: ignore[union-attr]
            written.append(target)
    return written


# --- carrying out a command -------------------------------------------------------------------


def _container(name: str):
    return client().containers.get(name)


def execute(command: Command) -> Any:
    """Carry out a docker command through the SDK; returns what the SDK returned (the container
    of a run/create, (exit code, output) of an exec, the listing of a read).

    Raises:
        docker.errors.* as the SDK raises them (the step decorator turns them into the lab's
        errors); BadInput for a container the guards refuse; ValueError for a command the tables
        do not know.
    """
    parsed = parse(command)
    verb, args = parsed.verb, parsed.args
    engine = client()
    if verb in ("run", "create"):
        guard(parsed)
        container = engine.containers.create(**container_settings(parsed))
        if verb == "run":
            container.start()
        return container
    # By name, as the CLI does: the Engine finds the container (no inspection first, which
    # the SDK's models would make: one more round trip each).
    if verb == "exec":
        name, *argv = args
        user = parsed.value("--user") or ""
        made = engine.api.exec_create(name, argv, user=user)
        output = engine.api.exec_start(made["Id"])
        return engine.api.exec_inspect(made["Id"])["ExitCode"], output
    if verb in ("start", "stop", "restart"):
        timeout = int(parsed.value("--time", str(STOP_TIMEOUT_S)))
        for name in args:
            if verb == "start":
                engine.api.start(name)
            else:
                getattr(engine.api, verb)(name, timeout=timeout)
        return None
    if verb == "rm":
        for name in args:
            engine.api.remove_container(name, force=parsed.has("-f"), v=parsed.has("-v"))
        return None
    if verb == "volume create":
        (name,) = args
        return engine.volumes.create(
            name,
            driver=parsed.value("--driver", "local"),
            driver_opts=parsed.pairs("--opt"),
            labels=parsed.pairs("--label"),
        )
    if verb == "volume rm":
        for name in args:
            engine.volumes.get(name).remove(force=parsed.has("-f"))
        return None
    if verb == "volume prune":
        filters = parsed.filters()
        if parsed.has("--all"):
            filters["all"] = ["true"]
        return engine.volumes.prune(filters=filters)
    if verb == "volume ls":
        return engine.volumes.list(filters=parsed.filters() or None)
    if verb == "volume inspect":
        return engine.volumes.get(args[0])
    if verb == "image rm":
        for ref in args:
            engine.images.remove(ref, force=parsed.has("-f"))
        return None
    if verb == "image inspect":
        return engine.images.get(args[0])
    if verb == "image history":
        return engine.api.history(args[0])
    if verb == "image save":
        return engine.api.get_image(args[0], chunk_size=1024 * 1024)
    if verb == "image ls":  # the rows as the Engine lists them (with --tree, its manifests)
        api = engine.api
        filters = parsed.filters()
        if args:
            filters["reference"] = list(args)
        params = {"filters": json.dumps(filters)} if filters else {}
        if parsed.has("-a"):
            params["all"] = "1"
        if parsed.has("--tree"):
            params["manifests"] = "1"
        url = f"{api.base_url}/v{api.api_version}/images/json"
        response = api.get(url, params=params)
        response.raise_for_status()
        return response.json()
    if verb == "ps":
        filters = parsed.filters()
        return engine.api.containers(
            all=parsed.has("-a"), size=parsed.has("-s"), filters=filters or None
        )
    if verb == "diff":
        return _container(args[0]).diff() or []
    if verb == "cp":
        name, _, path = args[0].partition(":")
        archive = _container(name).get_archive(path)
        return archive if args[1] == "-" else _extract(archive[0], args[1])
    if verb == "inspect":
        return [_container(name).attrs for name in args]
    if verb == "logs":
        return _container(args[0]).logs()
    if verb == "system df":
        return engine.df()
    if verb == "info":
        return engine.info()
    if verb == "version":
        return engine.version()
    if verb == "pull":
        return engine.images.pull(args[0])
    if verb == "plugin ls":  # the SDK lists them all: the capability filter as the CLI applies it
        wanted = parsed.filters().get("capability", [])
        return [p for p in engine.plugins.list() if _has_capability(p, wanted)]
    if verb == "network ls":
        return engine.networks.list(filters=parsed.filters() or None)
    if verb == "network rm":
        for name in args:
            engine.networks.get(name).remove()
        return None
    raise ValueError(f"the lab does not carry out `docker {verb}` through the SDK")
