"""Containers: run, inspect, exec, copy out, stop/start/remove, sizes and what their writable
layers hold.

Every function shows the `docker ...` command it stands for and returns plain dataclasses. A
container of the learner's (no lab label) may be read, never changed.
"""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import tarfile
import time
from pathlib import Path

from ..core.echo import announce, cli
from ..core.errors import BadInput, CommandFailed, NotEnoughSpace
from ..core.inputs import check_image_ref, check_name, check_size_mib
from ..core.labels import MANAGED, is_lab_owned, lab_labels
from ..core.results import result
from ..core.sessions import held_by
from ..core.units import MIB, si
from . import audit
from .connection import client
from .mounts import MountSpec, sdk_mounts
from .names import forget, real
from .ownership import NameHeld, check_volume_name, claim_container_name
from .step import engine_step

__all__ = [
    "LESSON_IMAGE",
    "STOP_TIMEOUT_S",
    "ContainerDetails",
    "ContainerInfo",
    "ContainerSize",
    "ContainerSummary",
    "CopiedFile",
    "DiffEntry",
    "ExecResult",
    "LayerEntry",
    "LayerFiles",
    "MountInfo",
    "RootMount",
    "RunOutput",
    "StorageLayout",
    "WriteResult",
    "check_size_mib",
    "container_logs",
    "container_sizes",
    "copy_file_from",
    "copy_to_host",
    "create_container",
    "diff",
    "exec_in",
    "find_container",
    "free_bytes",
    "lab_container",
    "layer_files",
    "list_containers",
    "read_file",
    "remove_container",
    "remove_created_container",
    "restart_container",
    "root_mount",
    "run_container",
    "run_once",
    "start_container",
    "stop_container",
    "storage_layout",
    "wait_until_gone",
    "write_data",
]

LESSON_IMAGE = "my-image"
STOP_TIMEOUT_S = 10
DISK_MARGIN_BYTES = 64 * MIB  # what a write leaves free on the Engine's disk


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
    """A container's identity, state and mounts, and the command that made or changed it."""

    name: str
    id: str
    image: str
    status: str
    mounts: tuple
    command: str


@result
class ContainerDetails:
    """`docker inspect NAME`, reduced to what the lessons read.

    `graph_driver` and `graph_data` are the storage driver's name and directories (`GraphDriver`:
    overlay2's LowerDir/UpperDir/MergedDir/WorkDir; empty with the containerd image store).
    `tmpfs` maps each `--tmpfs` target to its options."""

    name: str
    id: str
    image: str
    status: str
    exit_code: int
    labels: dict
    mounts: tuple
    graph_driver: str
    graph_data: dict
    tmpfs: dict
    lab_owned: bool

    def mount_at(self, destination: str) -> MountInfo | None:
        return next((m for m in self.mounts if m.destination == destination), None)


def _mounts(attrs: dict) -> tuple:
    return tuple(
        MountInfo(
            m.get("Type", ""),
            m.get("Source", ""),
            m.get("Destination", ""),
            bool(m.get("RW", True)),
            m.get("Name", ""),
            m.get("Driver", ""),
        )
        for m in attrs.get("Mounts") or []
    )


def _details(container) -> ContainerDetails:
    attrs = container.attrs
    graph = attrs.get("GraphDriver") or {}
    labels = dict((attrs.get("Config") or {}).get("Labels") or {})
    return ContainerDetails(
        container.name,
        container.id[:12],
        (attrs.get("Config") or {}).get("Image", ""),
        (attrs.get("State") or {}).get("Status", container.status),
        int((attrs.get("State") or {}).get("ExitCode") or 0),
        labels,
        _mounts(attrs),
        graph.get("Name", ""),
        dict(graph.get("Data") or {}),
        dict((attrs.get("HostConfig") or {}).get("Tmpfs") or {}),
        is_lab_owned(labels),
    )


def _info(container, command: str = "") -> ContainerInfo:
    import docker

    try:
        container.reload()
        status = container.status
    except docker.errors.NotFound:  # started with --rm: the Engine removed it as it exited
        status = "removed"
    image = (container.attrs.get("Config") or {}).get("Image", "")
    return ContainerInfo(
        container.name, container.id[:12], image, status, _mounts(container.attrs), command
    )


def _sdk_container(name: str):
    import docker

    try:
        return client().containers.get(name)
    except docker.errors.NotFound:
        return None


@engine_step("look up the container")
def find_container(name: str) -> ContainerDetails | None:
    """`docker inspect NAME` (without echo): the container's details, or None if there is none.
    Any container may be read, the learner's too."""
    name = real(name, "container")
    found = _sdk_container(name)
    return None if found is None else _details(found)


