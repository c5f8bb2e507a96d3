"""Containers, mounts and what sits in their writable layers.

Every function shows the `docker ...` command it stands for and returns plain dataclasses.
"""

from __future__ import annotations

import os
import shlex
import time

from ._display import announce, cli
from ._engine import client, engine_step
from ._errors import BadInput, CommandFailed, LabError, NotEnoughSpace
from ._labels import is_lab_owned, lab_labels
from ._ownership import check_volume_name, claim_container_name, find_container, find_image
from ._results import result
from ._units import MIB, si

LESSON_IMAGE = "my-image"
STOP_TIMEOUT_S = 10


@result
class MountSpec:
    """A mount asked for: `kind` is "volume", "bind" or "tmpfs".

    A volume with an empty `source` is an anonymous volume (`docker run -v /target`).
    """

    kind: str
    source: str
    target: str
    read_only: bool = False

    def cli_args(self) -> list[str]:
        ro = ":ro" if self.read_only else ""
        if self.kind == "tmpfs":
            return ["--tmpfs", self.target]
        if self.kind == "volume" and not self.source:
            # What `-v TARGET` does, plus the lab's label on the new volume (the Engine labels
            # an anonymous volume only when asked this way).
            readonly = ",readonly" if self.read_only else ""
            return ["--mount", f"type=volume,dst={self.target}{readonly},{ANON_VOLUME_LABEL}"]
        return ["-v", f"{self.source}:{self.target}{ro}"]


ANON_VOLUME_LABEL = "volume-label=io.labhelpers.managed=true"


def volume_mount(volume: str, target: str, read_only: bool = False) -> MountSpec:
    """`-v VOLUME:TARGET`: a named volume (created, labelled, if it does not exist yet)."""
    return MountSpec("volume", volume, target, read_only)


def anonymous_volume(target: str) -> MountSpec:
    """`-v TARGET`: an anonymous volume (the lab labels it, so cleanup finds it)."""
    return MountSpec("volume", "", target)


def bind_mount(host_path: str | os.PathLike, target: str, read_only: bool = False) -> MountSpec:
    """`-v /host/path:TARGET`: a host directory or file.

    Raises:
        BadInput: the host path does not exist (Docker would silently create a root-owned
            directory there; the lab refuses instead).
    """
    path = os.path.abspath(os.fspath(host_path))
    if not os.path.exists(path):
        raise BadInput(
            f"Cannot bind-mount {path}: it does not exist on this machine.",
            "`docker run -v` would quietly create an empty directory owned by root there, "
            "which is rarely what you meant (`--mount type=bind` refuses instead).",
            f"create it first (`mkdir -p {path}`) or fix the path.",
        )
    return MountSpec("bind", path, target, read_only)


def tmpfs_mount(target: str) -> MountSpec:
    """`--tmpfs TARGET`: memory-backed, gone when the container stops."""
    return MountSpec("tmpfs", "", target)


def _sdk_mount(spec: MountSpec):
    import docker

    if spec.kind == "tmpfs":
        return docker.types.Mount(spec.target, None, type="tmpfs")
    if spec.kind == "volume":
        return docker.types.Mount(
            spec.target,
            spec.source or None,
            type="volume",
            read_only=spec.read_only,
            labels=lab_labels(),
        )
    if spec.kind == "bind":
        return docker.types.Mount(spec.target, spec.source, type="bind", read_only=spec.read_only)
    raise BadInput(
        f"Unknown mount type '{spec.kind}'.",
        "the lab knows volume, bind and tmpfs.",
        "use volume_mount(), bind_mount() or tmpfs_mount().",
    )


@result
class MountInfo:
    """One mount of a container, as `docker inspect` shows it."""

    kind: str
    source: str
    destination: str
    read_write: bool
    volume_name: str
    driver: str


@result
class ContainerInfo:
    """A container's identity, state and mounts."""

    name: str
    id: str
    image: str
    status: str
    mounts: tuple
    command: str


def _container_info(container, command: str = "") -> ContainerInfo:
    container.reload()
    mounts = tuple(
        MountInfo(
            m.get("Type", ""),
            m.get("Source", ""),
            m.get("Destination", ""),
            bool(m.get("RW", True)),
            m.get("Name", ""),
            m.get("Driver", ""),
        )
        for m in container.attrs.get("Mounts", [])
    )
    image = container.attrs.get("Config", {}).get("Image", "")
    return ContainerInfo(
        container.name, container.id[:12], image, container.status, mounts, command
    )


def _ensure_volume_for(spec: MountSpec) -> None:
    if spec.kind == "volume" and spec.source and check_volume_name(spec.source) is None:
        announce(cli("volume", "create", "--label", "io.labhelpers.managed=true", spec.source))
        client().volumes.create(spec.source, labels=lab_labels())


