"""What notebook 05's experiments return, and how each shows as a table."""

from __future__ import annotations

import html

from ...core.results import result
from ...core.units import si
from ...core.table import Table, TableShown, yes_no

__all__ = [
    "AppDirCase",
    "AppDirGrid",
    "AppRun",
    "AppRuns",
    "CopyResult",
    "LayerChanges",
    "PruneReport",
    "PruneRow",
    "SpaceSnapshot",
    "SurvivalResult",
    "VolumeUsage",
    "VolumeUsageReport",
    "WritableLayer",
]


@result
class LayerChanges(TableShown):
    """`docker diff NAME`: what the container's writable layer holds (the Engine layer's
    DiffEntry rows: kind A/C/D and path)."""

    container: str
    entries: tuple

    def table(self) -> Table:
        return Table(["", "path"], [(d.kind, d.path) for d in self.entries])


@result
class CopyResult:
    """`docker cp CONTAINER:PATH DEST/`: a file copied out of a container to this machine."""

    container: str
    source: str
    host_path: str
    size_bytes: int
    command: str
    text: str  # the copy's content as read back from this machine's disk (or why it is not shown)

    def __repr__(self) -> str:
        head = f"copied {self.container}:{self.source} -> {self.host_path} ({si(self.size_bytes)})"
        return f"{head}\nread back from {self.host_path} on this machine:\n{self.text}"


@result
class AppDirCase:
    """One way of mounting something over the image's /app, and what the container saw there
    (`note`: why nothing was listed, when the case was not run or its container not started)."""

    setup: str
    command: str
    seen_in_app: tuple
    left_in_source: str
    note: str = ""


@result
class AppDirGrid(TableShown):
    """What `ls -A /app` shows for each kind of mount over the image's /app."""

    cases: tuple

    def table(self) -> Table:
        return Table(
            ["over /app", "ls -A /app shows", "app.py there?", "the volume/folder afterwards"],
            [
                (
                    c.setup,
                    f"({c.note})" if c.note else " ".join(c.seen_in_app) or "(empty)",
                    "" if c.note else yes_no("app.py" in c.seen_in_app),
                    c.left_in_source,
                )
                for c in self.cases
            ],
        )


@result
class AppRun:
    """The image's own command (`python app.py`) started with something mounted over /app."""

    container: str
    over_app: str
    status: str
    exit_code: int
    first_log_line: str
    command: str


@result
class AppRuns(TableShown):
    """`docker run -d` of the image's own command with different mounts over /app."""

    runs: tuple

    def table(self) -> Table:
        return Table(
            ["container", "over /app", "status", "exit code", "first line (stdout, else stderr)"],
            [
                (
                    r.container,
                    r.over_app,
                    r.status,
                    "" if r.status == "running" else r.exit_code,
                    r.first_log_line,
                )
                for r in self.runs
            ],
        )


@result
class VolumeUsage:
    """One volume in `docker system df -v` (or its absence)."""

    name: str
    listed: bool
    links: int
    size_bytes: int


@result
class VolumeUsageReport(TableShown):
    """The volumes section of `docker system df -v`, for the volumes asked about."""

    rows: tuple

    def table(self) -> Table:
        return Table(
            ["VOLUME NAME", "LINKS", "SIZE", "exact"],
            [
                (r.name, r.links, si(r.size_bytes), f"{r.size_bytes:,} B")
                if r.listed
                else (r.name, "", "(not listed)", "")
                for r in self.rows
            ],
        )


@result
class SpaceSnapshot:
    """A container's writable layer and a volume's size, measured at one moment."""

    moment: str
    container: str
    writable_layer_bytes: int
    volume: str
    volume_bytes: int


@result
class PruneRow:
    """One of the prune demo's volumes, and whether `docker volume prune` removed it."""

    volume: str
    kind: str
    used_by_stopped_container: bool
    removed_by_prune: bool


@result
class PruneReport(TableShown):
    """Which of four kinds of volume `docker volume prune` removed on this Engine."""

    engine_version: str
    api_version: str
    rows: tuple

    @property
    def named_unused_removed(self) -> bool:
        return any(
            r.removed_by_prune
            for r in self.rows
            if r.kind == "named" and not r.used_by_stopped_container
        )

    def verdict(self) -> str:
        """One sentence on what prune did to an unused named volume on this Engine."""
        if self.named_unused_removed:
            return (
                f"On this Engine ({self.engine_version}, API {self.api_version}) a plain "
                "`docker volume prune` removes unused named volumes too."
            )
        return (
            f"On this Engine ({self.engine_version}, API {self.api_version}) a plain "
            "`docker volume prune` keeps named volumes: add --all to remove unused ones."
        )

    def table(self) -> Table:
        return Table(
            ["volume", "kind", "used by a (stopped) container", "removed by prune"],
            [
                (r.volume, r.kind, yes_no(r.used_by_stopped_container), yes_no(r.removed_by_prune))
                for r in self.rows
            ],
            caption=f"docker volume prune on Engine {self.engine_version} (API {self.api_version})",
        )


