"""Containers: run, inspect, exec, copy out, stop/start/remove, sizes and changes.

Every function builds the `docker ...` command it stands for, shows it and carries out that very
command (`labhelpers.engine.dockercli`), and returns plain dataclasses. A container that is not
the lab's may be read, never changed. Reading where the Engine keeps a container's files is
`labhelpers.engine.machine`.
"""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import tarfile
import time
from pathlib import Path

from ..core.commands import Command, docker, show
from ..core.errors import BadInput, CommandFailed, NotEnoughSpace
from ..core.inputs import check_image_ref, check_name, check_size_mib
from ..core.labels import MANAGED, is_my_lab_work, lab_labels
from ..core.plugins import notify
from ..core.results import result
from ..core.sessions import forget, held_by, note_made
from ..core.units import MIB, si
from .connection import client, engine_said
from .dockercli import STOP_TIMEOUT_S, container_settings, execute, guard, parse
from .mounts import MountSpec
from .names import held_elsewhere
from .ownership import (
    NameHeld,
    check_owner,
    claim_container_name,
    sdk_container,
    sdk_image,
)
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
    "MountInfo",
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
    "labels_args",
    "list_containers",
    "read_file",
    "read_in_created",
    "remove_container",
    "remove_created_container",
    "restart_container",
    "run_container",
    "run_once",
    "start_container",
    "stop_container",
    "storage_layout",
    "wait_until_gone",
    "write_data",
]

LESSON_IMAGE = "my-image"
DISK_MARGIN_BYTES = 64 * MIB  # what a write leaves free on the Engine's disk
_NAMES = {"name": "container"}


def labels_args(labels: dict) -> list[str]:
    """`--label k=v` for each label, in order."""
    return [a for key, value in labels.items() for a in ("--label", f"{key}={value}")]


