"""Sharing data between containers (notebook 07).

Two containers on one named volume (one writes, the other reads, and the other way round), a
read-only (`:ro`) mount whose write fails with an explanation, `--volumes-from`, and anonymous
volumes: made by `docker run -v /path`, left behind by `docker rm`, removed by `docker rm -v`.
"""

from __future__ import annotations

import shlex

from ...core.echo import announce, cli
from ...core.errors import BadInput, CommandFailed
from ...core.labels import NOTEBOOK, SESSION, SESSION_ID, current_notebook
from ...engine import (
    LESSON_IMAGE,
    anonymous_volume,
    engine_step,
    exec_in,
    find_volume,
    lab_container,
    list_dangling_volumes,
    real,
    remove_container,
    run_container,
    run_once,
)
from ...core.table import short_name
from ..common import list_volume
from .results import (
    AnonymousVolume,
    DanglingVolumes,
    Exchange,
    MountRow,
    MountTable,
    Removal,
    WriteAttempt,
)

__all__ = [
    "READER",
    "READER_FILE",
    "READER_RO",
    "WRITER",
    "WRITER_FILE",
    "append_and_read",
    "dangling_volumes",
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


# --- who mounts what ----------------------------------------------------------------------------


def names_here(*names: str) -> tuple:
    """The containers NAMES as this Engine names them (what a widget's buttons should say)."""
    return tuple(real(name) for name in names)


@engine_step("inspect the containers' mounts")
def mounts_table(names: tuple | list = (WRITER, READER)) -> MountTable:
    """`docker inspect -f '{{.Name}} {{json .Mounts}}' NAME ...`: each container's mounts.

    Raises:
        BadInput: a name is not one of the lab's containers.
    """
    names = names_here(*names)  # the table and the command name what this Engine has
    announce(cli("inspect", "-f", "{{.Name}} {{json .Mounts}}", *names))
    rows = []
    for name in names:
        for m in lab_container(name).mounts:
            rows.append(
                MountRow(name, m.destination, m.kind, short_name(m.volume_name), m.read_write)
            )
    return MountTable(tuple(rows))


# --- one writes, the other reads ----------------------------------------------------------------


def _quoted(text: str) -> str:
    """TEXT for `sh -c`, in double quotes when that is safe (easier to read than shlex's)."""
    if not any(ch in text for ch in '"$`\\!'):
        return f'"{text}"'
    return shlex.quote(text)


def _check_line(text: str) -> None:
    if not isinstance(text, str) or not text or "\n" in text or len(text) > 200:
        raise BadInput(
            "The line to write must be one line of 1 to 200 characters.",
            f"got {len(text) if isinstance(text, str) else repr(text)} characters.",
            "type a shorter line.",
        )


def _check_append(text: str = "", *_: object, **__: object) -> None:
    _check_line(text)


@engine_step("append a line in one container and read the file in another", validate=_check_append)
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
    wrote_in, read_in = names_here(wrote_in, read_in)
    done = exec_in(wrote_in, f"echo {_quoted(text)} >> {shlex.quote(write_path)}", check=False)
    error = "" if done.exit_code == 0 else done.output.strip().splitlines()[-1]
    seen = exec_in(read_in, f"cat {shlex.quote(read_path)}", check=False)
    lines = tuple(seen.output.splitlines()) if seen.exit_code == 0 else ()
    return Exchange(wrote_in, text, done.exit_code == 0, error, read_in, lines)


# --- a read-only mount --------------------------------------------------------------------------


def _check_write(container: str = "", path: str = "", text: str = "written by a reader") -> None:
    _check_line(text)


@engine_step("try to write in the container", validate=_check_write)
def try_write(container: str, path: str, text: str = "written by a reader") -> WriteAttempt:
    """`docker exec CONTAINER sh -c 'echo TEXT >> PATH'`, reporting a failure instead of raising
    it, with the mount that holds PATH (and whether it is read-only) from `docker inspect`.

    Raises:
        BadInput: TEXT is not one short line, or CONTAINER is not the lab's.
    """
    container = real(container)
    mounts = lab_container(container).mounts
    holding = max(
        (m for m in mounts if path.startswith(m.destination.rstrip("/") + "/")),
        key=lambda m: len(m.destination),
        default=None,
    )
    if holding is None:
        where, read_only = "its writable layer", False
    else:
        where = f"{short_name(holding.volume_name or holding.source)} at {holding.destination}"
        read_only = not holding.read_write
    done = exec_in(container, f"echo {_quoted(text)} >> {shlex.quote(path)}", check=False)
    return WriteAttempt(
        container, path, done.command, done.exit_code, done.output.strip(), where, read_only
    )


# --- anonymous volumes --------------------------------------------------------------------------


def _anonymous_volume_of(name: str) -> str:
    mount = lab_container(name).mount_at(ANONYMOUS_AT)
    return mount.volume_name if mount is not None and mount.kind == "volume" else ""


@engine_step("start a container with an anonymous volume")
def start_with_anonymous_volume(
    name: str, text: str = "kept in an anonymous volume", image: str = LESSON_IMAGE
) -> AnonymousVolume:
    """`docker run -d --name NAME -v /data IMAGE sleep infinity`, then write /data/notes.txt.

    The lab writes `-v /data` in its long form (`--mount type=volume,dst=/data,...`), the only
    one that can also label the new volume."""
    name = real(name)
    info = run_container(name, image, [anonymous_volume(ANONYMOUS_AT)], "sleep infinity")
    exec_in(name, f"echo {_quoted(text)} > {ANONYMOUS_AT}/notes.txt")
    volume = next((m.volume_name for m in info.mounts if m.destination == ANONYMOUS_AT), "")
    return AnonymousVolume(name, volume, info.command)


@engine_step("read through --volumes-from")
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
    source = real(source)
    lab_container(source)
    try:
        return run_once(image, ["cat", path], volumes_from=[f"{source}:ro"]).output
    except CommandFailed as exc:
        raise CommandFailed(
            f"`cat {path}` failed in a container started with --volumes-from {source}.",
            f"it printed: {exc.output.strip() or '(nothing)'}",
            "check the path, and that the source container still exists.",
            exc.exit_code,
            exc.output,
        ) from exc


@engine_step("remove the container and look for its anonymous volume")
def remove_and_look(name: str, volumes: bool = False, image: str = LESSON_IMAGE) -> Removal:
    """`docker rm -f [-v] NAME`, then: does the container's anonymous volume still exist, and
    what does it hold (listed through a throw-away container)?

    Raises:
        BadInput: NAME is not one of the lab's containers.
    """
    name = real(name)
    volume = _anonymous_volume_of(name)
    shown = remove_container(name, volumes=volumes)
    still = bool(volume) and find_volume(volume) is not None
    files = list_volume(volume, image).names if still else ()
    return Removal(name, shown, volume, still, files)


@engine_step("list unused volumes")
def dangling_volumes() -> DanglingVolumes:
    """`docker volume ls -q -f dangling=true`, limited (by label) to this notebook in this
    session, so volumes of yours or of other notebooks never show here."""
    labels = (f"{NOTEBOOK}={current_notebook()}", f"{SESSION}={SESSION_ID}")
    names = list_dangling_volumes(labels)
    flags = [a for label in labels for a in ("-f", f"label={label}")]
    return DanglingVolumes(names, cli("volume", "ls", "-q", "-f", "dangling=true", *flags))
