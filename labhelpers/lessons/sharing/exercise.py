"""Exercise 07: a writer and a read-only reader on one volume, made with the plain CLI and marked
for the lab's cleanup. The check reads the containers' configuration, and the file through a
throw-away container."""

from __future__ import annotations

import functools

from ...core.errors import BadInput, CommandFailed
from ...core.labels import MANAGED, mark
from ...engine import LESSON_IMAGE, find_container, find_image, find_volume
from ...teaching import CheckResult, exercise_check, not_yet, passed
from ..common import read_volume_file

__all__ = ["check_read_only_share"]

SHARE_TITLE = "A read-only reader"
_share_not_yet = functools.partial(not_yet, SHARE_TITLE)


def _label(kind: str, name: str) -> str:
    return f"--label {MANAGED}={mark(kind, name)}"


@exercise_check(SHARE_TITLE)
def check_read_only_share(
    volume: str = "ex07-data",
    writer: str = "ex07-writer",
    reader: str = "ex07-reader",
    filename: str = "hello.txt",
) -> CheckResult:
    """Does WRITER (running) mount VOLUME read-write at /data, READER (running) the same volume
    read-only at /data, each carrying the lab's exact mark, and does the volume hold FILENAME?
    Reads only: the file is read through a throw-away container, never the learner's."""
    found_image = find_image(LESSON_IMAGE)
    image = found_image.ref if found_image else LESSON_IMAGE  # as this Engine names it
    create = f"docker volume create {_label('volume', volume)} {volume}"
    runs = {
        name: f"docker run -d --name {name} {_label('container', name)} "
        f"-v {volume}:/data{':ro' if ro else ''} {image} sleep infinity"
        for name, ro in ((writer, False), (reader, True))
    }
    found = find_volume(volume)
    if found is None:
        return _share_not_yet(
            f"there is no volume '{volume}' yet.",
            "create the volume first, then two containers that mount it at /data: the reader's "
            "mount read-only (a suffix of its `-v` option).",
            more=f"{create}; then {runs[writer]}; then {runs[reader]}",
        )
    if not found.lab_owned:
        return _share_not_yet(
            f"'{volume}' lacks the mark {MANAGED}={mark('volume', volume)}.",
            "labels are set when a volume is made: remove it and create it again.",
            more=f"`docker volume rm {volume}`, then {create}",
        )
    for name, read_only in ((writer, False), (reader, True)):
        container = find_container(name)
        how = "read-only (`:ro` after the mount)" if read_only else "read-write (the default)"
        if container is None:
            return _share_not_yet(
                f"there is no container '{name}' yet.",
                f"run it from {image} with the volume mounted at /data, {how}.",
                more=runs[name],
            )
        redo = f"`docker rm -f {name}`, then {runs[name]}"
        fixed = "a container's mounts and labels are fixed when it is created: run it again."
        if not container.lab_owned:
            return _share_not_yet(
                f"'{name}' lacks the mark {MANAGED}={mark('container', name)}.",
                fixed,
                more=redo,
            )
        if container.status != "running":
            return _share_not_yet(
                f"'{name}' is {container.status}, not running.",
                "a stopped container keeps its mounts: start it again.",
                more=f"`docker start {name}`",
            )
        mount = container.mount_at("/data")
        if mount is None or mount.kind != "volume" or mount.volume_name != volume:
            seen = "nothing" if mount is None else f"{mount.kind} {mount.volume_name}"
            return _share_not_yet(
                f"'{name}' should mount {volume} at /data; it has {seen}.", fixed, redo
            )
        if mount.read_write == read_only:
            want = "read-only (:ro)" if read_only else "read-write"
            return _share_not_yet(f"'{name}' should mount {volume} {want}.", fixed, redo)
    try:
        read_volume_file(volume, filename)
    except BadInput:  # the volume went a moment ago
        return _share_not_yet(
            f"there is no volume '{volume}' any more.", "create it again.", create
        )
    except CommandFailed:
        return _share_not_yet(
            f"{volume} holds no {filename} yet.",
            "write it through the writer, with a command run inside it (the reader cannot: its "
            "mount is read-only).",
            more=f"docker exec {writer} sh -c 'echo hello > /data/{filename}'",
        )
    return passed(
        SHARE_TITLE,
        f"{writer} writes to {volume}, {reader} mounts it read-only, and {filename} is there. "
        "The lab's cleanup removes these three, and only these.",
    )