@engine_step("run the container")
def run_container(
    name: str,
    image: str = LESSON_IMAGE,
    mounts: tuple | list = (),
    command: str | list[str] | None = None,
    init: bool = True,
    user: str | None = None,
) -> ContainerInfo:
    """`docker run -d --init --name NAME [mounts] IMAGE [command]`.

    An earlier lab container of that name is replaced; a learner's container of that name stops
    the lab with NameClash. Named volumes in `mounts` are created (labelled) if missing.

    `init` runs a tiny init process as PID 1: it forwards SIGTERM, so `docker stop` returns at
    once instead of waiting STOP_TIMEOUT_S for a process that ignores the signal.

    Returns:
        ContainerInfo of the running container.
    Raises:
        NameClash, BadInput, EngineError, DockerUnavailable.
    """
    if find_image(image) is None:
        raise BadInput(
            f"Cannot run '{name}': there is no image '{image}' in the Engine.",
            "it has not been built yet (or was removed by a cleanup).",
            "build it first: run notebook 01, or `lh.ensure_lesson_image()`.",
        )
    claim_container_name(name)
    for spec in mounts:
        _ensure_volume_for(spec)
    argv = ["run", "-d"] + (["--init"] if init else []) + ["--name", name]
    argv += ["--label", "io.labhelpers.managed=true"]
    if user:
        argv += ["--user", user]
    for spec in mounts:
        argv += spec.cli_args()
    argv.append(image)
    if command:
        argv += shlex.split(command) if isinstance(command, str) else list(command)
    shown = cli(*argv)
    announce(shown)
    container = client().containers.run(
        image,
        command,
        name=name,
        detach=True,
        init=init,
        labels=lab_labels(),
        user=user,
        mounts=[_sdk_mount(spec) for spec in mounts],
    )
    return _container_info(container, shown)


def _lab_container(name: str):
    container = find_container(name)
    if container is None:
        raise BadInput(
            f"There is no container named '{name}'.",
            "it was never created, or it was removed.",
            "create it first (run the cell that starts it), then try again.",
        )
    if not is_lab_owned(container.labels):
        raise BadInput(
            f"The container '{name}' is not the lab's.",
            "it has no lab labels, so it is yours and the lab leaves it alone.",
            "use the lab's containers, or pass another name.",
        )
    return container


@result
class ExecResult:
    """The outcome of `docker exec`."""

    container: str
    command: str
    exit_code: int
    output: str


@engine_step("run a command in the container")
def exec_in(name: str, command: str, check: bool = True, echo: bool = True) -> ExecResult:
    """`docker exec NAME sh -c COMMAND`.

    Raises:
        CommandFailed: the command exited non-zero (when `check`).
    """
    container = _lab_container(name)
    shown = cli("exec", name, "sh", "-c", command)
    if echo:
        announce(shown)
    if container.status != "running":
        raise BadInput(
            f"Cannot run a command in '{name}': it is {container.status}.",
            "`docker exec` needs a running container.",
            f"start it first (`docker start {name}`).",
        )
    exit_code, output = container.exec_run(["sh", "-c", command])
    text = output.decode(errors="replace") if isinstance(output, bytes) else str(output)
    if check and exit_code != 0:
        raise CommandFailed(
            f"`{command}` failed in '{name}' (exit status {exit_code}).",
            f"it printed: {text.strip()[-300:] or '(nothing)'}",
            "check the path and the command, then try again.",
            exit_code,
            text,
        )
    return ExecResult(name, shown, exit_code, text)


@engine_step("measure free space")
def free_bytes(name: str, path: str = "/") -> int:
    """Free bytes on the filesystem that holds `path` inside the container (df, as root sees it)."""
    out = exec_in(name, f"df -P -B1 {shlex.quote(path)} | tail -n 1", echo=False).output.split()
    return int(out[3])


@result
class WriteResult:
    """Data written into a container."""

    container: str
    path: str
    size_bytes: int
    seconds: float
    command: str


@engine_step("write data into the container")
def write_data(
    name: str, size_mib: float, path: str = "/app/delta.bin", sync: bool = False
) -> WriteResult:
    """Write `size_mib` MiB of new data to `path` inside a running lab container, with dd.

    The data is zeros: size is what the writable layer accounts, not content. `sync` adds
    conv=fsync so the timing includes reaching the disk.

    Raises:
        BadInput: a negative or absurd size.
        NotEnoughSpace: it would not fit on the filesystem behind `path` (the Engine's disk, a
            tmpfs's memory): nothing is written.
    """
    if not isinstance(size_mib, (int, float)) or size_mib < 0 or size_mib != size_mib:
        raise BadInput(
            f"Cannot write {size_mib!r} MiB.",
            "the size must be a number >= 0.",
            "pass a size such as 4 (MiB).",
        )
    size_bytes = round(size_mib * MIB)
    directory = os.path.dirname(path) or "/"
    free = free_bytes(name, directory)
    margin = 64 * MIB
    if size_bytes + margin > free:
        raise NotEnoughSpace(
            f"Not writing {si(size_bytes)} to {name}:{path}.",
            f"the filesystem behind {directory} has only {si(free)} free "
            f"(and the lab keeps {si(margin)} spare).",
            "pick a smaller size, or free space (`docker system prune` removes unused data).",
            size_bytes,
            free,
        )
    count, rest = divmod(size_bytes, MIB)
    fsync = " conv=fsync" if sync else ""
    quoted = shlex.quote(path)
    script = (
        f"mkdir -p {shlex.quote(directory)} && "
        f"dd if=/dev/zero of={quoted} bs=1M count={count}{fsync} status=none"
    )
    if rest:
        script += f" && head -c {rest} /dev/zero >> {quoted}"
    started = time.perf_counter()
    result_ = exec_in(name, script)
    return WriteResult(name, path, size_bytes, time.perf_counter() - started, result_.command)


