"""Exercise 07: a writer and a read-only reader on one volume, made with the plain CLI. The check
reads the containers' configuration, and the file through a throw-away container."""

from __future__ import annotations

from ...core.echo import announce, cli
from ...core.errors import BadInput, CommandFailed
from ...core.labels import MANAGED
from ...engine import LESSON_IMAGE, find_container, find_volume, real
from ...teaching import CheckResult, exercise_check, not_yet, passed
from ..common import read_volume_file

__all__ = ["check_read_only_share"]

SHARE_TITLE = "A read-only reader"


@exercise_check(SHARE_TITLE)
def check_read_only_share(
    volume: str = "ex07-data",
    writer: str = "ex07-writer",
    reader: str = "ex07-reader",
    filename: str = "hello.txt",
) -> CheckResult:
    """Does WRITER (running) mount VOLUME read-write at /data, READER (running) the same volume
    read-only at /data, and does the volume hold FILENAME? Reads only: the file is read through
    a throw-away container, never through the learner's containers."""
    image = real(LESSON_IMAGE, "image")
    create = f"docker volume create --label {MANAGED}=true {volume}"
    run_writer = (
        f"docker run -d --name {writer} --label {MANAGED}=true -v {volume}:/data "
        f"{image} sleep infinity"
    )
    run_reader = (
        f"docker run -d --name {reader} --label {MANAGED}=true "
        f"-v {volume}:/data:ro {image} sleep infinity"
    )
    if find_volume(volume) is None:
        return not_yet(
            SHARE_TITLE,
            f"there is no volume '{volume}' yet.",
            "create the volume first, then two containers that mount it at /data: the reader's "
            "mount read-only (a suffix of its `-v` option).",
            more=f"{create}; then {run_writer}; then {run_reader}",
        )
    announce(cli("inspect", "-f", "{{.Name}} {{.State.Status}} {{json .Mounts}}", writer, reader))
    for name, read_only, run in ((writer, False, run_writer), (reader, True, run_reader)):
        found = find_container(name)
        how = "read-only (`:ro` after the mount)" if read_only else "read-write (the default)"
        if found is None:
            return not_yet(
                SHARE_TITLE,
                f"there is no container '{name}' yet.",
                f"run it from {image} with the volume mounted at /data, {how}.",
                more=run,
            )
        redo = f"`docker rm -f {name}`, then {run}"
        fixed = "a container's mounts are fixed when it is created: remove it and run it again."
        if found.status != "running":
            return not_yet(
                SHARE_TITLE,
                f"'{name}' is {found.status}, not running.",
                "a stopped container keeps its mounts: start it again.",
                more=f"`docker start {name}`",
            )
        mount = found.mount_at("/data")
        if mount is None or mount.kind != "volume" or mount.volume_name != volume:
            seen = "nothing" if mount is None else f"{mount.kind} {mount.volume_name}"
            return not_yet(
                SHARE_TITLE,
                f"'{name}' should mount {volume} at /data; it has {seen}.",
                fixed,
                more=redo,
            )
        if mount.read_write == read_only:
            want = "read-only (:ro)" if read_only else "read-write"
            return not_yet(SHARE_TITLE, f"'{name}' should mount {volume} {want}.", fixed, more=redo)
    try:
        read_volume_file(volume, filename)
    except BadInput:  # the volume went a moment ago
        return not_yet(
            SHARE_TITLE, f"there is no volume '{volume}' any more.", "create it again.", create
        )
    except CommandFailed:
        return not_yet(
            SHARE_TITLE,
            f"{volume} holds no {filename} yet.",
            "write it through the writer, with a command run inside it (the reader cannot: its "
            "mount is read-only).",
            more=f"docker exec {writer} sh -c 'echo hello > /data/{filename}'",
        )
    return passed(
        SHARE_TITLE,
        f"{writer} writes to {volume}, {reader} mounts it read-only, and {filename} is there.",
    )