def _no_container(name: str) -> BadInput:
    return BadInput(
        f"There is no container named '{name}'.",
        "it was never created, or it was removed.",
        "create it first (run the cell that starts it), then try again.",
    )


def _lab_sdk_container(name: str):
    container = _sdk_container(name)
    if container is None:
        raise _no_container(name)
    if not is_lab_owned(container.labels):
        raise BadInput(
            f"The container '{name}' is not the lab's.",
            "it has no lab labels, so it is yours and the lab leaves it alone.",
            "use the lab's containers, or pass another name.",
        )
    return container


@engine_step("look up the lab's container")
def lab_container(name: str) -> ContainerDetails:
    """The lab's container NAME.

    Raises:
        BadInput: there is none, or it is the learner's.
    """
    name = real(name, "container")
    return _details(_lab_sdk_container(name))


def _ensure_volume_for(spec: MountSpec) -> None:
    source = real(spec.source, "volume", creates=True) if spec.kind == "volume" else ""
    if source and check_volume_name(source) is None:
        announce(cli("volume", "create", "--label", f"{MANAGED}=true", source))
        client().volumes.create(source, labels=lab_labels())


def _require_image(image: str, what: str) -> None:
    import docker

    try:
        client().images.get(image)
    except docker.errors.ImageNotFound:
        raise BadInput(
            f"Cannot {what}: there is no image '{image}' in the Engine.",
            "it has not been built yet (or was removed by a cleanup).",
            "build it first: run notebook 01, or `lh.ensure_lesson_image()`.",
        ) from None


def _command(command: str | list[str] | tuple | None) -> list[str]:
    if not command:
        return []
    return shlex.split(command) if isinstance(command, str) else list(command)


def _check_run(
    name: str, image: str = LESSON_IMAGE, mounts: tuple | list = (), *_: object, **__: object
) -> None:
    check_name(name, "container")
    check_image_ref(image)
    for spec in mounts:
        if not isinstance(spec, MountSpec):
            raise BadInput(
                f"{spec!r} is not a mount.",
                "mounts are made by the lab's helpers.",
                "use lh.volume_mount(), lh.bind_mount() or lh.tmpfs_mount().",
            )


def _remove_unstarted(name: str, exc: Exception) -> None:
    """The Engine created NAME but refused to start it: remove it (a run that failed leaves
    nothing), and raise the lab's own message for a bind mount of the wrong type."""
    import re

    from ..core.labels import SESSION, SESSION_ID

    found = _sdk_container(name)
    if (
        found is not None
        and found.status == "created"
        and is_lab_owned(found.labels)
        and found.labels.get(SESSION) == SESSION_ID
    ):
        announce(cli("rm", name) + "   # created, but the Engine refused to start it")
        found.remove(force=True, v=True)
    said = str(getattr(exc, "explanation", "") or exc)
    if "not a directory" in said or "mount a directory onto a file" in said:
        where = re.search(r'mounting "([^"]+)" to rootfs at "([^"]+)"', said)
        mount = f"{where[1]} at {where[2]}" if where else "one of its bind mounts"
        raise BadInput(
            f"Cannot start '{name}': the bind mount of {mount} puts a file over a folder (or a "
            "folder over a file).",
            "a bind mount keeps the kind of what it covers: a file at a file's path, a folder at a "
            "folder's; the Engine refused to start the container, and the lab removed it again.",
            "bind-mount a folder at a folder (or a file at a path that is no folder in the image).",
        ) from exc


