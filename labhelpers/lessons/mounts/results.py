"""What notebooks 06 and 06b measure: the survival grid, write throughput, bind-mount file owners,
both sides of a bind mount and a missing host path, as frozen results that show as tables. The
verdicts are data (`Claim`, `Comparison`, `survived`): tests read those, never the text.
Figures and the lecture's table rebuilt from a grid are in `views`."""

from __future__ import annotations

import html
import statistics

from ...core.results import result
from ...core.table import Table, TableShown, yes_no
from ...core.units import MIB, si

__all__ = [
    "ANONYMOUS",
    "BENCH_TARGETS",
    "BIND",
    "EVENTS",
    "KINDS",
    "LAYER",
    "NAMED",
    "RECREATE",
    "RESTART",
    "STOP_START",
    "TMPFS",
    "Claim",
    "Comparison",
    "Filesystem",
    "MissingPathCase",
    "MissingPathReport",
    "OwnershipReport",
    "OwnershipRow",
    "SurvivalGrid",
    "SyncReport",
    "SyncStep",
    "Throughput",
    "Trial",
    "WriteTiming",
]

LAYER = "writable layer"
NAMED = "named volume"
BIND = "bind mount"
TMPFS = "tmpfs mount"
ANONYMOUS = "anonymous volume"
KINDS = (LAYER, NAMED, BIND, TMPFS, ANONYMOUS)

RESTART = "docker restart"
STOP_START = "docker stop + start"
RECREATE = "docker rm + run again"
EVENTS = (RESTART, STOP_START, RECREATE)

# Where the benchmark writes, one path per kind (an anonymous volume writes like a named one).
BENCH_TARGETS = (
    (LAYER, "/bench/layer"),
    (NAMED, "/bench/volume"),
    (BIND, "/bench/bind"),
    (TMPFS, "/bench/tmpfs"),
)


@result
class Claim:
    """One of the lecture's claims, as the measurements answer it: `holds` is the verdict (data
    tests read), `because` what was measured."""

    question: str
    holds: bool
    because: str


def _there(kept: bool) -> str:
    return "there" if kept else "gone"


# --- the survival grid --------------------------------------------------------------------------


@result
class Trial:
    """One kind of storage put through one event: was the marker still there afterwards?
    `not_run`: why the trial could not run on this Engine (a bind mount of a folder the Engine
    does not see)."""

    kind: str
    event: str
    written: str
    read_back: str
    survived: bool
    note: str = ""
    not_run: str = ""

    @property
    def verdict(self) -> str:
        if self.not_run:
            return "not run"
        return ("kept" if self.survived else "lost") + (" *" if self.note else "")


@result
class SurvivalGrid(TableShown):
    """What survived what: one Trial per kind of storage and event."""

    trials: tuple

    def trial(self, kind: str, event: str) -> Trial | None:
        return next((t for t in self.trials if t.kind == kind and t.event == event), None)

    def survived(self, kind: str, event: str) -> bool:
        found = self.trial(kind, event)
        return found is not None and found.survived

    @property
    def kinds(self) -> tuple:
        return tuple(dict.fromkeys(t.kind for t in self.trials))

    @property
    def events(self) -> tuple:
        return tuple(dict.fromkeys(t.event for t in self.trials))

    def claims(self) -> tuple:
        """The lecture's claims about the kinds, answered by the grid (those it measured)."""
        found = []
        ran = {(t.kind, t.event) for t in self.trials if not t.not_run}
        if {(LAYER, STOP_START), (LAYER, RECREATE)} <= ran:
            kept = self.survived(LAYER, STOP_START)
            found.append(
                Claim(
                    "Is the writable layer lost when the container stops?",
                    not kept,
                    f"marker {_there(kept)} after stop + start, "
                    f"{_there(self.survived(LAYER, RECREATE))} after rm + run",
                )
            )
        if (TMPFS, RESTART) in ran:
            lost = not self.survived(TMPFS, RESTART)
            found.append(
                Claim(
                    "Is a tmpfs mount's data lost on restart?",
                    lost,
                    f"marker {_there(not lost)} after docker restart",
                )
            )
        for kind in (NAMED, BIND):
            if all((kind, e) in ran for e in self.events):
                kept = [e for e in self.events if self.survived(kind, e)]
                found.append(
                    Claim(
                        f"Does a {kind} keep its data?",
                        len(kept) == len(self.events),
                        f"marker there after {len(kept)} of {len(self.events)} events",
                    )
                )
        return tuple(found)

    def table(self) -> Table:
        def cell(kind: str, event: str) -> str:
            found = self.trial(kind, event)
            return found.verdict if found else ""

        notes = [f"* {t.note}" for t in self.trials if t.note][:1]
        notes += sorted({f"{t.kind}: not run: {t.not_run}" for t in self.trials if t.not_run})
        return Table(
            ["/data is a ...", *self.events],
            [(k, *(cell(k, e) for e in self.events)) for k in self.kinds],
            caption="\n".join(notes),
        )


