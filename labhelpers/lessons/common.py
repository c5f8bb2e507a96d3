"""Experiments more than one lesson uses: reading a volume through a throw-away container, the
options of a volume held in memory, and whether the Engine sees a folder of this machine (so that
bind mounts of it work)."""

from __future__ import annotations

import os

from ..core.errors import BadInput
from ..core.inputs import check_inside
from ..core.results import result
from ..core.table import Table, TableShown
from ..core.units import si_exact
from ..engine import (
    LESSON_IMAGE,
    MountSpec,
    engine_locality,
    engine_step,
    find_volume,
    run_once,
)

__all__ = [
    "PEEK_AT",
    "TMPFS_VOLUME_SIZE",
    "FileRead",
    "VolumeFile",
    "VolumeListing",
    "check_volume_path",
    "list_volume",
    "read_volume_file",
    "require_volume",
    "tmpfs_volume_options",
    "unshared_folder",
]

PEEK_AT = "/volume"  # where a helper container mounts the volume it reads (read-only)
TMPFS_VOLUME_SIZE = "64m"


def tmpfs_volume_options(size: str = TMPFS_VOLUME_SIZE) -> dict:
    """The `local` driver's options for a volume held in memory: `--opt type=tmpfs --opt
    device=tmpfs --opt o=size=SIZE` (they are handed to the kernel's mount(8) as they are)."""
    return {"type": "tmpfs", "device": "tmpfs", "o": f"size={size}"}


def require_volume(name: str) -> None:
    """Raise BadInput unless the volume NAME exists (`docker run -v` would quietly create an
    empty one, so the lab checks first)."""
    if find_volume(name) is None:
        raise BadInput(
            f"There is no volume named '{name}'.",
            "it was not created yet, or it was removed (`docker run -v` would quietly create "
            "an empty one, so the lab checks first).",
            "run the cells above that create it, or `docker volume create NAME`.",
        )


def _peek(volume: str) -> MountSpec:
    return MountSpec("volume", volume, PEEK_AT, read_only=True)


@result
class VolumeFile:
    """One entry of a volume's top directory."""

    name: str
    size_bytes: int


@result
class VolumeListing(TableShown):
    """`docker run --rm -v VOLUME:/volume:ro my-image ls -lA /volume`."""

    volume: str
    files: tuple
    command: str

    @property
    def names(self) -> tuple:
        return tuple(f.name for f in self.files)

    def table(self) -> Table:
        rows = [(f.name, si_exact(f.size_bytes)) for f in self.files] or [("(empty)", "")]
        return Table(["file in " + self.volume, "size"], rows)


@engine_step("list the volume's files", names={"volume": "volume", "image": "image"})
def list_volume(volume: str, image: str = LESSON_IMAGE) -> VolumeListing:
    """List a volume's files through a throw-away container, the way that works everywhere
    (Docker Desktop included): the volume is mounted read-only at /volume."""
    require_volume(volume)
    done = run_once(image, ["ls", "-lA", PEEK_AT], [_peek(volume)])
    files = []
    for line in done.output.splitlines():
        fields = line.split(maxsplit=8)
        if len(fields) == 9 and fields[4].isdigit():
            files.append(VolumeFile(fields[8], int(fields[4])))
    return VolumeListing(volume, tuple(sorted(files, key=lambda f: f.name)), done.command)


@result
class FileRead:
    """A file read out of a volume, and how."""

    volume: str
    path: str
    readable: bool
    text: str
    how: str
    command: str

    def __repr__(self) -> str:
        if self.readable:
            return f"{self.path} ({self.how}):\n{self.text}"
        return f"{self.path} ({self.how}): not readable here: {self.text}"


def check_volume_path(volume: str, filename: str, *_: object, **__: object) -> None:
    """An Engine step's check: FILENAME must stay inside the volume (raises BadInput)."""
    check_inside(filename, f"the volume {volume}")


@engine_step(
    "read a file through a helper container",
    validate=check_volume_path,
    names={"volume": "volume", "image": "image"},
)
def read_volume_file(volume: str, filename: str, image: str = LESSON_IMAGE) -> FileRead:
    """`docker run --rm -v VOLUME:/volume:ro my-image cat /volume/FILENAME`: works on every
    platform, because the helper container runs where the volume is (in Docker Desktop's VM too).

    Raises:
        BadInput: no such volume, or a FILENAME that climbs out of the volume.
    """
    require_volume(volume)  # the step's check_volume_path already refused a climbing FILENAME
    path = f"{PEEK_AT}/{filename.lstrip('/')}"
    done = run_once(image, ["cat", path], [_peek(volume)])
    return FileRead(volume, path, True, done.output, "through a helper container", done.command)


def unshared_folder(folder: str | os.PathLike) -> str:
    """ "" when a bind mount of FOLDER (a folder of this machine) can work: the Engine sees it, as
    `engine_locality(FOLDER)` probed, or it could not be probed. Otherwise why not, in one
    sentence, for a lesson to print with the command instead of failing. FOLDER must exist.
    Call it inside a step (it may run helper containers)."""
    locality = engine_locality(os.fspath(folder))
    if locality.folders_shared is not False:
        return ""
    return (
        f"the Engine does not see {os.fspath(folder)} of this machine (it runs in a VM, a "
        "container or on another host that does not share this folder), so a bind mount of it "
        "cannot work here"
    )