@engine_step("run the container", validate=_check_run)
def run_container(
    name: str,
    image: str = LESSON_IMAGE,
    mounts: tuple | list = (),
    command: str | list[str] | None = None,
    init: bool = True,
    user: str | None = None,
    auto_remove: bool = False,
    extra_labels: dict | None = None,
) -> ContainerInfo:
    """`docker run -d [--rm] --init --name NAME [mounts] IMAGE [command]`.

    An earlier lab container of that name is replaced; a learner's container of that name stops
    the lab with NameClash. Named volumes in `mounts` are created (labelled) if missing.

    `init` runs a tiny init process as PID 1: it forwards SIGTERM, so `docker stop` returns at
    once instead of waiting STOP_TIMEOUT_S for a process that ignores the signal.

    Returns:
        ContainerInfo of the running container.
    Raises:
        NameClash, BadInput, EngineError, DockerUnavailable.
    """
    import docker

    wanted = name
    for attempt in (1, 2):
        name = real(wanted, "container", creates=True)
        image = real(image, "image")
        _require_image(image, f"run '{name}'")
        try:
            claim_container_name(name)
        except NameHeld:
            if attempt == 2:
                raise
            forget(name)
            continue
        for spec in mounts:
            _ensure_volume_for(spec)
        labels = {**lab_labels(), **(extra_labels or {})}
        argv = ["run", "-d"] + (["--rm"] if auto_remove else []) + (["--init"] if init else [])
        argv += ["--name", name, "--label", f"{MANAGED}=true"]
        argv += [a for k, v in (extra_labels or {}).items() for a in ("--label", f"{k}={v}")]
        if user:
            argv += ["--user", user]
        for spec in mounts:
            argv += spec.cli_args()
        argv += [image, *_command(command)]
        shown = cli(*argv)
        announce(shown)
        sdk, volumes = sdk_mounts(mounts)
        try:
            container = client().containers.run(
                image,
                _command(command) or None,
                name=name,
                detach=True,
                init=init,
                auto_remove=auto_remove,
                labels=labels,
                user=user,
                mounts=sdk,
                volumes=volumes or None,
            )
            break
        except docker.errors.APIError as exc:
            # Another kernel took the name between the lab's look and its create: this
            # session's suffixed name then (once).
            if exc.status_code != 409 or attempt == 2:
                if exc.status_code != 409:
                    _remove_unstarted(name, exc)
                raise
            forget(name, taken=True)
    audit.container_created(container, "lab")
    return _info(container, shown)


def _from(source: str) -> str:
    """A `--volumes-from` argument with the container's real name (`NAME` or `NAME:ro`)."""
    name, colon, mode = source.partition(":")
    return real(name) + colon + mode


@result
class RunOutput:
    """What a throw-away `docker run --rm` printed, and how it exited."""

    command: str
    exit_code: int
    output: str


@engine_step("run a helper container")
def run_once(
    image: str,
    command: str | list[str],
    mounts: tuple | list = (),
    user: str | None = None,
    volumes_from: tuple | list = (),
    network: bool = False,
    check: bool = True,
    echo: str | None = None,
    writes: bool = False,
) -> RunOutput:
    """`docker run --rm [--network none] [--user U] [mounts] IMAGE COMMAND`: a labelled throw-away
    container; returns what it printed (stdout and stderr) and its exit code.

    Helper containers get no network unless `network`, and a helper that only reads mounts
    everything read-only: say `writes=True` when the command writes into a mount (the safety
    audit checks both). `echo` replaces the command shown (a shorter form of the same command).

    Raises:
        CommandFailed: the command exited non-zero (when `check`).
        EngineError: the Engine refused to start it (its reason in `.engine_said`).
    """
    image = real(image, "image")
    volumes_from = [_from(n) for n in volumes_from]
    import docker

    argv = ["run", "--rm"] + ([] if network else ["--network", "none"])
    if user:
        argv += ["--user", user]
    for source in volumes_from:
        argv += ["--volumes-from", source]
    for spec in mounts:
        argv += spec.cli_args()
    argv += [image, *_command(command)]
    shown = echo or cli(*argv)
    announce(shown)
    sdk, volumes = sdk_mounts(mounts)
    settings = {
        "labels": lab_labels(),
        "user": user,
        "mounts": sdk,
        "volumes": volumes or None,
        "volumes_from": list(volumes_from) or None,
        "network_mode": None if network else "none",
    }
    try:
        helper = client().containers.create(image, _command(command), **settings)
    except docker.errors.ImageNotFound:
        client().images.pull(image)  # as `docker run` would
        helper = client().containers.create(image, _command(command), **settings)
    # Not the SDK's containers.run: it removes the container before it has read the output it
    # streams, and then now and then returns b'' (seen on Engine 20.10, about 1 run in 10 on a
    # busy machine). Here the output is read once the container has exited, then it is removed.
    audit.container_created(helper, "helper", writes=writes, network=network)
    try:
        # Attached before it starts, as `docker run` attaches: the stream ends once the container
        # closed its output, so all of it is read and a command that prints nothing costs no
        # wait. Read from the logs after `wait` instead (the way back, below), output can still
        # be on its way: the Engine marks a container exited after waiting at most 2 s for its
        # output to be logged (seen on a busy machine: an `ls` of a full volume read back as
        # nothing), so an empty answer is asked again for up to 1.5 s.
        streamed = None
        attached = client().api.attach(helper.id, stdout=True, stderr=True, stream=True, logs=True)
        try:
            helper.start()
            with contextlib.suppress(OSError):  # silent for longer than the client's timeout
                streamed = b"".join(attached)
        finally:
            attached.close()
        exit_code = int(helper.wait().get("StatusCode", -1))
        out = streamed if exit_code == 0 and streamed is not None else None
        if out is None:
            out = helper.logs(stdout=exit_code == 0, stderr=True)
            for pause in (0.1, 0.2, 0.4, 0.8):
                if out:
                    break
                time.sleep(pause)
                out = helper.logs(stdout=exit_code == 0, stderr=True)
    finally:
        audit.removed("container", helper.name, helper.labels)
        helper.remove(force=True)
    text = out.decode(errors="replace") if isinstance(out, bytes) else str(out)
    if exit_code == 0:
        return RunOutput(shown, 0, text)
    text = text.strip()
    if check:
        raise CommandFailed(
            f"`{shlex.join(_command(command))}` failed in a helper container "
            f"(exit status {exit_code}).",
            f"it printed: {text[-300:] or '(nothing)'}",
            "check the paths in the command, and that the mounts hold them.",
            exit_code,
            text,
        )
    return RunOutput(shown, exit_code, text)


