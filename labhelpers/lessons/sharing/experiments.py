"""Notebook 07's Engine work: sharing data between containers (the package's docstring lists
it)."""

from __future__ import annotations

import shlex

from ...core.commands import FAILS, bind, docker, show
from ...core.errors import BadInput
from ...engine import (
    LESSON_IMAGE,
    anonymous_volume,
    engine_step,
    exec_in,
    lab_container,
    list_dangling_volumes,
    remove_container,
    run_container,
    run_once,
)
from ...engine.dockercli import execute
from ..common import list_volume
from .results import AnonymousVolume, Exchange, MountRow, MountTable, Removal, WriteAttempt

__all__ = [
    "READER",
    "READER_FILE",
    "READER_RO",
    "WRITER",
    "WRITER_FILE",
    "append_and_read",
    "mounts_table",
    "names_here",
    "read_with_volumes_from",
    "remove_and_look",
    "start_with_anonymous_volume",
    "try_write",
]

WRITER = "share-writer"
READER = "share-reader"
READER_RO = "share-reader-ro"
WRITER_FILE = "/data/messages.txt"
READER_FILE = "/shared/messages.txt"
ANONYMOUS_AT = "/data"
_MOUNTS = "{{.Name}} {{json .Mounts}}"


@engine_step("name the containers", names={"names": "container"})
def names_here(names: tuple) -> tuple:
    """NAMES as this Engine names them (what a widget's buttons say): the step maps them."""
    return tuple(names)


@engine_step("inspect the containers' mounts", names={"names": "container"})
def mounts_table(names: tuple | list = (WRITER, READER)) -> MountTable:
    """`docker inspect --format '{{.Name}} {{json .Mounts}}' NAME ...`: each container's mounts.

    Raises:
        BadInput: a name is not one of the lab's containers.
    """
    for name in names:
        lab_container(name)
    rows = []
    for attrs in execute(show(docker("inspect", "--format", _MOUNTS, *names))):
        for m in attrs.get("Mounts") or []:
            rows.append(
                MountRow(
                    attrs["Name"].lstrip("/"),
                    m.get("Destination", ""),
                    m.get("Type", ""),
                    m.get("Name", ""),
                    bool(m.get("RW", True)),
                )
            )
    return MountTable(tuple(rows))


def _quoted(text: str) -> str:
    """TEXT for `sh -c`, in double quotes where that is safe (easier to read than shlex's)."""
    return f'"{text}"' if not any(ch in text for ch in '"$`\\!') else shlex.quote(text)


def _append(container: str, path: str, text: str):
    """`docker exec CONTAINER sh -c 'echo TEXT >> PATH'`, shown failing where PATH lies on a
    read-only mount; returns (the mount that holds PATH, None for the writable layer, and the
    exec's outcome)."""
    mounts = lab_container(container).mounts
    holding = [m for m in mounts if path.startswith(m.destination.rstrip("/") + "/")]
    mount = max(holding, key=lambda m: len(m.destination), default=None)
    read_only = mount is not None and not mount.read_write
    done = exec_in(
        container,
        f"echo {_quoted(text)} >> {shlex.quote(path)}",
        check=False,
        expect=FAILS if read_only else "ok",
        note="a read-only mount" if read_only else "",
    )
    return mount, done


def _check_line(text: str = "", *_: object, **__: object) -> None:
    if not isinstance(text, str) or not text or "\n" in text or len(text) > 200:
        raise BadInput(
            "The line to write must be one line of 1 to 200 characters.",
            f"got {len(text) if isinstance(text, str) else repr(text)} characters.",
            "type a shorter line.",
        )


