"""What notebook 05's experiments return, and how each shows as a table."""

from __future__ import annotations

from ...core.results import result
from ...core.units import si
from ...views import Table, TableShown, yes_no

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
    """One way of mounting something over the image's /app, and what the container saw there."""

    setup: str
    command: str
    seen_in_app: tuple
    left_in_source: str


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
                    " ".join(c.seen_in_app) or "(empty)",
                    yes_no("app.py" in c.seen_in_app),
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
            ["container", "over /app", "status", "exit code", "first line it logged"],
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
