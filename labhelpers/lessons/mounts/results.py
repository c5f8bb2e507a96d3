"""What notebook 06 measures: the survival grid, write throughput, bind-mount file owners and a
missing host path, as frozen results that show as tables (plots: `views.py`)."""

from __future__ import annotations

import html
import math
import statistics

from ...core.results import result
from ...core.units import MIB, si
from ...core.table import Table, TableShown, yes_no

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

# Where the benchmark writes, one path per kind of storage (an anonymous volume writes like a
# named one, so it is left out).
BENCH_TARGETS = (
    (LAYER, "/bench/layer"),
    (NAMED, "/bench/volume"),
    (BIND, "/bench/bind"),
    (TMPFS, "/bench/tmpfs"),
)


# --- the survival grid --------------------------------------------------------------------------


@result
class Trial:
    """One kind of storage put through one event: was the marker still there afterwards?
    `not_run`: why the trial could not run on this Engine (a bind mount of a folder the Engine
    does not see), with `written` holding the command it would have run."""

    kind: str
    event: str
    written: str
    read_back: str
    survived: bool
    note: str = ""
    not_run: str = ""

    @property
    def verdict(self) -> str:
        """ "kept" or "lost", with a star when the trial has a note ("not run" if it was not)."""
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

    def table(self) -> Table:
        def cell(kind: str, event: str) -> str:
            found = self.trial(kind, event)
            return found.verdict if found else ""

        return Table(
            ["/data is a ...", *self.events],
            [(k, *(cell(k, e) for e in self.events)) for k in self.kinds],
        )

    @property
    def footnote(self) -> str:
        notes = [f"* {t.note}" for t in self.trials if t.note][:1]
        skipped = {t.kind: t for t in self.trials if t.not_run}
        notes += [f"{kind}: not run: {t.not_run}. It would run: {t.written}" for kind, t in
                  skipped.items()]  # fmt: skip
        return "\n".join(notes)

    def __repr__(self) -> str:
        return super().__repr__() + (f"\n{self.footnote}" if self.footnote else "")

    def _repr_html_(self) -> str:
        notes = "".join(
            f"<p><small>{html.escape(line)}</small></p>" for line in self.footnote.splitlines()
        )
        return super()._repr_html_() + notes

    def plot(self):
        """A heatmap of the grid: green = the marker was still there, red = it was gone."""
        from .views import grid_figure

        return grid_figure(self)

    def choice_table(self) -> Table:
        """The lecture's pros/cons table, redone: the "kept" columns come from this grid."""
        from .views import choice_table

        return choice_table(self)


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
class Throughput(TableShown):
    """Write throughput per kind of storage, buffered and with fsync, repeated. `not_run`: a
    sentence per kind that could not be measured on this Engine (a bind mount of a folder the
    Engine does not see)."""

    size_bytes: int
    repeats: int
    timings: tuple
    filesystems: tuple
    not_run: tuple = ()

    def runs(self, kind: str, fsync: bool) -> list:
        return [t for t in self.timings if t.kind == kind and t.fsync == fsync]

    def median_mb_per_s(self, kind: str, fsync: bool) -> float:
        return statistics.median(t.mb_per_s for t in self.runs(kind, fsync))

    @property
    def kinds(self) -> tuple:
        return tuple(dict.fromkeys(t.kind for t in self.timings))

    def _mounted(self, kind: str) -> Filesystem | None:
        return next((f for f in self.filesystems if f.kind == kind), None)

    def filesystem(self, kind: str) -> str:
        found = self._mounted(kind)
        return found.fstype if found else "?"

    def flags(self, kind: str) -> str:
        """The mount options worth knowing about (read-only, no programs, no setuid, no devices)."""
        found = self._mounted(kind)
        notable = ("ro", "noexec", "nosuid", "nodev")
        options = found.options.split(",") if found else []
        return ",".join(o for o in options if o in notable) or "-"

    def table(self) -> Table:
        rows = []
        for kind in self.kinds:
            for fsync in (False, True):
                runs = self.runs(kind, fsync)
                if not runs:
                    continue
                rows.append(
                    (
                        kind,
                        self.filesystem(kind),
                        self.flags(kind),
                        "dd conv=fsync" if fsync else "dd (buffered)",
                        "  ".join(f"{t.mb_per_s:,.0f}" for t in runs),
                        f"{self.median_mb_per_s(kind, fsync):,.0f}",
                    )
                )
        return Table(
            ["kind", "filesystem", "mount flags", "how", "each run, MB/s", "median MB/s"],
            rows,
            caption=f"{si(self.size_bytes)} ({self.size_bytes // MIB} MiB) of zeros per run, "
            f"{self.repeats} runs each",
        )

    def __repr__(self) -> str:
        return "\n".join([super().__repr__(), *self.not_run])

    def _repr_html_(self) -> str:
        notes = "".join(f"<p><small>{html.escape(line)}</small></p>" for line in self.not_run)
        return super()._repr_html_() + notes

    def spread(self, kind: str, fsync: bool) -> tuple:
        """(slowest, fastest) run in MB/s."""
        speeds = [t.mb_per_s for t in self.runs(kind, fsync)]
        return min(speeds), max(speeds)

    def compare(self, first: str, second: str, fsync: bool) -> str:
        """One sentence on FIRST against SECOND, from the runs only: do their ranges (slowest to
        fastest run) overlap, or was every run of one faster than every run of the other?"""
        if not (self.runs(first, fsync) and self.runs(second, fsync)):
            return ""
        (low1, high1), (low2, high2) = self.spread(first, fsync), self.spread(second, fsync)
        ranges = f"{first} {low1:,.0f}-{high1:,.0f}, {second} {low2:,.0f}-{high2:,.0f} MB/s"
        if low1 > high2 or low2 > high1:
            faster, slower = (first, second) if low1 > high2 else (second, first)
            ratio = self.median_mb_per_s(faster, fsync) / self.median_mb_per_s(slower, fsync)
            return (
                f"{ranges}: every run of the {faster} was faster than every run of the "
                f"{slower} (medians {ratio:.2f}x)."
            )
        return f"{ranges}: the ranges overlap, so these runs cannot tell the two apart."

    def summary(self) -> str:
        """The medians, then what the runs can and cannot tell apart (ranges, not medians)."""
        parts = []
        for fsync in (False, True):
            medians = ", ".join(
                f"{kind} {self.median_mb_per_s(kind, fsync):,.0f}"
                for kind in self.kinds
                if self.runs(kind, fsync)
            )
            parts.append(f"{'with fsync' if fsync else 'buffered'}: {medians} MB/s")
        lines = ["Medians on this machine, " + "; ".join(parts) + "."]
        for fsync in (False, True):
            how = "With fsync" if fsync else "Buffered"
            for first, second in ((NAMED, BIND), (LAYER, NAMED), (TMPFS, NAMED)):
                said = self.compare(first, second, fsync)
                if said:
                    lines.append(f"{how}: {said}")
        n = self.repeats
        if n > 1:
            chance = 2 / math.comb(2 * n, n)
            lines.append(
                f"(With {n} runs each, two kinds that write equally fast would show every run of "
                f"one above every run of the other about once in {round(1 / chance):,} tries.)"
            )
        return "\n".join(lines)

    def plot(self):
        """Every run as a dot, per kind, buffered and with fsync; a line at each median."""
        from .views import throughput_figure

        return throughput_figure(self)


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
    host_gid: int
    host_owner: str
    you_may_edit: bool
    container_uid: int = -1