@result
class MountInfo:
    """One mount of a container, as `docker inspect` shows it. `long_form`: asked for with
    `--mount` (HostConfig.Mounts), which refuses a missing bind source, not with `-v`."""

    kind: str
    source: str
    destination: str
    read_write: bool
    volume_name: str
    driver: str
    long_form: bool = False


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
    asked = (attrs.get("HostConfig") or {}).get("Mounts") or []
    long_form = {m.get("Target", "") for m in asked}
    return tuple(
        MountInfo(
            m.get("Type", ""),
            m.get("Source", ""),
            m.get("Destination", ""),
            bool(m.get("RW", True)),
            m.get("Name", ""),
            m.get("Driver", ""),
            m.get("Destination", "") in long_form,
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
        is_my_lab_work("container", container.name, labels),
    )


def _info(container, command: str = "") -> ContainerInfo:
    import docker as sdk

    try:
        container.reload()
        status = container.status
    except sdk.errors.NotFound:  # started with --rm: the Engine removed it as it exited
        status = "removed"
    image = (container.attrs.get("Config") or {}).get("Image", "")
    return ContainerInfo(
        container.name, container.id[:12], image, status, _mounts(container.attrs), command
    )


@engine_step("look up the container", names=_NAMES)
def find_container(name: str) -> ContainerDetails | None:
    """`docker inspect NAME` (not shown): the container's details, or None if there is none.
    Any container may be read, the learner's too."""
    found = sdk_container(name)
    return None if found is None else _details(found)


def _no_container(name: str) -> BadInput:
    return BadInput(
        f"There is no container named '{name}'.",
        "it was never created, or it was removed.",
        "create it first (run the cell that starts it), then try again.",
    )


def _lab_sdk_container(name: str):
    container = sdk_container(name)
    if container is None:
        raise _no_container(name)
    if not is_my_lab_work("container", name, container.labels):
        raise BadInput(
            f"The container '{name}' is not the lab's.",
            "its labels do not name it as the lab's, so it is yours and the lab leaves it alone.",
            "use the lab's containers, or pass another name.",
        )
    return container


@engine_step("look up the lab's container", names=_NAMES)
def lab_container(name: str) -> ContainerDetails:
    """The lab's container NAME.

    Raises:
        BadInput: there is none, or it is not the lab's.
    """
    return _details(_lab_sdk_container(name))


def _ensure_volume_for(spec: MountSpec) -> None:
    """`docker volume create` (with the lab's marks) for a named volume a run mounts, when the
    Engine has none of that name yet (`-v NAME:/x` would make an unlabelled one)."""
    if spec.kind == "volume" and spec.source and check_owner("volume", spec.source) is None:
        labels = lab_labels("volume", spec.source)
        execute(show(docker("volume", "create", *labels_args(labels), spec.source)))
        note_made("volume", spec.source)


def _require_image(image: str, what: str) -> None:
    if sdk_image(image) is None:
        raise BadInput(
            f"Cannot {what}: there is no image '{image}' in the Engine.",
            "it has not been built yet (or was removed by a cleanup).",
            "build it first: run notebook 01, or `lh.ensure_lesson_image()`.",
        )


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


def _remove_unstarted(name: str, container_id: str, exc: Exception) -> None:
    """The Engine created NAME but refused to start it: remove it (a run that failed leaves
    nothing), and raise the lab's own message for a bind mount of the wrong type."""
    import re

    found = sdk_container(name)
    if found is not None and found.id == container_id and found.status == "created":
        execute(show(docker("rm", name, note="created, but the Engine refused to start it")))
    said = engine_said(exc)
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


def _create_command(
    head: list, name: str, labels: dict, mounts, image: str, user=None, command=None
) -> Command:
    """`docker run|create ... --name NAME [--label ...] [--user U] [mounts] IMAGE [command]`."""
    argv = [*head, "--name", name, *labels_args(labels)] + (["--user", user] if user else [])
    for spec in mounts:
        argv += spec.cli_args()
    return docker(*argv, image, *_command(command))


@engine_step(
    "run the container",
    validate=_check_run,
    names={"name": "container", "image": "image", "mounts": "mounts"},
)
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
    """`docker run -d [--rm] --init --name NAME --label ... [mounts] IMAGE [command]`.

    An earlier lab container of that name is replaced; a learner's container of that name stops
    the lab with NameClash. Named volumes in `mounts` are created (with the lab's marks) first.

    `init` runs a tiny init process as PID 1: it forwards SIGTERM, so `docker stop` returns at
    once instead of waiting STOP_TIMEOUT_S for a process that ignores the signal.

    Returns:
        ContainerInfo of the running container.
    Raises:
        NameClash, BadInput, EngineError, DockerUnavailable.
    """
    import docker as sdk

    _require_image(image, f"run '{name}'")
    for attempt in (1, 2):
        try:
            claim_container_name(name)
        except NameHeld:
            if attempt == 2:
                raise
            name = held_elsewhere("container", name)
            continue
        for spec in mounts:
            _ensure_volume_for(spec)
        head = ["run", "-d"] + (["--rm"] if auto_remove else []) + (["--init"] if init else [])
        labels = {**lab_labels("container", name), **(extra_labels or {})}
        command_ = show(_create_command(head, name, labels, mounts, image, user, command))
        parsed = parse(command_)
        guard(parsed)
        try:
            container = client().containers.create(**container_settings(parsed))
        except sdk.errors.APIError as exc:
            # another kernel took the name between the lab's look and its create: this
            # session's own suffixed name then, at once
            if exc.status_code == 409 and attempt == 1:
                name = held_elsewhere("container", name)
                continue
            raise
        try:
            container.start()
        except sdk.errors.APIError as exc:
            _remove_unstarted(name, container.id, exc)
            raise
        break
    note_made("container", container.id)
    notify("container-created", container, "lab", command_)
    return _info(container, command_.line())


@result
class RunOutput:
    """What a throw-away `docker run --rm` printed, and how it exited."""

    command: str
    exit_code: int
    output: str


def _check_once(image: str, command, *_: object, **__: object) -> None:
    check_image_ref(image)


@engine_step(
    "run a helper container",
    validate=_check_once,
    names={"image": "image", "mounts": "mounts", "volumes_from": "from"},
)
def run_once(
    image: str,
    command: str | list[str],
    mounts: tuple | list = (),
    user: str | None = None,
    volumes_from: tuple | list = (),
    network: bool = False,
    check: bool = True,
    writes: bool = False,
    expect: str = "ok",
    note: str = "",
) -> RunOutput:
    """`docker run --rm [--network none] [--user U] [--volumes-from C] [mounts] IMAGE COMMAND`: a
    labelled throw-away container; returns what it printed (stdout and stderr) and its exit code.

    Helper containers get no network unless `network`, and a helper that only reads mounts
    everything read-only: say `writes=True` when the command writes into a mount (the safety
    audit checks both). `expect` and `note` go with the command shown (FAILS: the lesson shows it
    failing).

    Raises:
        CommandFailed: the command exited non-zero (when `check`).
        EngineError: the Engine refused to start it (its reason in `.engine_said`).
    """
    import docker as sdk

    argv = ["run", "--rm"] + ([] if network else ["--network", "none"])
    argv += labels_args(lab_labels("container", ""))
    if user:
        argv += ["--user", user]
    for source in volumes_from:
        argv += ["--volumes-from", source]
    for spec in mounts:
        argv += spec.cli_args()
    shown = show(docker(*argv, image, *_command(command), expect=expect, note=note))
    parsed = parse(shown)
    guard(parsed)
    # Made here rather than with the SDK's containers.run: that removes the container before it
    # has read the output it streams, and then now and then returns b'' (seen on Engine 20.10,
    # about 1 run in 10 on a busy machine). Here it is attached before it starts, as `docker run`
    # attaches, and removed once its output is read (what --rm does).
    settings = {k: v for k, v in container_settings(parsed).items() if k != "auto_remove"}
    try:
        helper = client().containers.create(**settings)
    except sdk.errors.ImageNotFound:
        client().images.pull(image)  # as `docker run` would
        helper = client().containers.create(**settings)
    notify("container-created", helper, "helper", shown, writes=writes, network=network)
    try:
        # The stream ends once the container closed its output, so all of it is read and a
        # command that prints nothing costs no wait. Read from the logs after `wait` instead
        # (below), output can still be on its way: the Engine marks a container exited after
        # waiting at most 2 s for its output to be logged, so an empty answer is asked again
        # for up to 1.5 s.
        streamed = None
        # logs=False: attached before the start, the stream holds all of it; logs=True would
        # also replay what was logged meanwhile, and a quick command's output came twice
        attached = client().api.attach(helper.id, stdout=True, stderr=True, stream=True, logs=False)
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
        notify("removed", "container", helper.name, helper.labels)
        helper.remove(force=True)
    text = _text(out)
    if exit_code == 0:
        return RunOutput(shown.line(), 0, text)
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
    return RunOutput(shown.line(), exit_code, text)


@engine_step("read a file as a container would see it", validate=_check_once)
def read_in_created(image: str, path: str, mounts: tuple | list = ()) -> str | None:
    """`docker create --network none [mounts] IMAGE`, `docker cp ID:PATH - | tar -xO`, `docker rm
    -f ID`: the text of the file PATH as a container of IMAGE with MOUNTS sees it, or None when
    there is none there; for the lab's own probes. The container is never started: the Engine
    mounts a created container's filesystem and its mounts for a copy, where the container would
    run (as `docker cp` from a stopped container), so the answer is the running container's,
    without a start, a wait and an attached stream (`run_once`: a tenth of a second or more).

    Raises:
        EngineError: the Engine refused to create it (its reason in `.engine_said`).
    """
    argv = ["create", "--network", "none", *labels_args(lab_labels("container", ""))]
    for spec in mounts:
        argv += spec.cli_args()
    made = show(docker(*argv, image))
    helper = execute(made)
    notify("container-created", helper, "helper", made, writes=False, network=False)
    try:
        tar = _archive(show(docker("cp", f"{helper.id}:{path}", "-", pipe="| tar -xO")))
        if tar is None:
            return None
        with tar:
            member = tar.getmembers()[0]
            if not member.isfile() or member.size > TEXT_LIMIT_BYTES:
                return None
            return tar.extractfile(member).read().decode(errors="replace")  # type: ignore[union-attr]
    finally:
        notify("removed", "container", helper.name, helper.labels)
        execute(show(docker("rm", "-f", helper.id)))


@engine_step(
    "create the container",
    validate=_check_run,
    names={"name": "container", "image": "image", "mounts": "mounts"},
)
def create_container(
    name: str, image: str = LESSON_IMAGE, labelled: bool = True, mounts: tuple | list = ()
) -> ContainerDetails:
    """`docker create --name NAME [--label ...] [mounts] IMAGE`. Without `labelled` it carries only
    what it inherits from its image (notebook 99 shows what): remove it at once with
    `remove_created_container`. Named volumes in `mounts` are created (with the lab's marks)."""
    _require_image(image, f"create '{name}'")
    claim_container_name(name)
    for spec in mounts:
        _ensure_volume_for(spec)
    labels = lab_labels("container", name) if labelled else {}
    command = show(_create_command(["create"], name, labels, mounts, image))
    created = execute(command)
    note_made("container", created.id)
    notify("container-created", created, "lab" if labelled else "label-demo", command)
    return _details(created)


@result
class ExecResult:
    """The outcome of `docker exec`."""

    container: str
    command: str
    exit_code: int
    output: str


def _text(output) -> str:
    return output.decode(errors="replace") if isinstance(output, bytes) else str(output)


def _exec_argv(command: str | list[str] | tuple) -> list[str]:
    return ["sh", "-c", command] if isinstance(command, str) else list(command)


@engine_step("run a command in the container", names=_NAMES)
def exec_in(
    name: str,
    command: str | list[str],
    check: bool = True,
    echo: bool = True,
    expect: str = "ok",
    note: str = "",
    user: str = "",
) -> ExecResult:
    """`docker exec [--user U] NAME sh -c COMMAND` (a list: `docker exec NAME ARGV...`).
    `echo=False` runs it without showing it: only for a read the lesson does not show.

    Raises:
        BadInput: the container is not running (or not the lab's).
        CommandFailed: the command exited non-zero (when `check`).
    """
    container = _lab_sdk_container(name)
    options = ["--user", user] if user else []
    shown = docker("exec", *options, name, *_exec_argv(command), expect=expect, note=note)
    show(shown, shown=echo)
    if container.status != "running":
        raise BadInput(
            f"Cannot run a command in '{name}': it is {container.status}.",
            "`docker exec` needs a running container.",
            f"start it first (`docker start {name}`).",
        )
    exit_code, output = execute(shown)
    text = _text(output)
    if check and exit_code != 0:
        raise CommandFailed(
            f"`{shlex.join(_exec_argv(command))}` failed in '{name}' (exit status {exit_code}).",
            f"it printed: {text.strip()[-300:] or '(nothing)'}",
            "check the path and the command, then try again.",
            exit_code,
            text,
        )
    return ExecResult(name, shown.line(), exit_code, text)


@engine_step("measure free space", names=_NAMES)
def free_bytes(name: str, path: str = "/") -> int:
    """Free bytes on the filesystem that holds `path` inside the container (df, as root sees it).

    Raises:
        CommandFailed: df printed nothing usable twice in a row.
    """
    command = ["df", "-P", "-B1", path]
    for _ in range(2):  # seen once: an empty answer from df in a container just started
        done = exec_in(name, command, echo=False)
        fields = done.output.strip().splitlines()[-1].split() if done.output.strip() else []
        if len(fields) >= 4 and fields[3].isdigit():
            return int(fields[3])
        time.sleep(0.2)
    raise CommandFailed(
        f"Could not measure the free space behind {path} in '{name}'.",
        f"`{shlex.join(command)}` printed {done.output.strip()[:200]!r}, not a df line.",
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
    under = [m for m in mounts if f"{path}/".startswith(m.destination.rstrip("/") + "/")]
    holding = max(under, key=lambda m: len(m.destination), default=None)  # the innermost
    if holding is not None and not holding.read_write:
        source = holding.volume_name or holding.source
        raise BadInput(
            f"Not writing to {name}:{path}: {holding.destination} is mounted read-only.",
            f"'{name}' mounts {source} at {holding.destination} with :ro, so nothing in the "
            "container may write there (the write would fail with 'Read-only file system').",
            "write to a path outside that mount, or to a container that mounts it without :ro.",
        )


def _check_write(name: str, size_mib: float, *_: object, **__: object) -> None:
    check_size_mib(size_mib)


def write_script(path: str, size_bytes: int, sync: bool = False) -> str:
    """The shell line that writes SIZE_BYTES zeros to PATH (whole MiB with dd, then head)."""
    count, rest = divmod(size_bytes, MIB)
    fsync = " conv=fsync" if sync else ""
    quoted, directory = shlex.quote(path), shlex.quote(os.path.dirname(path) or "/")
    script = (
        f"mkdir -p {directory} && "
        f"dd if=/dev/zero of={quoted} bs=1M count={count}{fsync} status=none"
    )
    if rest:
        script += f" && head -c {rest} /dev/zero >> {quoted}"
    return script


def refuse_too_big(name: str, path: str, size_bytes: int, free: int) -> None:
    """Raise NotEnoughSpace when SIZE_BYTES (and the lab's margin) would not fit in FREE."""
    if size_bytes + DISK_MARGIN_BYTES > free:
        directory = os.path.dirname(path) or "/"
        raise NotEnoughSpace(
            f"Not writing {si(size_bytes)} to {name}:{path}.",
            f"the filesystem behind {directory} has only {si(free)} free "
            f"(and the lab keeps {si(DISK_MARGIN_BYTES)} spare).",
            "pick a smaller size, or free space (`docker system prune` removes unused data).",
            size_bytes,
            free,
        )


@engine_step("write data into the container", validate=_check_write, names=_NAMES)
def write_data(
    name: str, size_mib: float, path: str = "/app/delta.bin", sync: bool = False, free: int = -1
) -> WriteResult:
    """Write `size_mib` MiB of new data to `path` inside a running lab container, with dd.

    The data is zeros: size is what the writable layer accounts, not content. `sync` adds
    conv=fsync so the timing includes reaching the disk. `free`: the free bytes behind `path`
    when the caller measured them already (several writes to one disk measure once); else the
    lab measures first.

    Raises:
        BadInput: a size that is not a number >= 0, or `path` on a read-only mount.
        NotEnoughSpace: it would not fit on the filesystem behind `path` (the Engine's disk, a
            tmpfs's memory): nothing is written.
    """
    _refuse_read_only(name, path)
    size_bytes = round(size_mib * MIB)
    refuse_too_big(
        name,
        path,
        size_bytes,
        free if free >= 0 else free_bytes(name, os.path.dirname(path) or "/"),
    )
    started = time.perf_counter()
    try:
        done = exec_in(name, write_script(path, size_bytes, sync))
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
    with contextlib.suppress(Exception):  # else the Engine or the container is gone, with it
        exec_in(name, script, note="the write did not finish: stop it and remove what it wrote")


@engine_step("read a file in the container", names=_NAMES)
def read_file(name: str, path: str) -> str:
    """`docker exec NAME cat PATH`: the file's text."""
    return exec_in(name, ["cat", path]).output


def _lifecycle(name: str, verb: str) -> ContainerInfo:
    container = _lab_sdk_container(name)
    command = show(docker(verb, name))
    execute(command)
    return _info(container, command.line())


@engine_step("stop the container", names=_NAMES)
def stop_container(name: str) -> ContainerInfo:
    """`docker stop NAME` (SIGTERM, then SIGKILL after STOP_TIMEOUT_S)."""
    return _lifecycle(name, "stop")


@engine_step("start the container", names=_NAMES)
def start_container(name: str) -> ContainerInfo:
    """`docker start NAME`."""
    return _lifecycle(name, "start")


@engine_step("restart the container", names=_NAMES)
def restart_container(name: str) -> ContainerInfo:
    """`docker restart NAME`."""
    return _lifecycle(name, "restart")


@engine_step("remove the container", names=_NAMES)
def remove_container(name: str, volumes: bool = False, force: bool = True, note: str = "") -> str:
    """`docker rm [-f] [-v] NAME`: returns the command shown. A missing container is fine.

    Raises:
        BadInput: the container is not the lab's.
    """
    argv = ["rm"] + (["-f"] if force else []) + (["-v"] if volumes else []) + [name]
    return _remove(name, docker(*argv, note=note))


def _remove(name: str, command: Command, created_id: str = "") -> str:
    """Show COMMAND (`docker rm ... NAME`) and carry it out when NAME is the lab's container
    (CREATED_ID: the unlabelled one `create_container` just made); a missing one is fine."""
    container = sdk_container(name)
    show(command)
    if container is None:
        return command.line()
    if created_id:
        if not container.id.startswith(created_id) or container.status != "created":
            raise BadInput(
                f"Not removing '{name}': it is not the unstarted container the lab just created.",
                "it carries no mark of the lab's, so it may be yours.",
                "remove it yourself if you mean to.",
            )
        # selected by the id the lab got when it created it a moment ago, not by its name
        notify("removed", "container", name, {**container.labels, MANAGED: "created-by-the-lab"})
    elif not is_my_lab_work("container", name, container.labels):
        raise BadInput(
            f"Not removing '{name}': the lab did not create it.",
            "its labels do not name it as the lab's, so it is yours.",
            "remove it yourself if you mean to.",
        )
    else:
        notify("removed", "container", name, container.labels)
    execute(command)
    forget("container", container.id)
    return command.line()


@engine_step("wait for the container to go", names=_NAMES)
def wait_until_gone(name: str, timeout_s: float = 10) -> bool:
    """Wait up to `timeout_s` for NAME to disappear (`--rm` after it exits); True if it did."""
    deadline = time.monotonic() + timeout_s
    while sdk_container(name) is not None:
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


@engine_step("read the container's logs", names=_NAMES)
def container_logs(name: str) -> str:
    """`docker logs NAME`: what the container printed so far (its two streams' lines interleave
    in the order they arrived)."""
    if sdk_container(name) is None:
        raise _no_container(name)
    return execute(show(docker("logs", name))).decode(errors="replace")


@result
class ContainerSummary:
    """One row of `docker ps -a`."""

    name: str
    id: str
    state: str
    image: str
    labels: dict
    lab_owned: bool
    holder: str  # for the lab's: THIS, LIVE or STALE session ("" when not the lab's)


@engine_step("list containers", names={"name_prefix": "container"})
def list_containers(lab_only: bool = False, name_prefix: str = "", echo: bool = False) -> tuple:
    """`docker ps -a [--filter label=io.labhelpers.managed]`: every container (the learner's too),
    or only those carrying the lab's mark, optionally only names starting `name_prefix`.

    Returns:
        ContainerSummary per container, by name.
    """
    argv = ["ps", "-a"] + (["--filter", f"label={MANAGED}"] if lab_only else [])
    rows = execute(show(docker(*argv), shown=echo))
    found = []
    for row in rows:
        name = row["Names"][0].lstrip("/")
        labels = dict(row.get("Labels") or {})
        owned = is_my_lab_work("container", name, labels)
        if not name.startswith(name_prefix) or (lab_only and not owned):
            continue
        holder = held_by("container", row["Id"]) if owned else ""
        found.append(
            ContainerSummary(
                name, row["Id"][:12], row["State"], row.get("Image", ""), labels, owned, holder
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


@engine_step("measure container sizes", names={"names": "container"})
def container_sizes(names: tuple | list | None = None) -> tuple:
    """`docker ps -a -s --filter label=io.labhelpers.managed`: the writable-layer size (the
    Engine's SizeRw) of the lab's containers.

    Returns:
        ContainerSize per container, in the order of `names` (or by name).
    Raises:
        BadInput: a name is not a lab container.
    """
    rows = execute(show(docker("ps", "-a", "-s", "--filter", f"label={MANAGED}")))
    by_name = {
        row["Names"][0].lstrip("/"): row
        for row in rows
        if is_my_lab_work("container", row["Names"][0], row.get("Labels"))
    }
    wanted = list(names) if names is not None else sorted(by_name)
    missing = [n for n in wanted if n not in by_name]
    if missing:
        raise BadInput(
            f"No lab container named {', '.join(missing)}.",
            "it was not created yet, or it was removed.",
            "create it first.",
        )
    rows = ((n, by_name[n]) for n in wanted)
    return tuple(
        ContainerSize(n, r["State"], int(r.get("SizeRw") or 0), int(r.get("SizeRootFs") or 0))
        for n, r in rows
    )


@result
class DiffEntry:
    """One line of `docker diff`: kind is "A" (added), "C" (changed) or "D" (deleted)."""

    kind: str
    path: str


@engine_step("list the container's changes", names=_NAMES)
def diff(name: str) -> tuple:
    """`docker diff NAME`: what the writable layer holds, compared with the image (by path)."""
    _lab_sdk_container(name)
    kinds = {0: "C", 1: "A", 2: "D"}
    changes = execute(show(docker("diff", name)))
    entries = (DiffEntry(kinds.get(c["Kind"], "?"), c["Path"]) for c in changes)
    return tuple(sorted(entries, key=lambda d: d.path))


@result
class StorageLayout:
    """Where the storage driver keeps a container's files (from `docker inspect`)."""

    container: str
    driver: str
    data: dict


@engine_step("inspect the container's storage", names=_NAMES)
def storage_layout(name: str) -> StorageLayout:
    """`docker inspect --format '{{json .GraphDriver}}' NAME`: driver name and its directories."""
    _lab_sdk_container(name)
    (attrs,) = execute(show(docker("inspect", "--format", "{{json .GraphDriver}}", name)))
    graph = attrs.get("GraphDriver") or {}
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


def _archive(command: Command) -> tarfile.TarFile | None:
    import docker as sdk

    try:
        stream, _stat = execute(command)
    except sdk.errors.NotFound:
        return None
    return tarfile.open(fileobj=io.BytesIO(b"".join(stream)))


def _kind(member: tarfile.TarInfo) -> str:
    if member.isfile():
        return "file"
    if member.isdir():
        return "directory"
    return "symlink" if member.issym() else "other"


@engine_step("copy a file out of the container", names=_NAMES)
def copy_file_from(
    name: str, path: str, echo: bool = True, expect: str = "ok", listing: bool = False
) -> CopiedFile | None:
    """`docker cp NAME:PATH - | tar -xO`: what is at PATH, or None when nothing is (works on a
    stopped container: the Engine mounts its filesystem for the copy). `listing`: `| tar -tv`,
    the entry's kind and size without its text (a big file a lesson sizes, never prints)."""
    _lab_sdk_container(name)
    pipe = "| tar -tv" if listing else "| tar -xO"
    command = show(docker("cp", f"{name}:{path}", "-", pipe=pipe, expect=expect), echo)
    tar = _archive(command)
    if tar is None:
        return None
    with tar:
        member = tar.getmembers()[0]
        text = ""
        if member.isfile() and member.size <= TEXT_LIMIT_BYTES and not listing:
            text = tar.extractfile(member).read().decode(errors="replace")  # type: ignore[union-attr]
    return CopiedFile(name, path, _kind(member), member.size, text)


@engine_step("copy the file out of the container", names=_NAMES)
def copy_to_host(name: str, path: str, dest_dir: str | os.PathLike) -> str:
    """`docker cp NAME:PATH DEST_DIR/`: copy one regular file out (the container may be stopped)
    into `dest_dir` (created if missing), under its own base name; returns the host path.

    Raises:
        BadInput: PATH is missing, or not a single regular file.
    """
    _lab_sdk_container(name)
    tar = _archive(docker("cp", f"{name}:{path}", "-"))  # looked at first: one regular file?
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
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    (written,) = execute(show(docker("cp", f"{name}:{path}", f"{os.path.abspath(dest)}/")))
    return written


@engine_step("remove the container", names=_NAMES)
def remove_created_container(name: str, container_id: str) -> str:
    """`docker rm NAME` for the container that `create_container(NAME, labelled=False)` just made:
    it carries no mark of the lab's, so `remove_container` would refuse it. Removed only while
    NAME is still that container (`container_id`, as `create_container` returned it) and was
    never started; returns the command shown.

    Raises:
        BadInput: NAME is another container, or it has been started.
    """
    return _remove(name, docker("rm", name), container_id)
