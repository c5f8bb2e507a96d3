"""What notebook 07 shows: who mounts what, a line passed between containers, a write through a
read-only mount, and anonymous volumes left behind or removed."""

from __future__ import annotations

from ...core.results import result
from ...core.table import Table, TableShown, short_name, yes_no

__all__ = ["AnonymousVolume", "Exchange", "MountRow", "MountTable", "Removal", "WriteAttempt"]


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
    """Each container's mounts (`docker inspect`); `lh.sharing.plot_mounts` draws them."""

    rows: tuple

    def table(self) -> Table:
        return Table(
            ["container", "mounted at", "volume", "read-write (RW)"],
            [
                (r.container, r.destination, short_name(r.volume), yes_no(r.read_write))
                for r in self.rows
            ],
        )


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
        return f"{self.wrote_in}: {status}. {self.read_in} reads:\n{lines}"


@result
class WriteAttempt:
    """A write tried in a container: its exit status, what it printed, and the mount that holds
    the path (`mount`, "its writable layer" when none does) with whether it is read-only."""

    container: str
    path: str
    exit_code: int
    output: str
    mount: str
    read_only: bool

    @property
    def refused_read_only(self) -> bool:
        """Did the kernel refuse the write because the mount is read-only?"""
        return self.exit_code != 0 and "Read-only file system" in self.output

    def __repr__(self) -> str:
        if self.exit_code == 0:
            return f"written: {self.mount} is read-write in {self.container}"
        return f"refused ({self.output.strip() or 'exit status ' + str(self.exit_code)})"


@result
class AnonymousVolume:
    """A container started with `-v /data`: the volume the Engine made (and named) for it."""

    container: str
    volume: str

    def __repr__(self) -> str:
        return f"{self.container} has an anonymous volume at /data: {short_name(self.volume)}"


@result
class Removal:
    """A container removed with or without -v (`volumes`), and whether its anonymous volume
    stayed behind, unused, and what it holds."""

    container: str
    volumes: bool
    volume: str
    volume_still_there: bool
    files_in_volume: tuple

    def __repr__(self) -> str:
        if self.volume_still_there:
            files = ", ".join(self.files_in_volume) or "nothing"
            return f"{short_name(self.volume)} is still there, unused, holding: {files}"
        return f"{short_name(self.volume)} is gone"