@engine_step("read a file in the container")
def read_file(name: str, path: str) -> str:
    """`docker exec NAME cat PATH`: the file's text."""
    return exec_in(name, f"cat {shlex.quote(path)}").output


def _lifecycle(name: str, verb: str) -> ContainerInfo:
    container = _lab_container(name)
    argv = [verb, name]
    announce(cli(*argv))
    if verb == "stop":
        container.stop(timeout=STOP_TIMEOUT_S)
    elif verb == "start":
        container.start()
    elif verb == "restart":
        container.restart(timeout=STOP_TIMEOUT_S)
    return _container_info(container, cli(*argv))


@engine_step("stop the container")
def stop_container(name: str) -> ContainerInfo:
    """`docker stop NAME` (SIGTERM, then SIGKILL after STOP_TIMEOUT_S)."""
    return _lifecycle(name, "stop")


@engine_step("start the container")
def start_container(name: str) -> ContainerInfo:
    """`docker start NAME`."""
    return _lifecycle(name, "start")


@engine_step("restart the container")
def restart_container(name: str) -> ContainerInfo:
    """`docker restart NAME`."""
    return _lifecycle(name, "restart")


@engine_step("remove the container")
def remove_container(name: str, volumes: bool = False, force: bool = True) -> str:
    """`docker rm [-f] [-v] NAME`: returns the command shown. Missing containers are fine."""
    container = find_container(name)
    argv = ["rm"] + (["-f"] if force else []) + (["-v"] if volumes else []) + [name]
    shown = cli(*argv)
    announce(shown)
    if container is None:
        return shown
    if not is_lab_owned(container.labels):
        raise BadInput(
            f"Not removing '{name}': the lab did not create it.",
            "it has no lab labels, so it is yours.",
            "remove it yourself if you mean to.",
        )
    container.remove(force=force, v=volumes)
    return shown


@result
class ContainerSize:
    """`docker ps -s` for one container: its writable layer and its virtual size."""

    name: str
    status: str
    writable_layer_bytes: int
    virtual_bytes: int

    @property
    def writable_layer(self) -> str:
        return si(self.writable_layer_bytes)


@engine_step("measure container sizes")
def container_sizes(names: tuple | list | None = None) -> tuple:
    """`docker ps -a -s`: the writable-layer size (the Engine's SizeRw) of the lab's containers.

    Returns:
        ContainerSize per container, in the order of `names` (or by name).
    """
    announce(cli("ps", "-a", "-s", "--filter", "label=io.labhelpers.managed=true"))
    rows = client().api.containers(
        all=True, size=True, filters={"label": ["io.labhelpers.managed=true"]}
    )
    by_name = {row["Names"][0].lstrip("/"): row for row in rows}
    wanted = list(names) if names is not None else sorted(by_name)
    missing = [n for n in wanted if n not in by_name]
    if missing:
        raise BadInput(
            f"No lab container named {', '.join(missing)}.",
            "it was not created yet, or it was removed.",
            "create it first.",
        )
    return tuple(
        ContainerSize(
            n,
            by_name[n]["State"],
            int(by_name[n].get("SizeRw") or 0),
            int(by_name[n].get("SizeRootFs") or 0),
        )
        for n in wanted
    )


@result
class DiffEntry:
    """One line of `docker diff`: kind is "A" (added), "C" (changed) or "D" (deleted)."""

    kind: str
    path: str


@engine_step("list the container's changes")
def diff(name: str) -> tuple:
    """`docker diff NAME`: what the writable layer holds, compared with the image."""
    container = _lab_container(name)
    announce(cli("diff", name))
    kinds = {0: "C", 1: "A", 2: "D"}
    return tuple(DiffEntry(kinds.get(c["Kind"], "?"), c["Path"]) for c in container.diff() or [])


@result
class StorageLayout:
    """Where the storage driver keeps a container's files (from `docker inspect`)."""

    container: str
    driver: str
    data: dict


@engine_step("inspect the container's storage")
def storage_layout(name: str) -> StorageLayout:
    """`docker inspect -f '{{json .GraphDriver}}' NAME`: driver name and its directories."""
    container = _lab_container(name)
    announce(cli("inspect", "-f", "{{json .GraphDriver}}", name))
    graph = container.attrs.get("GraphDriver") or {}
    return StorageLayout(name, graph.get("Name", ""), dict(graph.get("Data") or {}))


def require(condition: bool, what: str, why: str, todo: str) -> None:
    """Raise a LabError unless `condition` holds (for helpers' own preconditions)."""
    if not condition:
        raise LabError(what, why, todo)