@engine_step("create the container", validate=_check_run)
def create_container(
    name: str, image: str = LESSON_IMAGE, labelled: bool = True, mounts: tuple | list = ()
) -> ContainerDetails:
    """`docker create --name NAME [mounts] IMAGE` (with the lab's labels unless `labelled` is
    False: then it carries only what it inherits from its image; remove it at once). Named
    volumes in `mounts` are created (labelled) if missing."""
    name = real(name, "container", creates=True)
    image = real(image, "image")
    _require_image(image, f"create '{name}'")
    claim_container_name(name)
    for spec in mounts:
        _ensure_volume_for(spec)
    argv = ["create", "--name", name]
    if labelled:
        argv += ["--label", f"{MANAGED}=true"]
    for spec in mounts:
        argv += spec.cli_args()
    announce(cli(*argv, image))
    sdk, volumes = sdk_mounts(mounts)
    created = client().containers.create(
        image,
        name=name,
        labels=lab_labels() if labelled else None,
        mounts=sdk or None,
        volumes=volumes or None,
    )
    audit.container_created(created, "lab" if labelled else "label-demo")
    return _details(created)


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
    name = real(name, "container")
    container = _lab_sdk_container(name)
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
    """Free bytes on the filesystem that holds `path` inside the container (df, as root sees it).

    Raises:
        CommandFailed: df printed nothing usable twice in a row.
    """
    name = real(name, "container")
    command = f"df -P -B1 {shlex.quote(path)} | tail -n 1"
    for _ in range(2):  # seen once: an empty answer from df in a container just started
        done = exec_in(name, command, echo=False)
        fields = done.output.split()
        if len(fields) >= 4 and fields[3].isdigit():
            return int(fields[3])
        time.sleep(0.2)
    raise CommandFailed(
        f"Could not measure the free space behind {path} in '{name}'.",
        f"`{command}` printed {done.output.strip()[:200]!r}, not a df line.",
        "run the cell again; if it keeps failing, check that the container runs (`docker ps`).",
        done.exit_code,
        done.output,
    )


@result
class WriteResult:
    """Data written into a container."""

    container: str
    path: str
    size_bytes: int
    seconds: float
    command: str


def _refuse_read_only(name: str, path: str) -> None:
    """Raise BadInput when PATH in the lab's container NAME lies on a read-only mount."""
    mounts = _mounts(_lab_sdk_container(name).attrs)
    holding = max(
        (
            m
            for m in mounts
            if path == m.destination or path.startswith(m.destination.rstrip("/") + "/")
        ),
        key=lambda m: len(m.destination),
        default=None,
    )
    if holding is not None and not holding.read_write:
        source = holding.volume_name or holding.source
        raise BadInput(
            f"Not writing to {name}:{path}: {holding.destination} is mounted read-only.",
            f"'{name}' mounts {source} at {holding.destination} with :ro, so nothing in the "
            "container may write there (the write would fail with 'Read-only file system').",
            "write to a path outside that mount, or to a container that mounts it without :ro.",
        )


def _check_write(name: str, size_mib: float, path: str = "", sync: bool = False) -> None:
    check_size_mib(size_mib)