@result
class OwnershipReport(TableShown):
    """Who owns, on the host, the files containers create in a bind mount. `your_uid` is the
    user this notebook's kernel runs as (-1 where there are no uids); `not_run` why nothing ran
    (the Engine does not see the folder), with the commands it would have run in `rows`."""

    folder: str
    your_uid: int
    rows: tuple
    your_name: str = ""
    not_run: str = ""
    stand_in: str = ""  # why "you" is a plain user the lab made, not the kernel's root

    def explanation(self) -> str:
        """What the measured owners mean for whoever runs this notebook."""
        if self.not_run:
            commands = "\n".join(f"  {r.command}" for r in self.rows)
            return f"Not run: {self.not_run}. It would run:\n{commands}"
        default = next((r for r in self.rows if r.created), None)
        you = (
            f"{self.stand_in}"
            if self.stand_in
            else f"You run this notebook as uid {self.your_uid} ({self.your_name})."
        )
        if default is None:
            return f"{you} No container user could create a file here."
        made = f"The image's default user made a file owned by uid {default.host_uid} here"
        if default.container_uid < 0:
            how = f"{made}."
        elif default.container_uid == default.host_uid:
            how = f"{made}: its uid in the container, stored as it is."
        else:
            how = (
                f"{made}, though it is uid {default.container_uid} in the container: this "
                "Engine maps container users to other uids (rootless, or userns-remap)."
            )
        if default.host_uid == self.your_uid:
            mine = "That is you, so you may edit it."
        elif self.stand_in and not default.you_may_edit:
            mine = (
                f"That is not {self.your_name}: they may delete it from their folder, but not "
                "edit it."
            )
        elif default.you_may_edit:
            mine = "That is not you, yet you may edit it: you are root here."
        else:
            mine = "That is not you: you may delete it from your folder, but not edit it."
        return f"{you} {how} {mine}"

    def table(self) -> Table:
        if self.not_run:
            return Table(
                ["container user", "command (not run)"], [(r.user, r.command) for r in self.rows]
            )
        return Table(
            [
                "container user",
                "uid inside",
                "host folder",
                "created?",
                "owner on the host",
                "you may edit it" if not self.stand_in else f"{self.your_name} may edit it",
            ],
            [
                (
                    r.user,
                    r.container_uid if r.container_uid >= 0 else "",
                    r.folder_mode,
                    "yes" if r.created else f"no: {r.error}",
                    f"uid {r.host_uid} ({r.host_owner})" if r.created else "",
                    yes_no(r.you_may_edit) if r.created else "",
                )
                for r in self.rows
            ],
            caption=f"files created in {self.folder} (you: {self.your_name}, uid {self.your_uid})",
        )

    def __repr__(self) -> str:
        return f"{super().__repr__()}\n\n{self.explanation()}"

    def _repr_html_(self) -> str:
        text = html.escape(self.explanation())
        return f"{super()._repr_html_()}<pre style='white-space:pre-wrap'>{text}</pre>"