@engine_step(
    "append a line in one container and read the file in another",
    validate=_check_line,
    names={"wrote_in": "container", "read_in": "container"},
)
def append_and_read(
    text: str,
    wrote_in: str = WRITER,
    write_path: str = WRITER_FILE,
    read_in: str = READER,
    read_path: str = READER_FILE,
) -> Exchange:
    """`docker exec WROTE_IN sh -c 'echo TEXT >> WRITE_PATH'`, then `docker exec READ_IN cat
    READ_PATH`. A failed write (a read-only mount) is reported, not raised.

    Raises:
        BadInput: TEXT is not one line of 1 to 200 characters (before anything runs).
    """
    _, done = _append(wrote_in, write_path, text)
    error = "" if done.exit_code == 0 else done.output.strip().splitlines()[-1]
    seen = exec_in(read_in, ["cat", read_path], check=False)
    lines = tuple(seen.output.splitlines()) if seen.exit_code == 0 else ()
    return Exchange(wrote_in, text, done.exit_code == 0, error, read_in, lines)


def _check_write(container: str = "", path: str = "", text: str = "written by a reader") -> None:
    _check_line(text)


@engine_step(
    "try to write in the container", validate=_check_write, names={"container": "container"}
)
def try_write(container: str, path: str, text: str = "written by a reader") -> WriteAttempt:
    """`docker exec CONTAINER sh -c 'echo TEXT >> PATH'`, reporting a failure instead of raising
    it, with the mount that holds PATH (and whether it is read-only).

    Raises:
        BadInput: TEXT is not one short line, or CONTAINER is not the lab's.
    """
    mount, done = _append(container, path, text)
    where = "its writable layer" if mount is None else f"{mount.kind} at {mount.destination}"
    read_only = mount is not None and not mount.read_write
    return WriteAttempt(container, path, done.exit_code, done.output.strip(), where, read_only)


# --- anonymous volumes --------------------------------------------------------------------------


@engine_step(
    "start a container with an anonymous volume", names={"name": "container", "image": "image"}
)
def start_with_anonymous_volume(
    name: str, text: str = "kept in an anonymous volume", image: str = LESSON_IMAGE
) -> AnonymousVolume:
    """`docker run -d --name NAME --mount type=volume,dst=/data,... IMAGE sleep infinity` (what
    `-v /data` does, in the one form that can also label the new volume), then write
    /data/notes.txt. The volume's made-up name is reported for later commands to use."""
    info = run_container(name, image, [anonymous_volume(ANONYMOUS_AT)], "sleep infinity")
    volume = next((m.volume_name for m in info.mounts if m.destination == ANONYMOUS_AT), "")
    at = f'eq .Destination "{ANONYMOUS_AT}"'
    fmt = "{{range .Mounts}}{{if " + at + "}}{{.Name}}{{end}}{{end}}"
    bind("anonymous", volume, f"docker inspect --format {shlex.quote(fmt)} {name}")
    exec_in(name, f"echo {_quoted(text)} > {ANONYMOUS_AT}/notes.txt")
    return AnonymousVolume(name, volume)


@engine_step("read through --volumes-from", names={"source": "container", "image": "image"})
def read_with_volumes_from(
    source: str, path: str = f"{ANONYMOUS_AT}/notes.txt", image: str = LESSON_IMAGE
) -> str:
    """`docker run --rm --volumes-from SOURCE:ro IMAGE cat PATH`: a second container gets the same
    mounts as SOURCE (its anonymous volume included; `:ro`, since it only reads) and reads the
    file; returns its text.

    Raises:
        BadInput: SOURCE is not one of the lab's containers.
        CommandFailed: `cat` failed (no such file).
    """
    lab_container(source)
    return run_once(image, ["cat", path], volumes_from=[f"{source}:ro"]).output


@engine_step(
    "remove the container and look for its anonymous volume",
    names={"name": "container", "image": "image"},
)
def remove_and_look(name: str, volumes: bool = False, image: str = LESSON_IMAGE) -> Removal:
    """`docker rm -f [-v] NAME`, then `docker volume ls --filter dangling=true` (the lab's): is
    the container's anonymous volume still there, unused, and what does it hold (listed through a
    throw-away container)?

    Raises:
        BadInput: NAME is not one of the lab's containers.
    """
    mount = lab_container(name).mount_at(ANONYMOUS_AT)
    volume = mount.volume_name if mount is not None and mount.kind == "volume" else ""
    remove_container(name, volumes=volumes)
    still = volume in list_dangling_volumes(lab_only=True)
    files = list_volume(volume, image).names if still else ()
    return Removal(name, volumes, volume, still, files)
