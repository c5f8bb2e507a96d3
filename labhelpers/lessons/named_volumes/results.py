"""What notebook 05's experiments return, and how each shows as a table. Verdicts are fields and
properties (tests read those, never the sentences)."""

from __future__ import annotations

import html

from ...core.results import result
from ...core.table import Table, TableShown, yes_no
from ...core.units import si, signed_bytes

__all__ = [
    "AppDirCase",
    "AppDirGrid",
    "AppRun",
    "AppRuns",
    "CopyResult",
    "LayerChanges",
    "PruneReport",
    "PruneRow",
    "SurvivalResult",
    "VolumeUsage",
    "VolumeUsageReport",
    "WriteSpace",
]


@result
class LayerChanges(TableShown):
    """`docker diff NAME`: what the container's writable layer holds (kind A/C/D and path)."""

    container: str
    entries: tuple

    def table(self) -> Table:
        return Table(["", "path"], [(d.kind, d.path) for d in self.entries])


@result
class CopyResult:
    """`docker cp CONTAINER:PATH DEST/`: a file copied out of a container, read back here."""

    container: str
    source: str
    host_path: str  # relative to the notebook's folder
    size_bytes: int
    text: str

    def __repr__(self) -> str:
        return f"{self.host_path} on this machine ({si(self.size_bytes)}):\n{self.text}"


@result
class AppDirCase:
    """One thing mounted over the image's /app: what a container saw there, what the volume or
    folder held afterwards, and why nothing was listed (`note`) where it was not."""

    setup: str
    seen_in_app: tuple
    left_in_source: tuple
    note: str = ""


@result
class AppDirGrid(TableShown):
    """What `ls -A /app` shows for each kind of mount over the image's /app."""

    cases: tuple

    def case(self, setup: str) -> AppDirCase:
        return next(c for c in self.cases if c.setup == setup)

    def table(self) -> Table:
        return Table(
            ["over /app", "ls -A /app shows"],
            [(c.setup, f"({c.note})" if c.note else " ".join(c.seen_in_app) or "(empty)")
             for c in self.cases],
        )  # fmt: skip


@result
class AppRun:
    """The image's own command (`python app.py`) started with something mounted over /app."""

    container: str
    over_app: str
    status: str  # running, exited, "not run"
    exit_code: int
    first_log_line: str


@result
class AppRuns(TableShown):
    """`docker run -d` of the image's own command with different mounts over /app."""

    runs: tuple

    def table(self) -> Table:
        return Table(
            ["over /app", "status", "exit code", "what it logged (where it listens, or its error)"],
            [
                (r.over_app, r.status, "" if r.status == "running" else r.exit_code,
                 r.first_log_line)
                for r in self.runs
            ],
        )  # fmt: skip


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
class WriteSpace(TableShown):
    """Data written under a volume's mount point, and where the Engine counts it: the container's
    writable layer (`docker ps -s`) and the volume (`docker system df -v`), before and after."""

    container: str
    volume: str
    written_bytes: int
    layer_before: int
    layer_after: int
    volume_before: int
    volume_after: int

    @property
    def in_volume(self) -> bool:
        """Did the volume grow by exactly the bytes written?"""
        return self.volume_after - self.volume_before == self.written_bytes

    @property
    def layer_grew_bytes(self) -> int:
        return self.layer_after - self.layer_before

    def table(self) -> Table:
        rows = [
            ("writable layer (docker ps -s)", self.layer_before, self.layer_after),
            (f"{self.volume} (docker system df -v)", self.volume_before, self.volume_after),
        ]  # fmt: skip
        return Table(
            ["", "before", "after", "change"],
            [(what, f"{a:,} B", f"{b:,} B", signed_bytes(b - a)) for what, a, b in rows],
            caption=f"{self.container} wrote {self.written_bytes:,} B under the volume's mount",
        )


@result
class PruneRow:
    """One of the prune demo's volumes, and whether `docker volume prune` removed it."""

    volume: str
    kind: str
    used_by_stopped_container: bool
    removed_by_prune: bool


@result
class PruneReport(TableShown):
    """Which of four kinds of volume a plain `docker volume prune` removed on this Engine."""

    engine_version: str
    api_version: str
    rows: tuple

    @property
    def named_unused_removed(self) -> bool:
        return any(r.removed_by_prune for r in self.rows if r.kind == "named")

    @property
    def anonymous_removed(self) -> bool:
        return any(r.removed_by_prune for r in self.rows if r.kind == "anonymous")

    def verdict(self) -> str:
        keeps = "unused named volumes too" if self.named_unused_removed else (
            "only anonymous ones (--all: named too)"
        )  # fmt: skip
        return f"Engine {self.engine_version}: a plain prune removes {keeps}."

    def table(self) -> Table:
        return Table(
            ["volume", "kind", "in use", "pruned"],
            [
                (r.volume, r.kind, yes_no(r.used_by_stopped_container), yes_no(r.removed_by_prune))
                for r in self.rows
            ],
        )

    def __repr__(self) -> str:
        return f"{super().__repr__()}\n{self.verdict()}"

    def _repr_html_(self) -> str:
        return f"{super()._repr_html_()}<p>{html.escape(self.verdict())}</p>"


@result
class SurvivalResult:
    """A line written from a container that was then removed, and the volume's file read back."""

    volume: str
    written: str
    read_back: str
    survived: bool