@result
class SyncStep:
    """One step of the bind-mount demo: where it ran, the command, and what a read returned."""

    where: str
    command: str
    read: str


@result
class SyncReport(TableShown):
    """A file written on one side of a bind mount and read on the other, with nothing restarted
    or copied in between. `not_run`: why nothing ran (the Engine does not see the folder)."""

    folder: str
    started: str  # the `docker run` that made the container
    steps: tuple
    not_run: str = ""
    box: str = "sync-box"  # the container's name on this Engine

    def table(self) -> Table:
        if self.not_run:
            return Table(["on", "command (not run)"], [(s.where, s.command) for s in self.steps])
        return Table(
            ["on", "command", "read back"],
            [(s.where, s.command, s.read.replace("\n", " / ")) for s in self.steps],
            caption=f"{self.folder} on this machine is /shared in {self.box}",
        )

    def seen_at_once(self) -> bool:
        """Did every read show what the other side had just written?"""
        reads = [s.read for s in self.steps if s.read]
        return reads == [
            "line 1, from the host",
            "line 1, from the host\nline 2, added on the host",
            "from the container",
        ]

    def verdict(self) -> str:
        if self.not_run:
            return (
                f"Not run: {self.not_run}. There the container sees the folder of that name on "
                "the Engine's machine, not yours. It would run:\n  " + self.started
            )
        if self.seen_at_once():
            return (
                "Each read showed what the other side had written one command earlier: one "
                f"folder, two names for it. Nothing was copied, and {self.box} was not restarted."
            )
        return "A read did not show what the other side wrote: look at the table above."

    def __repr__(self) -> str:
        return f"{super().__repr__()}\n{self.verdict()}"

    def _repr_html_(self) -> str:
        return f"{super()._repr_html_()}<p>{html.escape(self.verdict())}</p>"


@result
class MissingPathCase:
    """One way of asking for a bind mount of a host path that does not exist."""

    way: str
    command: str
    outcome: str
    path_exists_afterwards: bool


@result
class MissingPathReport(TableShown):
    """Three ways of bind-mounting a missing host path, and the lab's own message."""

    path: str
    cases: tuple
    lab_message: str
    note: str = ""  # when the Engine does not see the folder: why the outcomes look as they do

    def table(self) -> Table:
        return Table(
            ["asked with", "what happened", "path exists afterwards"],
            [(c.way, c.outcome, yes_no(c.path_exists_afterwards)) for c in self.cases],
            caption=f"bind-mounting {self.path}, which did not exist",
        )

    def __repr__(self) -> str:
        note = f"\n\nNote: {self.note}" if self.note else ""
        return f"{super().__repr__()}\n\nThe lab's message:\n{self.lab_message}{note}"

    def _repr_html_(self) -> str:
        message = html.escape(self.lab_message)
        note = f"<p>Note: {html.escape(self.note)}</p>" if self.note else ""
        return f"{super()._repr_html_()}<p>The lab's message:</p><pre>{message}</pre>{note}"