@result
class SurvivalResult:
    """A line written from a container that was then removed, and the volume's file read back."""

    volume: str
    written: str
    read_back: str
    survived: bool


# The Engine's own mount points in a writable layer: empty files (and the directories that hold
# them) it creates so that it can mount something there.
ENGINE_MOUNT_POINTS = {
    "usr/sbin/docker-init": "--init's tiny init program, bind-mounted there",
    "etc/hosts": "the Engine's /etc/hosts, bind-mounted there",
    "etc/hostname": "the Engine's /etc/hostname, bind-mounted there",
    "etc/resolv.conf": "the Engine's /etc/resolv.conf, bind-mounted there",
    ".dockerenv": "the marker file of a Docker container",
}


@result
class WritableLayer(TableShown):
    """A running container's writable layer as it is on the Engine's machine (the Engine
    layer's LayerEntry rows, "." for the upper directory itself), counted two ways, beside
    `docker ps -s`."""

    container: str
    upper_dir: str
    how: str
    readable: bool
    reason: str
    entries: tuple
    command: str
    writable_layer_bytes: int  # docker ps -s, measured right after the listing
    store: str  # "containerd" or "graph driver"
    storage: str

    @property
    def files_bytes(self) -> int:
        """The sizes of everything but directories (each hard-linked file once)."""
        return sum({e.inode: e.size_bytes for e in self.entries if e.kind != "directory"}.values())

    @property
    def blocks_bytes(self) -> int:
        """The disk blocks of every entry, directories and the upper directory included."""
        return sum({e.inode: e.allocated_bytes for e in self.entries}.values())

    @property
    def mount_points(self) -> tuple:
        return tuple(e.path for e in self.entries if e.path in ENGINE_MOUNT_POINTS)

    def explanation(self) -> str:
        if not self.readable:
            return (
                f"{self.container}'s writable layer could not be read ({self.how}): {self.reason}"
            )
        size = self.writable_layer_bytes
        files = [e for e in self.entries if e.kind != "directory"]
        made = [e.path for e in files if e.path in ENGINE_MOUNT_POINTS]
        others = [e.path for e in files if e.path not in ENGINE_MOUNT_POINTS]
        held = (
            f"It holds {len(made)} empty file(s) the Engine made as mount points "
            f"({', '.join('/' + m for m in made)}) and the directories above them"
            if made
            else "It holds no file the Engine made as a mount point"
        )
        if others:
            held += f", and {len(others)} other file(s) ({self.files_bytes:,} B in all)"
        if self.store == "containerd":
            rule = (
                "the containerd snapshotter counts the disk blocks every entry takes, directories "
                "and the layer's own directory included"
            )
            matches = size == self.blocks_bytes
        else:
            rule = "the overlay2 graph driver counts the sizes of the files, 0 B for a directory"
            matches = size == self.files_bytes
        return (
            f"{held}. Counted by file size that is {self.files_bytes:,} B; counted in disk "
            f"blocks {self.blocks_bytes:,} B. `docker ps -s` says {size:,} B on this Engine "
            f"({self.storage}), because {rule}"
            + ("." if matches else " (the layer changed between the listing and docker ps -s).")
        )

    def table(self) -> Table:
        return Table(
            ["in the writable layer", "kind", "size", "on disk", "why it is there"],
            [
                (
                    "(the layer's own directory)" if e.path == "." else "/" + e.path,
                    e.kind,
                    f"{e.size_bytes:,} B",
                    f"{e.allocated_bytes:,} B",
                    ENGINE_MOUNT_POINTS.get(e.path, ""),
                )
                for e in self.entries
            ],
            caption=f"{self.container}'s writable layer, {self.how}",
        )

    def __repr__(self) -> str:
        if not self.readable:
            return self.explanation()
        return f"{super().__repr__()}\n\n{self.explanation()}"

    def _repr_html_(self) -> str:
        text = f"<p>{html.escape(self.explanation())}</p>"
        return f"{super()._repr_html_()}{text}" if self.readable else text