# --- write throughput ---------------------------------------------------------------------------


@result
class WriteTiming:
    """One dd run: `size_bytes` of zeros written to a new file in `kind`, timed by dd itself."""

    kind: str
    fsync: bool
    repeat: int
    size_bytes: int
    seconds: float

    @property
    def mb_per_s(self) -> float:
        return self.size_bytes / self.seconds / 1e6 if self.seconds > 0 else float("inf")


@result
class Filesystem:
    """What a path inside the container is, from /proc/mounts."""

    kind: str
    path: str
    fstype: str
    options: str


@result
class Comparison:
    """Two kinds compared by their medians, with their spread: `apart` when the middle halves of
    their runs (first to third quartile) do not overlap, so the runs tell them apart."""

    first: str
    second: str
    fsync: bool
    ratio: float  # the first's median over the second's
    apart: bool

    def sentence(self) -> str:
        how = "with fsync" if self.fsync else "buffered"
        if not self.apart:
            return f"{self.first} vs {self.second}, {how}: middle halves overlap, not told apart"
        faster, slower = (self.first, self.second) if self.ratio >= 1 else (self.second, self.first)
        ratio = max(self.ratio, 1 / self.ratio)
        return f"{faster} vs {slower}, {how}: {ratio:.1f}x faster, middle halves apart"


@result
class Throughput(TableShown):
    """Write throughput per kind of storage, buffered and with fsync, repeated. `not_run`: a
    sentence per kind that could not be measured here (a bind mount of a folder the Engine does
    not see)."""

    size_bytes: int
    repeats: int
    timings: tuple
    filesystems: tuple
    not_run: tuple = ()

    def runs(self, kind: str, fsync: bool) -> list:
        return [t.mb_per_s for t in self.timings if t.kind == kind and t.fsync == fsync]

    def median(self, kind: str, fsync: bool) -> float:
        return statistics.median(self.runs(kind, fsync))

    def middle_half(self, kind: str, fsync: bool) -> tuple:
        """(first quartile, third quartile) of the runs, MB/s: the spread of the typical run."""
        runs = self.runs(kind, fsync)
        if len(runs) < 2:
            return runs[0], runs[0]
        low, _, high = statistics.quantiles(runs, n=4, method="inclusive")
        return low, high

    @property
    def kinds(self) -> tuple:
        return tuple(dict.fromkeys(t.kind for t in self.timings))

    def filesystem(self, kind: str) -> str:
        return next((f.fstype for f in self.filesystems if f.kind == kind), "?")

    def flags(self, kind: str) -> str:
        """The mount options worth knowing (read-only, no programs, no setuid, no devices)."""
        found = next((f.options for f in self.filesystems if f.kind == kind), "")
        return ",".join(o for o in found.split(",") if o in ("ro", "noexec", "nosuid", "nodev"))

    def compare(self, first: str, second: str, fsync: bool) -> Comparison | None:
        if not (self.runs(first, fsync) and self.runs(second, fsync)):
            return None
        (low1, high1), (low2, high2) = (
            self.middle_half(first, fsync),
            self.middle_half(second, fsync),
        )
        ratio = self.median(first, fsync) / self.median(second, fsync)
        return Comparison(first, second, fsync, ratio, low1 > high2 or low2 > high1)

    def comparisons(self) -> tuple:
        """The pairs the lecture's claims are about: tmpfs against a disk-backed volume (with
        fsync: the lecture's "fast, doesn't write to disk"), volume against bind mount, writable
        layer against volume."""
        pairs = [
            (TMPFS, NAMED, True),
            (NAMED, BIND, True),
            (LAYER, NAMED, True),
            (TMPFS, NAMED, False),
        ]
        return tuple(c for c in (self.compare(*p) for p in pairs) if c is not None)

    def claims(self) -> tuple:
        """Does a tmpfs mount spare the wait for the disk (the lecture's "fast, never written to
        disk")? It holds when fsync does not make its runs slower: their middle halves are not
        apart with fsync below. The named volume's medians show what fsync costs a disk."""
        if not (self.runs(TMPFS, False) and self.runs(TMPFS, True)):
            return ()
        (low, _), (_, high) = self.middle_half(TMPFS, False), self.middle_half(TMPFS, True)
        medians = [f"{self.median(k, f):,.0f}" for k in (TMPFS, NAMED) for f in (False, True)
                   if self.runs(k, f)]  # fmt: skip
        because = f"tmpfs {' -> '.join(medians[:2])} MB/s with fsync"
        if len(medians) == 4:
            because += f"; named volume {' -> '.join(medians[2:])}"
        return (Claim("Does fsync leave a tmpfs mount as fast?", high >= low, because),)

    def _cell(self, kind: str, fsync: bool) -> str:
        if not self.runs(kind, fsync):
            return ""
        low, high = self.middle_half(kind, fsync)
        return f"{self.median(kind, fsync):,.0f} ({low:,.0f}-{high:,.0f})"

    def table(self) -> Table:
        return Table(
            ["kind", "filesystem", "flags", "buffered", "with fsync"],
            [
                (
                    k,
                    self.filesystem(k),
                    self.flags(k) or "-",
                    self._cell(k, False),
                    self._cell(k, True),
                )
                for k in self.kinds
            ],
            caption=f"MB/s: median (middle half of the runs); {si(self.size_bytes)} "
            f"({self.size_bytes // MIB} MiB) per run, {self.repeats} runs each",
        )

    def summary(self) -> str:
        """One sentence per comparison (medians, and whether the middle halves are apart)."""
        return "\n".join([*(c.sentence() for c in self.comparisons()), *self.not_run])


