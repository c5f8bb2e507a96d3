"""What notebook 07 shows: who mounts what, a line passed between containers, a write through a
read-only mount, and anonymous volumes left behind or removed."""

from __future__ import annotations

from ...core.results import result
from ...core.table import Table, TableShown, short_name, yes_no

__all__ = [
    "AnonymousVolume",
    "DanglingVolumes",
    "Exchange",
    "MountRow",
    "MountTable",
    "Removal",
    "WriteAttempt",
]


@result
class MountRow:
    """One mount of one container, as `docker inspect` shows it."""

    container: str
    destination: str
    kind: str
    volume: str
    read_write: bool


@result
class MountTable(TableShown):
    """Each container's mounts (`docker inspect`)."""

    rows: tuple

    def table(self) -> Table:
        return Table(
            ["container", "mounted at", "type", "volume", "read-write (RW)"],
            [
                (r.container, r.destination, r.kind, r.volume, yes_no(r.read_write))
                for r in self.rows
            ],
        )

    def plot(self):
        """Containers on the left, volumes on the right, a line per mount: solid = read-write,
        dashed = read-only, labelled with the path inside the container."""
        from .views import mounts_figure

        return mounts_figure(self)


@result
class Exchange:
    """A line appended in one container, and the file as another container then reads it."""

    wrote_in: str
    text: str
    write_ok: bool
    write_error: str
    read_in: str
    lines_seen: tuple

    def __repr__(self) -> str:
        status = "appended" if self.write_ok else f"NOT appended: {self.write_error}"
        lines = "\n".join(f"  {line}" for line in self.lines_seen) or "  (no file)"
        return (
            f"{self.wrote_in}: {status}\n"
            f"{self.read_in} reads {len(self.lines_seen)} line(s):\n{lines}"
        )


@result
class WriteAttempt:
    """A write tried in a container, what happened, and why."""

    container: str
    path: str
    command: str
    exit_code: int
    output: str
    mount: str
    read_only: bool

    @property
    def explanation(self) -> str:
        if self.exit_code == 0:
            return f"The write worked: {self.mount} is mounted read-write in {self.container}."
        if "Read-only file system" in self.output:
            return (
                "The write failed with 'Read-only file system', the kernel's error for a write "
                f"to a read-only mount: {self.container} has {self.mount} mounted with :ro, so "
                "every write through that mount is refused, even for root. The volume itself is "
                "not read-only: a container that mounts it without :ro can still write to it."
            )
        return f"The write failed (exit status {self.exit_code}) for another reason: see above."

    def __repr__(self) -> str:
        said = self.output.strip() or "(nothing)"
        return f"exit status {self.exit_code}; it printed: {said}\n\n{self.explanation}"


@result
class AnonymousVolume:
    """A container started with `-v /data`: the volume the Engine made for it."""

    container: str
    volume: str
    command: str

    def __repr__(self) -> str:
        return (
            f"{self.container} has an anonymous volume at /data: {self.volume}\n"
            f"(a name the Engine made up: {len(self.volume)} hex characters)"
        )


@result
class Removal:
    """A container removed with or without -v, and whether its anonymous volume stayed."""

    container: str
    command: str
    volume: str
    volume_still_there: bool
    files_in_volume: tuple

    def __repr__(self) -> str:
        if self.volume_still_there:
            files = ", ".join(self.files_in_volume) or "nothing"
            return (
                f"its anonymous volume {short_name(self.volume)} is still there, holding: {files}"
            )
        return f"its anonymous volume {short_name(self.volume)} is gone"


@result
class DanglingVolumes:
    """`docker volume ls -f dangling=true`: volumes no container uses (this notebook's only)."""

    names: tuple
    command: str

    def __repr__(self) -> str:
        lines = [f"  {name}" for name in self.names] or ["  (none)"]
        return "\n".join([f"{len(self.names)} unused volume(s) made by this notebook:", *lines])