@engine_step("write data into the container", validate=_check_write)
def write_data(
    name: str, size_mib: float, path: str = "/app/delta.bin", sync: bool = False
) -> WriteResult:
    """Write `size_mib` MiB of new data to `path` inside a running lab container, with dd.

    The data is zeros: size is what the writable layer accounts, not content. `sync` adds
    conv=fsync so the timing includes reaching the disk.

    Raises:
        BadInput: a size that is not a number >= 0, or `path` on a read-only mount.
        NotEnoughSpace: it would not fit on the filesystem behind `path` (the Engine's disk, a
            tmpfs's memory): nothing is written.
    """
    name = real(name, "container")
    _refuse_read_only(name, path)
    size_bytes = round(size_mib * MIB)
    directory = os.path.dirname(path) or "/"
    free = free_bytes(name, directory)
    if size_bytes + DISK_MARGIN_BYTES > free:
        raise NotEnoughSpace(
            f"Not writing {si(size_bytes)} to {name}:{path}.",
            f"the filesystem behind {directory} has only {si(free)} free "
            f"(and the lab keeps {si(DISK_MARGIN_BYTES)} spare).",
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
    try:
        done = exec_in(name, script)
    except BaseException:  # interrupted (KeyboardInterrupt), or dd failed (the disk filled up)
        _undo_write(name, path)
        raise
    return WriteResult(name, path, size_bytes, time.perf_counter() - started, done.command)


def _undo_write(name: str, path: str) -> None:
    """After a write that did not finish: stop its dd (an interrupted `docker exec` goes on in the
    container) and remove the part written, so nothing half-written stays in the layer."""
    writing = shlex.quote(f"dd if=/dev/zero of={path} ") + "*"
    script = (
        "for p in /proc/[0-9]*; do "
        f'case "$(tr "\\0" " " < $p/cmdline 2>/dev/null)" in {writing}) kill ${{p#/proc/}};; esac; '
        f"done; rm -f {shlex.quote(path)}"
    )
    announce(cli("exec", name, "rm", "-f", path) + "   # the write did not finish")
    with contextlib.suppress(Exception):  # else the Engine or the container is gone, with it
        exec_in(name, script, echo=False)


@engine_step("read a file in the container")
def read_file(name: str, path: str) -> str:
    """`docker exec NAME cat PATH`: the file's text."""
    name = real(name, "container")
    return exec_in(name, f"cat {shlex.quote(path)}").output


def _lifecycle(name: str, verb: str) -> ContainerInfo:
    container = _lab_sdk_container(name)
    shown = cli(verb, name)
    announce(shown)
    if verb == "stop":
        container.stop(timeout=STOP_TIMEOUT_S)
    elif verb == "start":
        container.start()
    elif verb == "restart":
        container.restart(timeout=STOP_TIMEOUT_S)
    return _info(container, shown)


@engine_step("stop the container")
def stop_container(name: str) -> ContainerInfo:
    """`docker stop NAME` (SIGTERM, then SIGKILL after STOP_TIMEOUT_S)."""
    name = real(name, "container")
    return _lifecycle(name, "stop")


@engine_step("start the container")
def start_container(name: str) -> ContainerInfo:
    """`docker start NAME`."""
    name = real(name, "container")
    return _lifecycle(name, "start")


@engine_step("restart the container")
def restart_container(name: str) -> ContainerInfo:
    """`docker restart NAME`."""
    name = real(name, "container")
    return _lifecycle(name, "restart")


@engine_step("remove the container")
def remove_container(name: str, volumes: bool = False, force: bool = True) -> str:
    """`docker rm [-f] [-v] NAME`: returns the command shown. Missing containers are fine.

    Raises:
        BadInput: the container is the learner's.
    """
    name = real(name, "container")
    container = _sdk_container(name)
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
    audit.removed("container", name, container.labels)
    container.remove(force=force, v=volumes)
    return shown


@engine_step("wait for the container to go")
def wait_until_gone(name: str, timeout_s: float = 10) -> bool:
    """Wait up to `timeout_s` for NAME to disappear (`--rm` after it exits); True if it did."""
    name = real(name, "container")
    deadline = time.monotonic() + timeout_s
    while _sdk_container(name) is not None:
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


@engine_step("read the container's logs")
def container_logs(name: str, stdout: bool = True, stderr: bool = True) -> str:
    """`docker logs NAME`: what the container printed so far (`stdout`, `stderr`: which of its
    two streams; their lines interleave in the order they arrived, which may differ run to run).
    """
    name = real(name, "container")
    container = _sdk_container(name)
    if container is None:
        raise _no_container(name)
    return container.logs(stdout=stdout, stderr=stderr).decode(errors="replace")


@result
class ContainerSummary:
    """One row of `docker ps -a`."""

    name: str
    id: str
    state: str
    image: str
    labels: dict
    lab_owned: bool

    @property
    def replaceable(self) -> bool:
        """The lab's, and this session's or a stale one's: never another live kernel's."""
        return self.lab_owned and held_by(self.labels) in ("this session", "a stale session")


@engine_step("list containers")
def list_containers(
    label: str | tuple | list = (), name_prefix: str = "", echo: bool = False
) -> tuple:
    """`docker ps -a [--filter label=L ...]`: every container (the learner's too), optionally only
    those with each label in `label` (`key` or `key=value`) and a name starting `name_prefix`.

    Returns:
        ContainerSummary per container, by name.
    """
    if name_prefix:
        name_prefix = real(name_prefix)
    wanted = [label] if isinstance(label, str) else list(label)
    filters = {"label": wanted} if wanted else {}
    if echo:
        announce(cli("ps", "-a", *[a for lab in wanted for a in ("--filter", f"label={lab}")]))
    rows = client().api.containers(all=True, filters=filters)
    found = []
    for row in rows:
        name = row["Names"][0].lstrip("/")
        if name.startswith(name_prefix):
            labels = dict(row.get("Labels") or {})
            found.append(
                ContainerSummary(
                    name,
                    row["Id"][:12],
                    row["State"],
                    row.get("Image", ""),
                    labels,
                    is_lab_owned(labels),
                )
            )
    return tuple(sorted(found, key=lambda c: c.name))


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
    Raises:
        BadInput: a name is not a lab container.
    """
    names = None if names is None else [real(n) for n in names]
    announce(cli("ps", "-a", "-s", "--filter", f"label={MANAGED}=true"))
    rows = client().api.containers(all=True, size=True, filters={"label": [f"{MANAGED}=true"]})
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
    """`docker diff NAME`: what the writable layer holds, compared with the image (by path)."""
    name = real(name, "container")
    container = _lab_sdk_container(name)
    announce(cli("diff", name))
    kinds = {0: "C", 1: "A", 2: "D"}
    entries = (DiffEntry(kinds.get(c["Kind"], "?"), c["Path"]) for c in container.diff() or [])
    return tuple(sorted(entries, key=lambda d: d.path))


@result
class StorageLayout:
    """Where the storage driver keeps a container's files (from `docker inspect`)."""

    container: str
    driver: str
    data: dict


@engine_step("inspect the container's storage")
def storage_layout(name: str) -> StorageLayout:
    """`docker inspect -f '{{json .GraphDriver}}' NAME`: driver name and its directories."""
    name = real(name, "container")
    container = _lab_sdk_container(name)
    announce(cli("inspect", "-f", "{{json .GraphDriver}}", name))
    graph = container.attrs.get("GraphDriver") or {}
    return StorageLayout(name, graph.get("Name", ""), dict(graph.get("Data") or {}))


@result
class CopiedFile:
    """One path copied out of a container (`docker cp`): its kind, size and, for a small text
    file, its text."""

    container: str
    path: str
    kind: str  # file, directory, symlink, other
    size_bytes: int
    text: str  # the file's text when it is a file of at most TEXT_LIMIT_BYTES, else ""


TEXT_LIMIT_BYTES = 64 * 1024


def _archive(container, path: str) -> tarfile.TarFile | None:
    import docker

    try:
        stream, _stat = container.get_archive(path)
    except docker.errors.NotFound:
        return None
    return tarfile.open(fileobj=io.BytesIO(b"".join(stream)))


def _kind(member: tarfile.TarInfo) -> str:
    if member.isfile():
        return "file"
    if member.isdir():
        return "directory"
    return "symlink" if member.issym() else "other"


@engine_step("copy a file out of the container")
def copy_file_from(name: str, path: str, echo: bool = True) -> CopiedFile | None:
    """`docker cp NAME:PATH -`: what is at PATH, or None when nothing is (works on a stopped
    container: the Engine mounts its filesystem for the copy)."""
    name = real(name, "container")
    container = _lab_sdk_container(name)
    if echo:
        announce(cli("cp", f"{name}:{path}", "-") + " | tar -xO")
    tar = _archive(container, path)
    if tar is None:
        return None
    with tar:
        member = tar.getmembers()[0]
        text = ""
        if member.isfile() and member.size <= TEXT_LIMIT_BYTES:
            text = tar.extractfile(member).read().decode(errors="replace")  # type: ignore[union-attr]
    return CopiedFile(name, path, _kind(member), member.size, text)


@engine_step("copy the file out of the container")
def copy_to_host(name: str, path: str, dest_dir: str | os.PathLike) -> str:
    """`docker cp NAME:PATH DEST_DIR/`: copy one regular file out (the container may be stopped)
    into `dest_dir` (created if missing), under its own base name; returns the host path.

    Raises:
        BadInput: PATH is missing, or not a single regular file.
    """
    name = real(name, "container")
    container = _lab_sdk_container(name)
    dest = Path(dest_dir)
    announce(cli("cp", f"{name}:{path}", f"{dest.as_posix().rstrip('/')}/"))
    tar = _archive(container, path)
    if tar is None:
        raise BadInput(
            f"There is no {path} in '{name}'.",
            "`docker cp` copies only what exists.",
            "check the path (`docker exec NAME ls -l DIR`).",
        )
    with tar:
        members = tar.getmembers()
        if len(members) != 1 or not members[0].isfile():
            raise BadInput(
                f"{name}:{path} is not a single regular file.",
                "this helper copies one file (`docker cp` itself also copies directories).",
                "pass the path of one file.",
            )
        data = tar.extractfile(members[0]).read()  # type: ignore[union-attr]
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / os.path.basename(members[0].name)
    target.write_bytes(data)
    return str(target)


@engine_step("remove the container")
def remove_created_container(name: str, container_id: str) -> str:
    """`docker rm NAME` for the container that `create_container(NAME, labelled=False)` just made:
    it carries no lab label, so `remove_container` would refuse it. Removed only while NAME is
    still that container (`container_id`, as `create_container` returned it) and was never
    started; returns the command shown.

    Raises:
        BadInput: NAME is another container, or it has been started.
    """
    name = real(name, "container")
    container = _sdk_container(name)
    shown = cli("rm", name)
    announce(shown)
    if container is None:
        return shown
    if not container.id.startswith(container_id) or container.status != "created":
        raise BadInput(
            f"Not removing '{name}': it is not the unstarted container the lab just created.",
            "it has no lab labels, so it may be yours.",
            "remove it yourself if you mean to.",
        )
    # selected by the id the lab got when it created it a moment ago, not by its name
    audit.removed("container", name, {**container.labels, MANAGED: "created-by-the-lab"})
    container.remove()
    return shown


@result
class RootMount:
    """The overlay filesystem a running container sees as `/`, from its /proc/1/mountinfo.

    Both image stores mount the same kind of overlay: `upper_dir` is the container's writable
    layer (overlay2's `.../overlay2/<id>/diff`, or the containerd snapshotter's
    `.../snapshots/<n>/fs`), `lower_dirs` the read-only layers under it, top first. Paths are on
    the Engine's machine (a VM or a container of its own, when the Engine runs there)."""

    container: str
    fstype: str
    upper_dir: str
    lower_dirs: tuple
    work_dir: str


@engine_step("read the container's root mount")
def root_mount(name: str) -> RootMount:
    """`docker exec NAME cat /proc/1/mountinfo`: the options of the overlay mounted at `/`.

    Raises:
        BadInput: the container is not running, or is not the lab's.
    """
    name = real(name, "container")
    text = exec_in(name, "cat /proc/1/mountinfo").output
    for line in text.splitlines():
        fields = line.split()
        if len(fields) > 4 and fields[4] == "/" and " - " in line:
            fstype, _source, options = line.split(" - ", 1)[1].split(" ", 2)
            opts = dict(
                item.split("=", 1) if "=" in item else (item, "") for item in options.split(",")
            )
            lower = tuple(d for d in opts.get("lowerdir", "").split(":") if d)
            return RootMount(name, fstype, opts.get("upperdir", ""), lower, opts.get("workdir", ""))
    return RootMount(name, "", "", (), "")


@result
class LayerEntry:
    """One entry of a layer's directory on the Engine's machine, as `find -printf` and `stat` see
    it. `path` is relative to the layer's directory ("." is the directory itself)."""

    path: str
    kind: str  # file, directory, symlink, whiteout (overlayfs's 0/0 character device), other
    size_bytes: int  # st_size (0 for a directory)
    allocated_bytes: int  # st_blocks x 512: the disk blocks it takes
    inode: int


@result
class LayerFiles:
    """What one layer of a running container holds: its writable layer (the overlay's upper
    directory) or its init layer (the top lower directory, the Engine's mount points for
    /etc/hosts, /etc/resolv.conf, ...), read where the Engine keeps its files.

    Two ways to count the same files: `sizes_bytes` adds up the sizes of everything but
    directories (how overlay2's graph driver measures a writable layer: moby's
    `directory.Size`); `blocks_bytes` adds up the disk blocks of every entry, directories and the
    layer's own directory included (how containerd's snapshotters measure one: continuity's
    `fs.DiskUsage`). A hard-linked file counts once either way."""

    container: str
    layer: str  # "writable" or "init"
    directory: str  # on the Engine's machine
    how: str  # "read on this machine", "through a helper container" or "not available"
    readable: bool
    reason: str  # why it could not be read ("" when it was)
    entries: tuple  # LayerEntry, by path
    command: str

    @property
    def sizes_bytes(self) -> int:
        seen = {e.inode: e.size_bytes for e in self.entries if e.kind != "directory"}
        return sum(seen.values())

    @property
    def blocks_bytes(self) -> int:
        return sum({e.inode: e.allocated_bytes for e in self.entries}.values())


_FIND_KINDS = {"f": "file", "d": "directory", "l": "symlink", "c": "whiteout"}
_LAYER_AT = "/layer"  # where a helper container mounts the layer's directory (read-only)


def _entry_kind(mode: int, rdev: int) -> str:
    import stat

    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISLNK(mode):
        return "symlink"
    return "whiteout" if stat.S_ISCHR(mode) and rdev == 0 else "other"


def walk_layer(top: str) -> tuple:
    """Every entry under `top` on this machine, `top` itself as "." (LayerEntry, by path)."""
    entries = []
    for root, dirs, files in os.walk(top):
        paths = [os.path.join(root, n) for n in dirs + files]
        for entry in ([root] if root == top else []) + paths:
            info = os.lstat(entry)
            kind = _entry_kind(info.st_mode, info.st_rdev)
            entries.append(
                LayerEntry(
                    os.path.relpath(entry, top),
                    kind,
                    0 if kind == "directory" else info.st_size,
                    info.st_blocks * 512,
                    info.st_ino,
                )
            )
    return tuple(sorted(entries, key=lambda e: e.path))


def parse_find(text: str) -> tuple:
    """`find DIR -printf '%y %s %b %i %P\\n'` lines as LayerEntry (DIR itself has an empty %P)."""
    entries = []
    for line in text.splitlines():
        parts = line.split(" ", 4)
        if len(parts) < 4:
            continue
        kind = _FIND_KINDS.get(parts[0], "other")
        path = parts[4] if len(parts) == 5 and parts[4] else "."
        size = 0 if kind == "directory" else int(parts[1])
        entries.append(LayerEntry(path, kind, size, int(parts[2]) * 512, int(parts[3])))
    return tuple(sorted(entries, key=lambda e: e.path))


def _check_layer(
    name: str = "", layer: str = "writable", via: str = "auto", image: str = ""
) -> None:
    if layer not in ("writable", "init"):
        raise BadInput(
            f"Unknown layer '{layer}'.",
            "a container's own layers are its writable layer and its init layer.",
            'pass "writable" or "init".',
        )
    if via not in ("auto", "host", "container"):
        raise BadInput(
            f"Unknown way '{via}' to read a layer.",
            "the ways are host, container and auto.",
            'pass via="auto".',
        )


@engine_step("read the layer's files", validate=_check_layer)
def layer_files(
    name: str, layer: str = "writable", via: str = "auto", image: str = ""
) -> LayerFiles:
    """List a running container's writable (or init) layer where the Engine keeps it: its
    directory comes from the container's own mount table (`root_mount`, both image stores).

    via="host" reads it on this machine (only when the Engine's files are here and readable:
    `engine_locality`); via="container" bind-mounts just that directory read-only into a
    throw-away container of IMAGE (the container's own image by default), which works wherever
    the Engine runs: `docker run --rm -v DIR:/layer:ro IMAGE find /layer ...`; "auto" reads here
    when it can, else through a helper container.

    Raises:
        BadInput: an unknown layer or way; the container is not running or not the lab's.
    """
    name = real(name, "container")
    image = real(image, "image")
    from .system import engine_locality  # system imports this module

    mount = root_mount(name)
    directory = mount.upper_dir if layer == "writable" else next(iter(mount.lower_dirs), "")
    if mount.fstype != "overlay" or not directory:
        reason = f"the container's / is not an overlay mount ({mount.fstype or 'unknown'})"
        return LayerFiles(name, layer, directory, "not available", False, reason, (), "")
    locality = engine_locality()
    here = bool(locality.files_here) and os.path.isdir(directory)
    readable = here and os.access(directory, os.R_OK | os.X_OK)
    shown_find = f"find {directory} -printf '%y %s %b %i %P\\n'"
    if via == "container" or (via == "auto" and not readable):
        done = run_once(
            image or _lab_sdk_container(name).attrs["Config"]["Image"],
            ["find", _LAYER_AT, "-printf", "%y %s %b %i %P\\n"],
            [MountSpec("bind", directory, _LAYER_AT, read_only=True)],
        )
        entries = parse_find(done.output)
        how = "through a helper container"
        return LayerFiles(name, layer, directory, how, True, "", entries, done.command)
    shown = f"sudo {shown_find}"
    announce(shown)
    how = "read on this machine"
    if not readable:
        reason = (
            "only root may read the Engine's data root (run the notebook as root, or use sudo in "
            "a terminal)"
            if here
            else "the Engine's files are not on this machine (a VM, a container or another host)"
        )
        return LayerFiles(name, layer, directory, how, False, reason, (), shown)
    return LayerFiles(name, layer, directory, how, True, "", walk_layer(directory), shown)