# --- bind mounts: who owns the files, and a missing host path -----------------------------------


@result
class OwnershipRow:
    """A container user tried to create a file in a bind-mounted host folder: its uid inside the
    container (`id -u`, -1 if it printed none) and the file's owner on this machine."""

    user: str
    folder_mode: str
    command: str
    created: bool
    error: str
    host_uid: int
    you_may_edit: bool
    container_uid: int = -1


@result
class OwnershipReport(TableShown):
    """Who owns, on the host, the files containers create in a bind mount. `your_uid` is the uid
    the demo calls "you" (the owner of the folder); `not_run` why nothing ran (the Engine does
    not see the folder)."""

    folder: str
    your_uid: int
    rows: tuple
    not_run: str = ""

    @property
    def default_user_is_you(self) -> bool:
        """Is the image's default user's file yours on the host (a rootless Engine maps its
        root to you)?"""
        return bool(self.rows) and self.rows[0].created and self.rows[0].host_uid == self.your_uid

    def table(self) -> Table:
        if self.not_run:
            return Table(
                ["container user", "not run: " + self.not_run], [(r.user, "") for r in self.rows]
            )
        return Table(
            ["container user", "uid inside", "folder", "created?", "owner here", "you may edit"],
            [
                (
                    r.user,
                    r.container_uid if r.container_uid >= 0 else "",
                    r.folder_mode,
                    "yes" if r.created else f"no: {r.error}",
                    f"uid {r.host_uid}" if r.created else "",
                    yes_no(r.you_may_edit) if r.created else "",
                )
                for r in self.rows
            ],
            caption=f"files created in {self.folder} (you: uid {self.your_uid})",
        )


@result
class SyncStep:
    """One step of the bind-mount demo: where it ran, and what a read returned ("" for a write)."""

    where: str
    read: str


@result
class SyncReport(TableShown):
    """A file written on one side of a bind mount and read on the other, with nothing restarted
    or copied in between. `not_run`: why nothing ran (the Engine does not see the folder)."""

    folder: str
    box: str
    steps: tuple
    not_run: str = ""

    @property
    def seen_at_once(self) -> bool:
        """Did every read show what the other side had just written?"""
        return [s.read for s in self.steps if s.read] == [
            "line 1, from the host",
            "line 1, from the host\nline 2, added on the host",
            "from the container",
        ]

    def table(self) -> Table:
        return Table(
            ["on", "read back"],
            [(s.where, s.read.replace("\n", " / ")) for s in self.steps if s.read],
            caption=f"not run: {self.not_run}"
            if self.not_run
            else f"{self.folder} here is /shared in {self.box}",
        )


@result
class MissingPathCase:
    """One way of asking for a bind mount of a host path that does not exist."""

    way: str
    outcome: str
    path_exists_afterwards: bool


@result
class MissingPathReport(TableShown):
    """Three ways of bind-mounting a missing host path, and the lab's own message."""

    path: str
    cases: tuple
    lab_message: str

    def table(self) -> Table:
        return Table(
            ["asked with", "what happened", "path there afterwards"],
            [(c.way, c.outcome, yes_no(c.path_exists_afterwards)) for c in self.cases],
        )

    def __repr__(self) -> str:
        return f"{super().__repr__()}\n\nThe lab's message:\n{self.lab_message}"

    def _repr_html_(self) -> str:
        message = html.escape(self.lab_message)
        return f"{super()._repr_html_()}<p>The lab's message:</p><pre>{message}</pre>"
